"""« Quartiers prioritaires » — QPV of the selected territory: map, indicators, SSE presence,
detail of one QPV (?qpv=QN09301M) with its establishments and nearby third places."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
import pandas as pd
import streamlit as st

from sse_dash import charts, fmt, i18n
from sse_dash import params as url
from sse_dash.dashboard import mapviews, proximity, qpv, sse
from sse_dash.dashboard import territory as terr
from sse_dash.ui import cache, downloads, widgets
from sse_dash.ui import state as S
from sse_dash.ui.folium import show_map
from sse_dash.ui.markdown import md
from sse_dash.ui.page import page_setup

NEAR_THIRD_PLACES_M = 1000

ctx = page_setup("Quartiers prioritaires")
t, lang, territory = ctx.t, ctx.lang, ctx.territory
ignored: list[str] = []

# ---------------------------------------------------------------- list of the territory
if territory.level == "france":
    st.info(
        t(
            "Choisissez une région, un département, un EPCI ou une commune dans le panneau de "
            "gauche pour afficher la carte et le tableau de ses quartiers prioritaires."
        )
    )
    counts = cache.call(qpv.counts_by_region)
    fig = charts.hbar(
        counts, label="name", value="qpv", title=t("Nombre de QPV par région"), lang=lang
    )
    widgets.chart(
        fig,
        "qpv_by_region",
        counts.rename(
            columns={
                "code": "Code",
                "name": t("Région"),
                "qpv": "QPV",
                "population": t("Population"),
            }
        ),
        meta={"territory": "France"},
        lang=lang,
    )
    qpv_table = None
else:
    contours = cache.call(qpv.contours, territory)
    show_2015 = widgets.url_toggle(
        t("Afficher aussi les contours de 2015 (ancienne géographie, quand ils existent)"),
        param=S.QP_GEOGRAPHY,
        key="qpv_show2015",
        ignored=ignored,
    )
    contours15 = cache.call(qpv.contours, territory, "2015") if show_2015 else None
    st.subheader(f"{md(territory.label)} — {fmt.number(len(contours), lang=lang)} QPV 2024")
    if contours.empty:
        st.info(t("Aucun quartier prioritaire (géographie 2024) dans ce territoire."))
    else:
        m = mapviews.layered_map(
            {"qpv": contours, "qpv15": contours15},
            bounds=cache.call(terr.bounds, territory),
            lang=lang,
            outline=cache.call(terr.outline, territory),
            subdivisions=cache.call(terr.communes, territory)
            if territory.level in ("departement", "epci")
            else None,
        )
        show_map(m, key=f"qpv_map_{territory.key}_{show_2015}")
        if show_2015 and (contours15 is None or contours15.empty):
            st.caption(t("Pas de contours 2015 pour ce territoire dans la base."))
    qpv_table = cache.call(qpv.table, territory, with_sse=ctx.sirene)
    if not qpv_table.empty:
        st.subheader(t("Indicateurs des quartiers"))
        st.caption(
            t(
                "Indicateurs INSEE des QPV 2024 (vide quand la source n'en donne pas). "
                "Établissements ESS « à 300 m ou moins » : dans le QPV ou à moins de 300 m de son "
                "contour, comptés pour leur QPV le plus proche."
            )
        )
        widgets.table(
            qpv.display_table(qpv_table, lang).round(1),
            "qpv_table",
            meta={"title": f"QPV 2024 — {territory.label}"},
            lang=lang,
        )

# ---------------------------------------------------------------- one QPV
st.divider()
options = {"": "—"}
if qpv_table is not None:
    options.update(
        {c: f"{n} ({c})" for c, n in zip(qpv_table["code"], qpv_table["name"], strict=True)}
    )
try:
    selected_code = url.qpv_code(st.query_params.get(S.QP_QPV), qpv.valid_code)
except url.Invalid:
    selected_code = None  # widgets.url_choice below names the parameter
if selected_code and selected_code not in options:
    options[selected_code] = selected_code  # a QPV given in the URL, outside the territory
code = widgets.url_choice(
    st.selectbox,
    t("Détail d'un quartier"),
    options,
    param=S.QP_QPV,
    default="",
    key="qpv_detail",
    ignored=ignored,
    parse=lambda raw: url.qpv_code(raw, qpv.valid_code),
)
widgets.ignored_params(ignored, lang)
record = cache.call(qpv.one, code) if code else None
if code and record is None:
    st.warning(t("Ce code de quartier prioritaire est inconnu dans la base."))
if record:
    qpv_label = f"{record['name']} ({record['code']})"
    st.subheader(
        i18n.tf(
            "{name} ({code}) — géographie {geography}",
            lang,
            name=md(record["name"]),
            code=md(record["code"]),
            geography=record["geography"],
        )
    )
    st.caption(
        i18n.tf(
            "Commune principale : {commune}",
            lang,
            commune=md(record["commune_name"] or record["commune_code"]),
        )
    )
    if record.get("geometry_status") == "empty":
        st.warning(t("Le contour de ce quartier est vide dans la source : pas de carte possible."))
    widgets.kpis(
        [
            (t("Population"), fmt.number(record["population"], lang=lang), None),
            (t("Taux de pauvreté"), fmt.percent(record["poverty_rate"], lang=lang), None),
            (t("Taux d'emploi 15-64 ans"), fmt.percent(record["employment_rate"], lang=lang), None),
            (
                t("Logements sociaux"),
                fmt.percent(record["social_housing_rate"], lang=lang),
                t("Part des logements sociaux (recalculée par la source, peut dépasser 100 %)."),
            ),
        ]
    )
    ets = (
        cache.call(qpv.establishments, record["code"])
        if ctx.sirene and record["geography"] == "2024"
        else pd.DataFrame()
    )
    near_tl = cache.call(proximity.near_one_qpv, record["wkb"], NEAR_THIRD_PLACES_M)
    if ctx.sirene and record["geography"] == "2024":
        inside = int((ets["qpv24"] == record["code"]).sum()) if not ets.empty else 0
        widgets.kpis(
            [
                (t("Établissements ESS dans le QPV"), fmt.number(inside, lang=lang), None),
                (
                    t("Établissements ESS à 300 m ou moins"),
                    fmt.number(len(ets), lang=lang),
                    t("Dans le QPV ou à moins de 300 m de son contour (QPV le plus proche)."),
                ),
                (
                    i18n.tf(
                        "Tiers-lieux à {distance} ou moins",
                        lang,
                        distance=fmt.distance(NEAR_THIRD_PLACES_M, lang),
                    ),
                    fmt.number(len(near_tl), lang=lang),
                    None,
                ),
            ]
        )
        unsure = cache.call(qpv.uncertain_in_communes, record["code"])
        if unsure:
            st.caption(
                i18n.tf(
                    "{n} établissements ESS de la commune du quartier sont localisés trop "
                    "imprécisément (point placé au hasard dans la commune, ou sans coordonnées) "
                    "pour dire s'ils sont dans ce QPV : ils ne sont pas comptés.",
                    lang,
                    n=fmt.number(unsure, lang=lang),
                )
            )
    one = pd.DataFrame([{k: record[k] for k in ("code", "name", "geometry", "lat", "lon")}])
    other = cache.call(qpv.overlap, record["code"])
    family_labels = cache.call(sse.labels, "family", lang) if ctx.sirene else None
    m = mapviews.layered_map(
        {
            "qpv": one if record["geography"] == "2024" else None,
            "qpv15": one if record["geography"] == "2015" else other,
            "ets": ets,
            "tl": near_tl,
        },
        family_labels=family_labels,
        lang=lang,
    )
    show_map(m, key=f"qpv_detail_map_{record['code']}", height=480)
    qpv_territory = (
        cache.call(terr.lookup, "qpv", record["code"]) if record["geography"] == "2024" else None
    )
    if qpv_territory is not None:
        st.markdown("#### " + t("Dossier de synthèse et carte du quartier"))
        downloads.briefing_downloads(qpv_territory, "qpv_detail", lang=lang)
    if not other.empty:
        st.markdown(t("**Géographies 2015 et 2024**"))
        widgets.table(
            qpv.overlap_table(other, record["geography"], lang),
            "qpv_overlap",
            meta={"title": t("Géographies 2015 et 2024"), "territory": qpv_label},
            lang=lang,
        )
    elif record["geography"] == "2024":
        st.caption(t("Aucun QPV de la géographie 2015 ne recoupe ce quartier dans la base."))
    if not ets.empty:
        st.markdown(t("**Établissements ESS dans le quartier et à 300 m ou moins**"))
        widgets.table(
            qpv.establishments_table(ets, lang, family_labels),
            "qpv_establishments",
            meta={"title": t("Établissements ESS"), "territory": qpv_label},
            lang=lang,
        )
    if not near_tl.empty:
        st.markdown(
            i18n.tf(
                "**Tiers-lieux à {distance} ou moins**",
                lang,
                distance=fmt.distance(NEAR_THIRD_PLACES_M, lang),
            )
        )
        widgets.table(
            qpv.third_places_table(near_tl, lang),
            "qpv_third_places",
            meta={"title": t("Tiers-lieux"), "territory": qpv_label},
            lang=lang,
        )
