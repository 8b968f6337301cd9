"""« Quartiers prioritaires » — QPV of the selected territory: map, indicators, SSE presence,
detail of one QPV (?qpv=QN09301M)."""

import streamlit as st

from sse_dash import charts, fmt
from sse_dash.dashboard import mapviews, qpv
from sse_dash.dashboard import territory as terr
from sse_dash.ui import cache, widgets
from sse_dash.ui.folium import show_map
from sse_dash.ui.page import page_setup

ctx = page_setup("Quartiers prioritaires")
t, lang, territory = ctx.t, ctx.lang, ctx.territory

if territory.level == "france":
    st.info(
        "Choisissez une région, un département, un EPCI ou une commune dans le panneau de "
        "gauche pour afficher la carte de ses quartiers prioritaires."
    )
    counts = cache.call(qpv.counts_by_region)
    fig = charts.hbar(
        counts, label="name", value="qpv", title=t("Nombre de QPV par région"), lang=lang
    )
    widgets.chart(fig, "qpv_by_region", counts.rename(columns={"name": "Région", "qpv": "QPV"}))
    st.stop()

contours = cache.call(qpv.contours, territory)
st.subheader(f"{territory.label} — {fmt.number(len(contours), lang=lang)} QPV 2024")
if contours.empty:
    st.info("Aucun quartier prioritaire (géographie 2024) dans ce territoire.")
bounds = cache.call(terr.bounds, territory)
show_map(mapviews.qpv_map(contours, bounds, lang=lang), key="qpv_map")
widgets.data_table(contours.drop(columns=["geometry"]), lang)
