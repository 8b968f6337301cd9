"""Plotly chart builders (pure, no Streamlit) sharing one theme: Okabe-Ito colours (readable
by colour-blind users), French number separators, no geo traces (they fetch a CDN topojson;
maps are Folium)."""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from sse_dash import fmt
from sse_dash.style import BAR_COLOUR, OKABE_ITO, REFERENCE_COLOUR, YEAR_COLOUR

SEPARATORS = {"fr": ",\u202f", "en": ".,"}
FONT = "Source Sans Pro, Arial, sans-serif"


# plotly_white's look, cut down to what cartesian bar and line charts use: the full template
# describes 40 trace types and copying it cost ~8 ms per figure (x 4 charts per page rerun).
_CARTESIAN_KEYS = (
    "autotypenumbers",
    "font",
    "hovermode",
    "hoverlabel",
    "paper_bgcolor",
    "plot_bgcolor",
    "xaxis",
    "yaxis",
    "title",
    "shapedefaults",
    "annotationdefaults",
)


@functools.cache
def _template() -> go.layout.Template:
    white = pio.templates["plotly_white"]
    layout = white.layout.to_plotly_json()
    return go.layout.Template(
        layout={k: layout[k] for k in _CARTESIAN_KEYS if k in layout},
        data={"bar": white.data.bar, "scatter": white.data.scatter},
    )


def layout(
    *,
    title: str | None = None,
    lang: str = "fr",
    height: int = 380,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    **extra,
) -> dict:
    """Layout of the dashboard theme, given to the Figure constructor (4x cheaper than
    update_layout on a built figure)."""
    # full numbers with French separators ("5 000", not "5k"); room for long tick labels
    axis = {"automargin": True, "tickformat": ",~r", "separatethousands": True}
    return {
        "template": _template(),
        "title": {"text": title, "x": 0, "xanchor": "left"} if title else None,
        "separators": SEPARATORS.get(lang, SEPARATORS["fr"]),
        "colorway": OKABE_ITO,
        "font": {"family": FONT, "size": 13},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {**axis, **(xaxis or {})},
        "yaxis": {**axis, **(yaxis or {})},
        **extra,
    }


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """Figure from plain trace and layout dicts, without plotly's per-property validation:
    it cost ~2 ms per chart (four charts per page rerun) for values these builders write
    themselves. tests/test_charts.py rebuilds every builder's output through the validating
    constructor, so a misspelt property still fails there."""
    return go.Figure(data=traces, layout=_plain(layout), _validate=False)


def _plain(value):
    """What validation would have done to the layout: None values dropped, axis titles given
    as text turned into {"text": …} (plotly.js 3 ignores a bare string)."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if item is None:
            continue
        if key.startswith(("xaxis", "yaxis")) and isinstance(item, dict):
            item = dict(item)
            if isinstance(item.get("title"), str):
                item["title"] = {"text": item["title"]}
        out[key] = _plain(item)
    return out


LABEL_MAX = 42


def short_label(text: str, limit: int = LABEL_MAX) -> str:
    """Bar labels long enough to push the chart off its frame are shortened (full text in the
    hover and in « Voir les données »)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hbar(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str | None = None,
    value_label: str = "",
    lang: str = "fr",
    percent: bool = False,
    color: str | Sequence[str] = BAR_COLOUR,
) -> go.Figure:
    """Horizontal bars sorted by value, largest at the top, with formatted values as text.
    `color` is one colour, or one per row of `df` (families keep their colour of the maps)."""
    frame = df[[label, value]].copy()
    if not isinstance(color, str):
        frame["_colour"] = list(color)
    frame[value] = pd.to_numeric(frame[value], errors="coerce").fillna(0)
    frame = frame.sort_values(value, ascending=True)
    texts = [fmt.percent(v, 1, lang) if percent else fmt.number(v, 0, lang) for v in frame[value]]
    full = [str(v) for v in frame[label]]
    return figure(
        [
            {
                "type": "bar",
                "x": frame[value].tolist(),
                # Plotly renders <a href>, <b>… in labels: names from the data are escaped
                "y": [html.escape(short_label(v), quote=False) for v in full],
                "customdata": [html.escape(v, quote=False) for v in full],
                "orientation": "h",
                "marker": {"color": color if isinstance(color, str) else list(frame["_colour"])},
                "text": texts,
                "textposition": "auto",
                "hovertemplate": "%{customdata} : %{text}<extra></extra>",
                "name": value_label or value,
            }
        ],
        layout(
            title=title,
            lang=lang,
            height=max(260, 34 * len(frame) + 80),
            xaxis={"title": value_label, "ticksuffix": " %" if percent else ""},
            yaxis={"title": None},
        ),
    )


