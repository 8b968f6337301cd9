"""Small Streamlit building blocks shared by the pages: KPI rows, a chart or map with its
« Voir les données » table, download buttons (sse_dash.ui.downloads)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from sse_dash import fmt, i18n
from sse_dash import params as url
from sse_dash.ui import downloads

log = logging.getLogger(__name__)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


# st.metric cuts a long label with « … » on one line (« Part en QPV ou à moins de 30… »):
# let it wrap instead, so that a KPI always says what it counts
KPI_LABEL_CSS = (
    "<style>[data-testid='stMetricLabel'], [data-testid='stMetricLabel'] * "
    "{white-space: normal !important; overflow: visible !important; "
    "text-overflow: clip !important; height: auto !important;}</style>"
)


def kpis(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A row of st.metric: (label, formatted value, help or None); labels wrap, never cut."""
    st.html(KPI_LABEL_CSS)
    cols = st.columns(len(items))
    for col, (label, value, help_text) in zip(cols, items, strict=True):
        col.metric(label, value, help=help_text)


def show_frame(df: pd.DataFrame, lang: str = "fr", *, height: int | None = None) -> None:
    """Every table of the pages goes through here: numbers, percentages and missing values in
    the page's language (sse_dash.fmt.frame); an empty table says so in words."""
    if df.empty:
        st.caption(i18n.t("Aucune ligne à afficher.", lang))
        return
    st.dataframe(fmt.frame(df, lang), hide_index=True, height=height or "auto")


def data_table(
    df: pd.DataFrame, lang: str = "fr", *, label: str = "Voir les données", **values
) -> None:
    """The table alternative of a chart or map (accessibility, copy/paste). `label` is French,
    a template when `values` fill its {fields}."""
    with st.expander(i18n.tf(label, lang, **values)):
        show_frame(df, lang)


def chart(
    fig: go.Figure,
    key: str,
    data: pd.DataFrame,
    *,
    lang: str = "fr",
    meta: dict | None = None,
) -> None:
    """Chart + « Voir les données » + downloads."""
    st.plotly_chart(fig, key=key, theme=None, config=PLOTLY_CONFIG)
    caption = downloads.source_caption(meta, lang=lang)
    if caption:
        st.caption(caption)
    data_table(data, lang)
    try:
        downloads.chart_downloads(fig, key, meta or {}, lang=lang)
    except Exception:  # an export problem must never break the page: logged and said
        log.exception("chart_downloads %s", key)
        st.caption(i18n.t("Export indisponible pour ce graphique.", lang))


def table(
    df: pd.DataFrame,
    key: str,
    *,
    meta: dict | None = None,
    height: int | None = None,
    lang: str = "fr",
):
    """A data table (formatted in the page's language) with its downloads (raw values)."""
    show_frame(df, lang, height=height)
    try:
        downloads.table_downloads(df, key, meta or {}, lang=lang)
    except Exception:  # logged and said, as for charts
        log.exception("table_downloads %s", key)
        st.caption(i18n.t("Export indisponible pour ce tableau.", lang))


# ---------------------------------------------------------------- widgets mirrored in the URL
def _sync(key: str, param: str, value_from_url):
    """Set the widget value from the URL when the URL changed since we last wrote it (a link or
    a typed address); otherwise keep the user's current choice."""
    raw = st.query_params.get(param)
    marker = f"{key}__url"
    if key not in st.session_state or st.session_state.get(marker) != raw:
        st.session_state[key] = value_from_url(raw)
    return raw


def _read(raw, parse, default, param: str, ignored: list[str] | None):
    """`parse(raw)` (sse_dash.params), or `default` when absent; an invalid value falls back to
    `default` and its parameter's name goes to `ignored`."""
    try:
        value = parse(raw)
    except url.Invalid:
        if ignored is not None:
            ignored.append(param)
        return default
    return default if value is None else value


def _write(key: str, param: str, encoded: str | None) -> None:
    if encoded is None:
        if param in st.query_params:
            del st.query_params[param]
    else:
        st.query_params[param] = encoded
    st.session_state[f"{key}__url"] = encoded


