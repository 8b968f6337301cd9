"""Small Streamlit building blocks shared by the pages: KPI rows, a chart or map with its
« Voir les données » table, optional download buttons (sse_dash.ui.downloads when present)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from sse_dash import i18n

log = logging.getLogger(__name__)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def _downloads():
    try:
        return importlib.import_module("sse_dash.ui.downloads")
    except ImportError:
        return None


def kpis(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A row of st.metric: (label, formatted value, help or None)."""
    cols = st.columns(len(items))
    for col, (label, value, help_text) in zip(cols, items, strict=True):
        col.metric(label, value, help=help_text)


def data_table(df: pd.DataFrame, lang: str = "fr", *, label: str = "Voir les données") -> None:
    """The table alternative of a chart or map (accessibility, copy/paste)."""
    with st.expander(i18n.t(label, lang)):
        st.dataframe(df, hide_index=True)


def chart(
    fig: go.Figure,
    key: str,
    data: pd.DataFrame,
    *,
    lang: str = "fr",
    meta: dict | None = None,
) -> None:
    """Chart + « Voir les données » + downloads (when the exports module is installed)."""
    st.plotly_chart(fig, key=key, theme=None, config=PLOTLY_CONFIG)
    data_table(data, lang)
    module = _downloads()
    if module is not None and hasattr(module, "chart_downloads"):
        try:
            module.chart_downloads(fig, key, meta or {})
        except Exception:  # an export problem must never break the page
            log.exception("chart_downloads %s", key)
            st.caption("Export indisponible pour ce graphique.")


def table(df: pd.DataFrame, key: str, *, meta: dict | None = None, height: int | None = None):
    """A data table with its downloads."""
    st.dataframe(df, hide_index=True, height=height or "auto")
    module = _downloads()
    if module is not None and hasattr(module, "table_downloads"):
        try:
            module.table_downloads(df, key, meta or {})
        except Exception:
            log.exception("table_downloads %s", key)
            st.caption("Export indisponible pour ce tableau.")
