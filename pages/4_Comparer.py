"""« Comparer » — 2 to 4 territories of the same level against a reference (parent or France):
same indicators, index (reference = 100), rank, one chart per indicator."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
import streamlit as st

from sse_dash import charts, i18n
from sse_dash import params as url
from sse_dash.dashboard import compare, sse
from sse_dash.dashboard import territory as terr
from sse_dash.ui import cache, weight, widgets
from sse_dash.ui import state as S
from sse_dash.ui.markdown import md
from sse_dash.ui.page import page_setup

ctx = page_setup("Comparer")
t, lang, territory = ctx.t, ctx.lang, ctx.territory
if not ctx.sirene:
    st.info(t("Les établissements de l'ESS (SIRENE) ne sont pas encore dans la base."))
    st.stop()
ignored: list[str] = []

level = territory.level if territory.level != "france" else "region"
if territory.level == "france":
    st.info(
        t(
            "Territoire choisi : France. Comparaison des régions ; choisissez un autre niveau à gauche."
        )
    )
scope = {"dep": territory.dep_code} if level in ("commune", "epci") and territory.dep_code else {}
candidates = cache.call(terr.search, level, "", **scope, limit=400)
options = {c.key: c.label for c in candidates}
if territory.level != "france":
    options.setdefault(territory.key, territory.label)

# Territories typed in the URL are accepted when they exist, even outside the list above.
try:
    url_keys, _dropped = url.choices(
        st.query_params.get(S.QP_COMPARE), terr.parse_key, max_items=compare.MAX_TERRITORIES
    )
except url.Invalid:
    url_keys = []  # widgets.url_multi says the parameter was ignored
for key in url_keys:
    if key not in options:
        found = cache.call(terr.from_key, key)
        if found is not None and found.level == level:
            options[key] = found.label
default = [territory.key] if territory.level != "france" else list(options)[:2]
chosen = widgets.url_multi(
    i18n.tf(
        "Territoires à comparer ({level}, 2 à 4)",
        lang,
        level=t(terr.LEVEL_LABELS[level]).lower(),
    ),
    options,
    param=S.QP_COMPARE,
    default=default,
    key="cmp_territories",
    ignored=ignored,
    max_selections=compare.MAX_TERRITORIES,
)
reference_mode = widgets.url_choice(
    st.radio,
    t("Référence"),
    {"parent": t("Le territoire parent de chacun"), "france": "France"},
    param=S.QP_REFERENCE,
    default="parent",
    key="cmp_reference",
    ignored=ignored,
    horizontal=True,
)
widgets.ignored_params(ignored, lang)
if len(chosen) < 2:
    st.info(t("Choisissez au moins deux territoires à comparer."))
    st.stop()

territories = [cache.call(terr.from_key, k) for k in chosen]
territories = [x for x in territories if x is not None]
france = cache.call(terr.france)
if reference_mode == "parent":
    own = {x.key: cache.call(terr.parent, x) for x in territories}
else:
    own = {x.key: france for x in territories}
references = list({r.key: r for r in own.values() if r.key not in own}.values())
totals = cache.call(sse.totals, [*territories, *references])
long = compare.table(totals, {k: r.key for k, r in own.items() if r.key not in own}, lang)
st.subheader(t("Indicateurs"))
st.caption(
    i18n.tf(
        "Référence : {reference}. « indice » = valeur rapportée à la référence du territoire "
        "(référence = 100) ; « rang » parmi les territoires comparés (1 = valeur la plus élevée).",
        lang,
        reference=", ".join(md(r.label) for r in references) or "—",
    )
)
widgets.table(
    compare.display(long, lang),
    "cmp_table",
    meta={"title": t("Comparaison"), "territory": ", ".join(x.label for x in territories)},
    lang=lang,
)

cols = st.columns(2)
for i, (col, french_label, percent, decimals) in enumerate(compare.INDICATORS):
    label = t(french_label)
    part = long[(long["indicator"] == col) & ~long["reference"]]
    fig = charts.bars_with_reference(
        part,
        label="territory",
        value="value",
        texts=[compare.value_text(v, percent, decimals, lang) for v in part["value"]],
        reference="reference_value",
        reference_name="reference_name",
        reference_texts=[
            compare.value_text(v, percent, decimals, lang) for v in part["reference_value"]
        ],
        title=label,
        lang=lang,
        percent=percent,
        reference_label=t("Référence (trait)"),
    )
    with cols[i % 2]:
        widgets.chart(
            fig,
            f"cmp_{col}",
            part[
                ["territory", "value", "reference_name", "reference_value", "ratio", "rank"]
            ].rename(
                columns={
                    "territory": t("Territoire"),
                    "value": label,
                    "reference_name": t("Référence"),
                    "reference_value": t("Valeur de la référence"),
                    "ratio": t("Indice (référence = 100)"),
                    "rank": t("Rang"),
                }
            ),
            meta={"territory": ", ".join(x.label for x in territories)},
            lang=lang,
        )

weight.compare_section(territories, references, lang)