def url_choice(
    widget,
    label: str,
    options: dict[str, str],
    *,
    param: str,
    default: str | None,
    key: str,
    ignored: list[str] | None = None,
    parse=None,
    **kwargs,
):
    """A single-choice widget (st.radio, st.selectbox, st.segmented_control…) whose value lives
    in the URL parameter `param`. Unknown URL values fall back to `default` and the parameter
    name is appended to `ignored` (never the raw value: it could be anything). `parse` reads the
    URL value when the page shares its reading with another path (sse.filter_readers)."""
    codes = list(options)
    read = parse or (lambda raw: url.choice(raw, options))

    def from_url(raw):
        value = _read(raw, read, default, param, ignored)
        return value if value in options else default

    _sync(key, param, from_url)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    if widget is st.selectbox:
        kwargs.setdefault("placeholder", i18n.t("Choisir…"))
    value = widget(label, codes, format_func=lambda c: options.get(c, c), key=key, **kwargs)
    _write(key, param, None if value == default or value is None else str(value))
    return value


def url_multi(
    label: str,
    options: dict[str, str],
    *,
    param: str,
    default: list[str],
    key: str,
    ignored: list[str] | None = None,
    max_selections: int | None = None,
    widget=None,
) -> list[str]:
    """A multiselect whose values are a comma-separated URL parameter; unknown and repeated
    values dropped, `default` when none is left (an empty value means none)."""

    def from_url(raw):
        if raw is None:
            return list(default)
        try:
            kept, dropped = url.choices(raw, options, max_items=max_selections)
        except url.Invalid:
            kept, dropped = [], True
        if dropped and ignored is not None:
            ignored.append(param)
        return kept if kept or not dropped else list(default)

    _sync(key, param, from_url)
    st.session_state[key] = url.unique(v for v in st.session_state.get(key, []) if v in options)
    kwargs = {"max_selections": max_selections} if max_selections else {}
    if widget is None or widget is st.multiselect:
        kwargs["placeholder"] = i18n.t("Choisir…")
    values = (widget or st.multiselect)(
        label, list(options), format_func=lambda c: options.get(c, c), key=key, **kwargs
    )
    encoded = ",".join(values)
    _write(key, param, None if list(values) == list(default) else encoded)
    return list(values)


def url_toggle(
    label: str, *, param: str, key: str, ignored: list[str] | None = None, parse=url.flag
) -> bool:
    """A checkbox stored as ?param=1."""

    def from_url(raw):
        return _read(raw, parse, False, param, ignored)

    _sync(key, param, from_url)
    value = st.checkbox(label, key=key)
    _write(key, param, "1" if value else None)
    return bool(value)


def drop_param(param: str) -> None:
    """Take out of the address a parameter the page does not use in its current state (the
    zoom of the national map once a territory is chosen): the address keeps what applies."""
    if param in st.query_params:
        del st.query_params[param]


def ignored_params(names: list[str], lang: str = "fr") -> None:
    """One message for URL parameters that were not understood (names as typed, in French)."""
    if names:
        listed = ", ".join(f"« {n} »" for n in dict.fromkeys(names))
        st.warning(
            i18n.ngettext(
                "Paramètre d'adresse ignoré car inconnu ou mal formé : {listed}. "
                "La valeur par défaut est utilisée.",
                "Paramètres d'adresse ignorés car inconnus ou mal formés : {listed}. "
                "Les valeurs par défaut sont utilisées.",
                len(dict.fromkeys(names)),
                lang,
            ).format(listed=listed),
            icon=":material/warning:",
        )


def url_number(
    label: str,
    *,
    param: str,
    key: str,
    default: int,
    clamp,
    ignored: list[str] | None = None,
    **kwargs,
) -> int:
    """A number input stored in the URL; values out of [min_value, max_value] are clamped,
    unreadable ones (``inf``, ``nan``, ``1e309``, 400 digits…) fall back to `default` and are
    reported as ignored."""
    low, high = kwargs.get("min_value", 0), kwargs.get("max_value", 10**9)

    def from_url(raw):
        return _read(
            raw,
            lambda v: None if v is None else clamp(url.integer(v, low, high)),
            default,
            param,
            ignored,
        )

    _sync(key, param, from_url)
    value = clamp(st.number_input(label, key=key, **kwargs))
    _write(key, param, None if value == default else str(value))
    return value
