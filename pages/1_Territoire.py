"""« Territoire » — the SSE of one territory: key figures against its parent and France,
families, sectors, sizes, creation years, map with QPV / tiers-lieux / PTCE, filterable table."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
import streamlit as st

from sse_dash import charts, fmt, i18n, style
from sse_dash.dashboard import layers, mapviews, points, sse
from sse_dash.dashboard import territory as terr
from sse_dash.ui import cache, downloads, weight, widgets
from sse_dash.ui import state as S
from sse_dash.ui.folium import show_map
from sse_dash.ui.markdown import md
from sse_dash.ui.page import page_setup

MAX_MAP_POINTS = 50_000
TABLE_ROWS = 5_000

ctx = page_setup("Territoire")
t, lang, territory = ctx.t, ctx.lang, ctx.territory
if not ctx.sirene:
    st.info(
        t(
            "Les établissements de l'ESS (SIRENE) ne sont pas encore dans la base. Construisez-la "
            "avec `make data-dev` ou `python -m sse_dash data build`."
        )
    )
    st.stop()

ignored: list[str] = []
families = cache.call(sse.families)
sections = cache.call(sse.sections)
family_labels = cache.call(sse.labels, "family", lang)
section_labels = cache.call(sse.labels, "naf_section", lang)
size_labels = sse.size_class_labels(lang)
readers = sse.filter_readers(family_labels, section_labels)  # as the export command reads them

with st.expander(t("Filtres"), expanded=True):
    c1, c2, c3 = st.columns(3)
    with c1:
        family = widgets.url_choice(
            st.selectbox,
            t("Famille"),
            {"": t("Toutes"), **family_labels},
            param=S.QP_FAMILY,
            parse=readers[S.QP_FAMILY],
            default="",
            key="ter_family",
            ignored=ignored,
        )
        size = widgets.url_choice(
            st.selectbox,
            t("Taille"),
            {"": t("Toutes"), **size_labels},
            param=S.QP_SIZE,
            parse=readers[S.QP_SIZE],
            default="",
            key="ter_size",
            ignored=ignored,
        )
    with c2:
        sector = widgets.url_choice(
            st.selectbox,
            t("Secteur"),
            {"": t("Tous"), **section_labels},
            param=S.QP_SECTOR,
            parse=readers[S.QP_SECTOR],
            default="",
            key="ter_sector",
            ignored=ignored,
        )
        employer = widgets.url_toggle(
            t("Employeurs uniquement"),
            param=S.QP_EMPLOYER,
            key="ter_employer",
            ignored=ignored,
            parse=readers[S.QP_EMPLOYER],
        )
    with c3:
        qpv_filter = widgets.url_choice(
            st.radio,
            "QPV",
            {k: t(v) for k, v in sse.QPV_FILTER_LABELS.items()},
            param=S.QP_QPV_FILTER,
            parse=readers[S.QP_QPV_FILTER],
            default="all",
            key="ter_qpv",
            ignored=ignored,
        )
widgets.ignored_params(ignored, lang)
filters = sse.Filters(
    family=family or None,
    sector=sector or None,
    size=size or None,
    qpv=qpv_filter,
    employer=employer,
)

# what the chart exports are about: the territory and the active filters (title, file name)
chart_meta = {
    "territory": downloads.context_label(
        territory.label,
        [
            family_labels.get(family, family) if family else "",
            section_labels.get(sector, sector) if sector else "",
            size_labels.get(size, size) if size else "",
            t(sse.QPV_FILTER_LABELS[qpv_filter]) if qpv_filter != "all" else "",
            t("Employeurs uniquement") if employer else "",
        ],
    )
}
figures = cache.call(sse.summary, territory, filters)
k = sse.kpis_of(figures, territory)
st.subheader(md(territory.label))
if filters.active:
    st.caption(t("Chiffres calculés avec les filtres ci-dessus."))
widgets.kpis(
    [
        (t("Établissements ESS"), fmt.number(k["establishments"], lang=lang), None),
        (t("Établissements employeurs"), fmt.number(k["employer_establishments"], lang=lang), None),
        (
            t("Emplois estimés"),
            fmt.number(k["employees_est"], lang=lang),
            t("Milieu de la tranche d'effectifs : ordre de grandeur."),
        ),
        (t("Pour 10 000 habitants"), fmt.rate(k["per10k"], 1, lang), None),
        (
            t("Part en QPV"),
            fmt.percent(k["share_in_qpv"], lang=lang),
            sse.uncertain_note(k, lang),
        ),
    ]
)
st.caption(downloads.source_caption(lang=lang, estimate=True))
if k["qpv_uncertain"]:
    st.caption(sse.uncertain_note(k, lang))
references = cache.call(terr.references, territory)
ref_rows = [(territory, k)] + [(r, cache.call(sse.kpis, r, filters)) for r in references]
widgets.data_table(
    points.reference_table(ref_rows, lang),
    lang,
    label="Comparer avec le territoire parent et la France",
)
st.subheader(t("Dossier de synthèse et carte"))
downloads.briefing_downloads(territory, "ter", lang=lang)

c1, c2 = st.columns(2)
with c1:
    fam = sse.breakdown_of(figures, "family", family_labels, lang)
    fig = charts.hbar(
        fam,
        label="label",
        value="establishments",
        title=t("Familles de l'ESS"),
        lang=lang,
        color=style.family_colours(fam["code"]),
    )
    widgets.chart(
        fig, "ter_families", points.breakdown_table(fam, lang), lang=lang, meta=chart_meta
    )
    size_df = sse.breakdown_of(figures, "size_class", size_labels, lang)
    fig = charts.columns(
        size_df,
        x="label",
        y="establishments",
        title=t("Tranches d'effectifs"),
        y_label=t("Établissements"),
        lang=lang,
        color=style.SIZE_COLOUR,
    )
    widgets.chart(
        fig, "ter_sizes", points.breakdown_table(size_df, lang), lang=lang, meta=chart_meta
    )
with c2:
    sec = sse.breakdown_of(figures, "naf_section", section_labels, lang)
    fig = charts.hbar(
        sec,
        label="label",
        value="establishments",
        title=t("Secteurs d'activité (sections NAF)"),
        lang=lang,
        color=style.SECTOR_COLOUR,
    )
    widgets.chart(fig, "ter_sectors", points.breakdown_table(sec, lang), lang=lang, meta=chart_meta)
    years = sse.years_of(figures)
    fig = charts.columns(
        years,
        x="year",
        y="establishments",
        title=t("Années de création"),
        y_label=t("Établissements"),
        lang=lang,
    )
    widgets.chart(
        fig,
        "ter_years",
        years.rename(columns={"year": t("Année"), "establishments": t("Établissements")}),
        lang=lang,
        meta=chart_meta,
    )

weight.section(territory, lang)

st.subheader(t("Carte"))
layer_ignored: list[str] = []
chosen = widgets.url_multi(
    t("Couches"),
    layers.offered(layers.TERRITORY_PAGE, lang),
    param=S.QP_LAYERS,
    default=["ets", "qpv"],
    key="ter_layers",
    ignored=layer_ignored,
)
widgets.ignored_params(layer_ignored, lang)
if territory.level == "france":
    st.info(t("Choisissez une région, un département, un EPCI ou une commune pour la carte."))
else:
    frames = {
        layer_id: cache.call(layers.load, layer_id, territory)
        for layer_id in chosen
        if layer_id != "ets"
    }
    ets = (
        cache.call(layers.load, "ets", territory, filters=filters, limit=MAX_MAP_POINTS + 1)
        if "ets" in chosen
        else None
    )
    if ets is not None and len(ets) > MAX_MAP_POINTS:
        st.warning(
            i18n.tf(
                "Plus de {n} établissements : la carte n'en montre qu'une partie. Filtrez ou "
                "choisissez un territoire plus petit.",
                lang,
                n=fmt.number(MAX_MAP_POINTS, lang=lang),
            )
        )
    if ets is not None:
        frames["ets"] = ets.head(MAX_MAP_POINTS)
    m = mapviews.layered_map(
        frames,
        bounds=cache.call(terr.bounds, territory),
        family_labels=family_labels,
        lang=lang,
        outline=cache.call(terr.outline, territory),
        subdivisions=cache.call(terr.communes, territory)
        if territory.level in ("departement", "epci")
        else None,
        cluster=territory.level == "region",
    )
    show_map(m, key=f"ter_map_{territory.key}", height=560)
    # The map's table alternative lists the same first rows as the establishment table below
    # (a 50,000-row grid helps nobody and cost ~60 ms per rerun).
    if ets is not None:
        widgets.data_table(
            points.map_table(ets.head(TABLE_ROWS), family_labels, lang),
            lang,
            label="Voir les données ({n} premiers établissements)",
            n=fmt.number(min(len(ets), TABLE_ROWS), lang=lang),
        )

st.subheader(t("Établissements"))
shown = cache.call(sse.points, territory, filters, TABLE_ROWS)
st.caption(
    i18n.tf(
        "{total} établissements ; {shown} affichés ci-dessous, tous dans les téléchargements. "
        "Les noms des unités non diffusibles ne sont pas publiés.",
        lang,
        total=fmt.number(k["establishments"], lang=lang),
        shown=fmt.number(len(shown), lang=lang),
    )
)
commune_names = cache.call(terr.commune_names, tuple(sorted(set(shown["commune_code"].dropna()))))
widgets.show_frame(sse.display_points(shown, family_labels, lang, commune_names), lang)
downloads.establishment_downloads(
    territory, filters, int(k["establishments"]), "ter_establishments", lang=lang
)