def bars_with_reference(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    texts: Sequence[str],
    reference: str,
    reference_name: str,
    reference_texts: Sequence[str],
    title: str | None = None,
    lang: str = "fr",
    percent: bool = False,
    reference_label: str = "Référence",
) -> go.Figure:
    """Horizontal bars of the compared territories in the given order, each with its own
    reference (column `reference`, named by `reference_name`) drawn as a marker on its bar:
    the reference does not crush the bars as a bar of its own would."""
    rows = list(range(len(df)))[::-1]  # first territory at the top
    frame = df.iloc[rows]
    # names from the data escaped: Plotly renders <a href> and other tags in its labels
    full = [html.escape(str(v), quote=False) for v in frame[label]]
    y = [html.escape(short_label(str(v)), quote=False) for v in frame[label]]
    bar_texts = [texts[i] for i in rows]
    ref_texts = [reference_texts[i] for i in rows]
    ref_names = [
        html.escape(str(v), quote=False) if v is not None else "" for v in frame[reference_name]
    ]
    ref_values = pd.to_numeric(frame[reference], errors="coerce")
    traces = [
        {
            "type": "bar",
            "x": pd.to_numeric(frame[value], errors="coerce").fillna(0).tolist(),
            "y": y,
            "customdata": full,
            "orientation": "h",
            "marker": {"color": BAR_COLOUR},
            "text": bar_texts,
            "textposition": "auto",
            "hovertemplate": "%{customdata} : %{text}<extra></extra>",
            "showlegend": False,
        }
    ]
    if ref_values.notna().any():
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None if pd.isna(v) else float(v) for v in ref_values],
                "y": y,
                "customdata": [[n, tx] for n, tx in zip(ref_names, ref_texts, strict=True)],
                "marker": {
                    "symbol": "line-ns",
                    "size": 26,
                    "line": {"width": 3, "color": REFERENCE_COLOUR},
                    "color": REFERENCE_COLOUR,
                },
                "name": reference_label,
                "hovertemplate": "%{customdata[0]} : %{customdata[1]}<extra></extra>",
            }
        )
    return figure(
        traces,
        layout(
            title=title,
            lang=lang,
            height=max(240, 44 * len(frame) + 120),
            xaxis={"ticksuffix": " %" if percent else "", "rangemode": "tozero"},
            yaxis={"title": None},
            # below the plot: above it, the legend would run into the title
            legend={"orientation": "h", "yanchor": "top", "y": -0.25, "x": 0},
        ),
    )


def columns(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str | None = None,
    x_label: str = "",
    y_label: str = "",
    lang: str = "fr",
    color: str = YEAR_COLOUR,
) -> go.Figure:
    """Vertical bars in the order of `df` (e.g. creation years)."""
    return figure(
        [
            {
                "type": "bar",
                "x": [str(v) for v in df[x]],
                "y": df[y].tolist(),
                "marker": {"color": color},
                "hovertemplate": "%{x} : %{y:,.0f}<extra></extra>",
                "name": y_label or y,
            }
        ],
        layout(
            title=title,
            lang=lang,
            xaxis={"title": x_label, "type": "category"},
            yaxis={"title": y_label},
        ),
    )


def lines(
    df: pd.DataFrame,
    *,
    x: str,
    series: Sequence[tuple[str, str]],
    title: str | None = None,
    y_label: str = "",
    lang: str = "fr",
    colors: Sequence[str] | None = None,
    decimals: int = 0,
) -> go.Figure:
    """One line per (column, legend name) of `series` over `x` (e.g. years): index 100
    curves, counts by family."""
    traces = []
    for i, (col, name) in enumerate(series):
        values = pd.to_numeric(df[col], errors="coerce")
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [str(v) for v in df[x]],
            "y": [None if pd.isna(v) else float(v) for v in values],
            "name": name,
            "text": [fmt.number(v, decimals, lang) for v in values],
            "hovertemplate": f"{name} — %{{x}} : %{{text}}<extra></extra>",
        }
        if colors is not None:
            trace["line"] = {"color": colors[i % len(colors)]}
        traces.append(trace)
    return figure(
        traces,
        layout(
            title=title,
            lang=lang,
            xaxis={"title": None, "type": "category", "tickangle": 0, "nticks": 8},
            yaxis={"title": y_label},
            legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        ),
    )
