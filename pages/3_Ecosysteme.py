"""« Écosystème » — SSE establishments, QPV, tiers-lieux, PTCE (and addresses checked on
« Adresse en QPV ? ») on one map, and proximity questions answered in metres."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
import streamlit as st

from sse_dash import fmt, i18n
from sse_dash.dashboard import layers, mapviews, proximity, sse
from sse_dash.dashboard import territory as terr
from sse_dash.i18n import N_
from sse_dash.ui import cache, widgets
from sse_dash.ui import state as S
from sse_dash.ui.folium import show_map
from sse_dash.ui.markdown import md
from sse_dash.ui.page import page_setup

MAX_MAP_POINTS = 50_000

ctx = page_setup("Écosystème")
t, lang, territory = ctx.t, ctx.lang, ctx.territory
ignored: list[str] = []
session_points = st.session_state.get(S.SESSION_POINT_LAYER)
has_session_points = session_points is not None and len(session_points) > 0

layer_options = layers.offered(layers.ECOSYSTEM_PAGE, lang)
if not ctx.sirene:
    layer_options.pop("ets")
if has_session_points:
    layer_options["adr"] = layers.label("adr", lang)
chosen = widgets.url_multi(
    t("Couches"),
    layer_options,
    param=S.QP_LAYERS,
    default=list(layer_options),
    key="eco_layers",
    ignored=ignored,
)

family_labels = cache.call(sse.labels, "family", lang) if ctx.sirene else {}
frames = {
    layer_id: cache.call(layers.load, layer_id, territory)
    for layer_id in chosen
    if layer_id not in ("ets", "adr")
}
if "adr" in chosen and has_session_points:
    frames["adr"] = session_points
if "ets" in chosen:
    if territory.level == "france":
        st.info(
            t(
                "Les établissements ESS s'affichent pour une région, un département, un EPCI ou une "
                "commune (choisissez-en un dans le panneau de gauche)."
            )
        )
    else:
        ets = cache.call(
            layers.load, "ets", territory, filters=sse.NO_FILTERS, limit=MAX_MAP_POINTS + 1
        )
        if len(ets) > MAX_MAP_POINTS:
            st.warning(
                i18n.tf(
                    "Plus de {n} établissements : seule une partie est cartographiée. Choisissez "
                    "un territoire plus petit.",
                    lang,
                    n=fmt.number(MAX_MAP_POINTS, lang=lang),
                )
            )
        frames["ets"] = ets.head(MAX_MAP_POINTS)
m = mapviews.layered_map(
    frames, bounds=cache.call(terr.bounds, territory), family_labels=family_labels, lang=lang
)
show_map(m, key=f"eco_map_{territory.key}", height=560)
widgets.data_table(mapviews.layers_table(frames, lang=lang), lang)
st.caption(
    t(
        "Les PTCE et certains tiers-lieux sont localisés au centre de leur commune "
        "(localisation approximative) ; les établissements placés au hasard dans leur commune "
        "par l'INSEE sont dessinés en pointillé : leur présence en QPV est incertaine."
    )
)

# ---------------------------------------------------------------- proximity questions
st.subheader(t("Questions de proximité"))
questions = proximity.questions(lang)
if not ctx.sirene:
    questions = {"tl_near_qpv": questions["tl_near_qpv"]}
c1, c2, c3 = st.columns([3, 1, 2])
with c1:
    question = widgets.url_choice(
        st.radio,
        t("Question"),
        questions,
        param=S.QP_QUESTION,
        default="tl_near_qpv",
        key="eco_question",
        ignored=ignored,
    )
with c2:
    radius = widgets.url_number(
        t("Distance (m)"),
        param=S.QP_DISTANCE,
        key="eco_radius",
        default=500,
        clamp=proximity.clamp_radius,
        ignored=ignored,
        min_value=50,
        max_value=proximity.MAX_RADIUS_M,
        step=50,
    )
# the exported table says which question, distance and territory it answers
question_meta = {
    "title": f"{questions.get(question, question)} ({fmt.distance(radius, lang)})",
    "territory": territory.label,
}
sector = None
section_labels = cache.call(sse.labels, "naf_section", lang) if ctx.sirene else {}
if question == "sse_near_ptce":
    section_labels = cache.call(sse.labels, "naf_section", lang)
    with c3:
        sector = widgets.url_choice(
            st.selectbox,
            t("Secteur"),
            {"": t("Tous"), **section_labels},
            param=S.QP_SECTOR,
            default="",
            key="eco_sector",
            ignored=ignored,
            parse=sse.filter_readers((), section_labels)[S.QP_SECTOR],
        )
widgets.ignored_params(ignored, lang)
distance_label = fmt.distance(radius, lang)

if question == "tl_near_qpv":
    found = cache.call(proximity.third_places_near_qpv, territory, radius)
    st.markdown(
        i18n.tf(
            "**{n}** tiers-lieux de {territory} à {distance} ou moins d'un quartier prioritaire.",
            lang,
            n=fmt.number(len(found), lang=lang),
            territory=md(territory.label),
            distance=distance_label,
        )
    )
    unsure = cache.call(proximity.third_places_uncertain, territory)
    if unsure:
        st.caption(
            i18n.tf(
                "{n} tiers-lieux de {territory} ne sont connus que par leur commune : leur "
                "distance à un QPV est incertaine, ils ne sont pas comptés.",
                lang,
                n=fmt.number(unsure, lang=lang),
                territory=md(territory.label),
            )
        )
    widgets.table(
        proximity.third_places_table(found, lang),
        "eco_tl_near_qpv",
        meta=question_meta,
        lang=lang,
    )
elif question == "qpv_without_sse":
    around = cache.call(proximity.sse_around_qpv, territory, radius)
    found = around[around["sse_within"] == 0]
    st.markdown(
        i18n.tf(
            "**{n}** QPV sur {total} sans établissement ESS à {distance} ou moins de leur contour.",
            lang,
            n=fmt.number(len(found), lang=lang),
            total=fmt.number(len(around), lang=lang),
            distance=distance_label,
        )
    )
    widgets.table(proximity.qpv_table(around, lang), "eco_qpv_sse", meta=question_meta, lang=lang)
else:
    found = cache.call(proximity.sse_near_ptce, territory, radius, sector or None)
    template = (
        N_(
            "**{n}** établissements ESS du secteur « {sector} » à {distance} ou moins d'un "
            "PTCE de {territory}."
        )
        if sector
        else N_("**{n}** établissements ESS à {distance} ou moins d'un PTCE de {territory}.")
    )
    st.markdown(
        i18n.tf(
            template,
            lang,
            n=fmt.number(len(found), lang=lang),
            sector=section_labels.get(sector, sector),
            distance=distance_label,
            territory=md(territory.label),
        )
    )
    widgets.table(
        proximity.ptce_table(found, family_labels, lang),
        "eco_sse_near_ptce",
        meta=question_meta,
        lang=lang,
    )
