"""« Vue d'ensemble » — home page of the SSE / QPV dashboard (`streamlit run app.py`)."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
import streamlit as st

from sse_dash import charts, fmt, style
from sse_dash.dashboard import indicators, mapviews, points, qpv, sse
from sse_dash.dashboard import territory as terr
from sse_dash.ui import cache, home, widgets
from sse_dash.ui import state as S
from sse_dash.ui.folium import show_map
from sse_dash.ui.markdown import md
from sse_dash.ui.page import page_setup

ctx = page_setup("Vue d'ensemble")
t, lang = ctx.t, ctx.lang
ignored: list[str] = []

st.markdown(
    t(
        "Ce tableau de bord présente l'**économie sociale et solidaire** (ESS) des territoires et "
        "sa présence dans les **quartiers prioritaires de la politique de la ville** (QPV). "
        "Choisissez un territoire dans le panneau de gauche, puis une page."
    )
)
qpv_counts = cache.call(qpv.counts_by_region)

if not ctx.sirene:
    st.info(
        t(
            "Les établissements de l'ESS (SIRENE) ne sont pas encore dans la base : seules les "
            "données sur les quartiers prioritaires sont affichées."
        )
    )
else:
    territory = ctx.territory
    weights_ok = cache.call(indicators.available)
    if territory.level == "france":
        st.subheader(t("France"))
    else:
        c1, c2 = st.columns([3, 1])
        c1.subheader(md(territory.label))
        c2.button(
            t("← Revenir à la France"),
            key="home_back_to_france",
            on_click=home.back_to_france,
            help=t("Afficher de nouveau la France entière."),
        )
    k = cache.call(sse.kpis, territory)
    widgets.kpis(
        [
            (t("Établissements ESS"), fmt.number(k["establishments"], lang=lang), None),
            (
                t("Établissements employeurs"),
                fmt.number(k["employer_establishments"], lang=lang),
                t("Au moins un salarié au 31 décembre (tranche d'effectifs SIRENE)."),
            ),
            (
                t("Emplois estimés"),
                fmt.number(k["employees_est"], lang=lang),
                t("Milieu de la tranche d'effectifs de chaque établissement : ordre de grandeur."),
            ),
            (
                t("Part en QPV"),
                fmt.percent(k["share_in_qpv"], lang=lang),
                sse.uncertain_note(k, lang),
            ),
            (
                t("Part en QPV ou à moins de 300 m"),
                fmt.percent(k["share_near_qpv"], lang=lang),
                sse.uncertain_note(k, lang),
            ),
        ]
    )
    if k["qpv_uncertain"]:
        st.caption(sse.uncertain_note(k, lang))
    if territory.level != "france":
        references = cache.call(terr.references, territory)
        ref_rows = [(territory, k)] + [(r, cache.call(sse.kpis, r)) for r in references]
        widgets.data_table(
            points.reference_table(ref_rows, lang),
            lang,
            label="Comparer avec le territoire parent et la France",
        )
    if weights_ok:
        home.weight_summary(territory, lang)

    st.subheader(t("Carte"))
    scope = cache.call(indicators.map_scope, territory)
    indicator_labels = {code: t(label) for code, label in sse.INDICATORS.items()}
    if weights_ok:
        indicator_labels.update(
            {code: t(label) for code, label in indicators.MAP_INDICATORS.items()}
        )
    level_names = {
        "region": t("Régions"),
        "departement": t("Départements"),
        "epci": t("EPCI / EPT"),
        "commune": t("Communes"),
    }
    levels = {lv: level_names[lv] for lv in indicators.SUB_LEVELS[scope.level]}
    c1, c2 = st.columns(2)
    with c1:
        indicator = widgets.url_choice(
            st.radio,
            t("Indicateur"),
            indicator_labels,
            param=S.QP_INDICATOR,
            default="count",
            key="home_indicator",
            ignored=ignored,
        )
    with c2:
        level = widgets.url_choice(
            st.radio,
            t("Maille"),
            levels,
            param=S.QP_MAP_LEVEL,
            default=next(iter(levels)),
            key="home_level",
            ignored=ignored,
            horizontal=True,
        )
    widgets.ignored_params(ignored, lang)
    if scope.level != "france":
        st.caption(
            t("Territoires de {name} : {what}.").format(name=md(scope.label), what=levels[level])
        )
    if weights_ok:
        areas = cache.call(indicators.choropleth, level, scope)
    else:
        areas = cache.call(sse.choropleth, level, within=None if scope.level == "france" else scope)
    bounds = cache.call(terr.bounds, scope) if scope.level != "france" else None
    zones = style.zones_present(areas["code"]) if scope.level == "france" and len(areas) else []
    zone_ignored: list[str] = []
    zone = None
    if len(zones) > 1:  # the overseas départements and collectivités, one zoom each
        zone = widgets.url_choice(
            st.selectbox,
            t("Partie de la France"),
            {name: t(style.ZONE_LABELS[name]) for name in zones},
            param=S.QP_MAP_ZONE,
            default="metropole",
            key="home_zone",
            ignored=zone_ignored,
        )
        widgets.ignored_params(zone_ignored, lang)
        bounds = style.zone_bounds(zone)
    else:
        widgets.drop_param(S.QP_MAP_ZONE)
    legend = indicator_labels[indicator]
    share = indicator in ("share_qpv", *indicators.MAP_INDICATORS)
    if areas.empty:
        st.info(
            t("Aucun territoire de ce niveau à cartographier ici : choisissez une autre maille.")
        )
    else:
        m = mapviews.choropleth_map(
            areas,
            indicator,
            legend_title=legend,
            percent=share,
            decimals=1 if indicator == "per10k" else 0,
            bounds=bounds,
            lang=lang,
        )
        zoom = f"_{zone}" if zone else ""
        show_map(m, key=f"home_map_{scope.key}_{level}_{indicator}{zoom}", height=520)
    if scope.level == "france":
        st.caption(
            t(
                "Outre-mer : choisissez sa partie de la France au-dessus de la carte. Pour la "
                "carte des communes, choisissez un département (ou une de ses communes) à gauche."
            )
        )
    widgets.data_table(
        areas[
            [
                "code",
                "name",
                "establishments",
                "per10k",
                "in_qpv",
                "qpv_uncertain",
                "share_qpv",
                "population",
            ]
        ]
        .rename(
            columns={
                "code": "Code",
                "name": t("Nom"),
                "establishments": t("Établissements ESS"),
                "per10k": t("Pour 10 000 habitants"),
                "in_qpv": t("Établissements en QPV"),
                "qpv_uncertain": t("QPV incertain (localisation imprécise)"),
                "share_qpv": t("Part en QPV (%)"),
                "population": t("Population"),
            }
        )
        .round(2),
        lang,
    )
    if weights_ok:
        home.ranking(level, scope, levels[level], lang)

    c1, c2 = st.columns(2)
    with c1:
        fam = cache.call(sse.breakdown, territory, "family", lang=lang)
        fig = charts.hbar(
            fam,
            label="label",
            value="establishments",
            title=t("Familles de l'ESS"),
            lang=lang,
            color=style.family_colours(fam["code"]),
        )
        widgets.chart(
            fig,
            "home_families",
            points.breakdown_table(fam, lang),
            lang=lang,
            meta={"title": t("Familles de l'ESS"), "territory": territory.label},
        )
    with c2:
        sec = cache.call(sse.breakdown, territory, "naf_section", lang=lang).head(12)
        fig = charts.hbar(
            sec,
            label="label",
            value="establishments",
            title=t("Secteurs d'activité (sections NAF)"),
            lang=lang,
            color=style.SECTOR_COLOUR,
        )
        widgets.chart(
            fig,
            "home_sectors",
            points.breakdown_table(sec, lang),
            lang=lang,
            meta={"title": t("Secteurs d'activité (sections NAF)"), "territory": territory.label},
        )

st.subheader(t("Nombre de QPV par région"))
widgets.kpis(
    [
        ("QPV 2024", fmt.number(qpv_counts["qpv"].sum(), lang=lang), None),
        (
            t("Habitants des QPV"),
            fmt.number(qpv_counts["population"].sum(), lang=lang),
            t("Population municipale des QPV 2024 (INSEE), quand elle est connue."),
        ),
    ]
)
fig = charts.hbar(qpv_counts, label="name", value="qpv", lang=lang, color=style.QPV_COLOUR)
widgets.chart(
    fig,
    "home_qpv_by_region",
    qpv_counts.rename(
        columns={
            "code": "Code",
            "name": t("Région"),
            "qpv": "QPV",
            "population": t("Population"),
        }
    ),
    lang=lang,
)
