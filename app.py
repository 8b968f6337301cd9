"""« Vue d'ensemble » — home page of the SSE / QPV dashboard (`streamlit run app.py`)."""

import streamlit as st

from sse_dash import charts, fmt
from sse_dash.dashboard import qpv
from sse_dash.ui import cache, widgets
from sse_dash.ui.page import page_setup

ctx = page_setup("Vue d'ensemble")
t, lang = ctx.t, ctx.lang

st.markdown(
    "Ce tableau de bord présente l'**économie sociale et solidaire** (ESS) des territoires et "
    "sa présence dans les **quartiers prioritaires de la politique de la ville** (QPV)."
)
counts = cache.call(qpv.counts_by_region)
widgets.kpis(
    [
        ("QPV 2024", fmt.number(counts["qpv"].sum(), lang=lang), None),
        (t("Population"), fmt.number(counts["population"].sum(), lang=lang), "Population des QPV"),
    ]
)
fig = charts.hbar(counts, label="name", value="qpv", title=t("Nombre de QPV par région"), lang=lang)
widgets.chart(fig, "home_qpv_by_region", counts, lang=lang)
