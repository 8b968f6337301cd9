"""« Données & sources » — provenance, vintages, licences, definitions, build issues."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
import streamlit as st

from sse_dash.dashboard import sources, warehouse
from sse_dash.ui import cache, weight, widgets
from sse_dash.ui.data_admin import update_section
from sse_dash.ui.page import page_setup

ctx = page_setup("Données & sources", territory_selector=False)
t, lang = ctx.t, ctx.lang

if ctx.synthetic:
    st.info(
        t(
            "Les établissements ESS de cette base viennent d'un **SIRENE synthétique** généré "
            "pour la démonstration : les chiffres ESS (établissements, emplois, familles, "
            "secteurs) sont **fictifs**. Les contours et indicateurs des QPV, les tiers-lieux et "
            "les PTCE sont des données réelles."
        )
    )

st.header(t("Provenance des données"))
widgets.table(
    sources.provenance_table(cache.call(warehouse.provenance), lang),
    "provenance",
    meta={"title": t("Provenance des données")},
    lang=lang,
)

st.header(t("Anomalies de construction"))
summary = cache.call(warehouse.build_issues_summary)
if summary.empty:
    st.success(t("Aucune anomalie enregistrée lors de la construction de la base."))
else:
    widgets.table(sources.issues_summary_table(summary, lang), "build_issues_summary", lang=lang)
    with st.expander(t("Détail des anomalies")):
        widgets.table(
            sources.issues_table(cache.call(warehouse.build_issues), lang),
            "build_issues",
            lang=lang,
        )

st.header(t("Définitions"))
for title, body in sources.definitions(lang):
    with st.expander(title):
        st.markdown(body)
for i, (title, frame) in enumerate(sources.definition_tables(lang)):
    with st.expander(title):
        widgets.table(frame, f"definitions_{i}", lang=lang)

weight.sources_section(lang)

st.header(t("Mise à jour"))
update_section(ctx.meta.get("built_at"), lang)
