"""Parts of the home page that follow the chosen territory: the way back to France, the weight
of the SSE against its parent and France, the ranking of the mapped territories (sortable,
downloadable). Figures from sse_dash.dashboard.indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sse_dash import fmt
from sse_dash.dashboard import indicators as ind
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard.territory import Territory
from sse_dash.i18n import _
from sse_dash.ui import cache, downloads, weight
from sse_dash.ui import state as S
from sse_dash.ui.markdown import md


def back_to_france() -> None:
    """Button callback: the session (and so the URL) shows France again."""
    st.session_state[S.SESSION_TERRITORY] = "fr"
    st.session_state.pop(S.QP_MAP_LEVEL, None)
    for key in ("home_level",):
        st.session_state.pop(key, None)
    if S.QP_MAP_LEVEL in st.query_params:
        del st.query_params[S.QP_MAP_LEVEL]


def weight_summary(territory: Territory, lang: str) -> None:
    """SSE shares of the territory, with its parent and France in a table."""
    w = cache.call(ind.weight, territory, ind.DEFAULT_PERIMETER)
    items = []
    for stem, _share in ind.MEASURES:
        items.append(
            (
                _("Part de l'ESS : {what}").format(what=_(weight.MEASURE_LABELS[stem]).lower()),
                fmt.percent(w.share(stem), lang=lang),
                _("{ess} dans l'ESS sur {all}").format(
                    ess=fmt.number(w.values[f"{stem}_ess"], lang=lang),
                    all=fmt.number(w.values[f"{stem}_tous"], lang=lang),
                ),
            )
        )
    cols = st.columns(len(items))
    for col, (label, value, help_text) in zip(cols, items, strict=True):
        col.metric(label, value, help=help_text)
    if territory.level != "france":
        refs = [territory, *cache.call(terr.references, territory)]
        frame = weight.weights_of(refs, ind.DEFAULT_PERIMETER)
        with st.expander(_("Poids de l'ESS : comparer avec le territoire parent et la France")):
            st.dataframe(weight.weight_display(frame, lang), hide_index=True)
    st.caption(
        _("Emplois : estimation à partir des tranches d'effectifs. Détail sur la page Territoire.")
    )


def ranking_frame(frame: pd.DataFrame, by: str = "part_ess_etablissements") -> pd.DataFrame:
    """The ranking table: highest value of `by` first (then most SSE establishments), rank
    column."""
    out = frame.sort_values(
        [by, "etablissements_ess"], ascending=False, na_position="last"
    ).reset_index(drop=True)
    out.insert(0, "rang", range(1, len(out) + 1))
    return out


def ranking(level: str, scope: Territory, level_label: str, lang: str) -> None:
    """Every territory of the mapped level inside `scope`, sortable by any column, with CSV and
    XLSX downloads (the same table as `export indicateurs`)."""
    st.subheader(_("Classement des territoires"))
    headers = {
        "rang": _("Rang"),
        "code": "Code",
        "nom": _("Nom"),
        "etablissements_ess": _("Établissements ESS"),
        "etablissements_tous": _("Tous établissements"),
        "part_ess_etablissements": _("Part de l'ESS (établissements, %)"),
        "employeurs_ess": _("Employeurs ESS"),
        "employeurs_tous": _("Tous employeurs"),
        "part_ess_employeurs": _("Part de l'ESS (employeurs, %)"),
        "emplois_estimes_ess": _("Emplois estimés ESS"),
        "emplois_estimes_tous": _("Emplois estimés (tous)"),
        "part_ess_emplois": _("Part de l'ESS (emplois estimés, %)"),
    }
    # sorted here, shown in the page's language (a grid sorts formatted numbers as text)
    criteria = {c: h for c, h in headers.items() if c not in ("rang", "code", "nom")}
    by = st.selectbox(
        _("Classer par"),
        list(criteria),
        index=list(criteria).index("part_ess_etablissements"),
        format_func=criteria.get,
        key="home_rank_by",
    )
    frame = ranking_frame(cache.call(ind.level_table, level, scope, ind.DEFAULT_PERIMETER), by)
    st.caption(
        _("{what} de {name}, du plus grand au plus petit.").format(
            what=level_label, name=md(scope.label)
        )
    )
    shown = fmt.frame(frame.rename(columns=headers), lang, decimals={headers["rang"]: 0})
    height = min(420, 35 * (len(shown) + 1) + 3)
    st.dataframe(shown, hide_index=True, height=height)
    downloads.table_downloads(
        frame,
        f"home_ranking_{level}",
        {"title": _("Classement des territoires"), "territory": scope.label},
        lang=lang,
    )
