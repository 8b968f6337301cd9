"""Comparer: each territory against its own reference, small values with a decimal, and the
reference drawn as a marker on the territory's bar, not as a bar of its own."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from app_support import run_page

from sse_dash import charts
from sse_dash.dashboard import compare
from sse_dash.ui import pages


def _totals() -> pd.DataFrame:
    rows = [
        ("com:93066", "Saint-Denis (93066)", 2.27, 100),
        ("com:69123", "Lyon (69123)", 2.61, 300),
        ("dep:93", "Seine-Saint-Denis (93)", 1.0, 1000),
        ("dep:69", "Rhône (69)", 2.0, 2000),
    ]
    frame = pd.DataFrame(rows, columns=["key", "name", "per10k", "establishments"])
    for col, *_ in compare.INDICATORS:
        if col not in frame:
            frame[col] = 1.0
    return frame


def test_each_territory_is_indexed_on_its_own_parent():
    long = compare.table(_totals(), {"com:93066": "dep:93", "com:69123": "dep:69"})
    per10k = long[long["indicator"] == "per10k"].set_index("key")
    assert per10k.loc["com:93066", "ratio"] == pytest.approx(227)
    assert per10k.loc["com:69123", "ratio"] == pytest.approx(130.5)
    assert per10k.loc["com:69123", "reference_name"] == "Rhône (69)"
    assert bool(per10k.loc["dep:69", "reference"]) and bool(per10k.loc["dep:93", "reference"])
    assert per10k.loc["com:93066", "rank"] == 2  # ranked among the compared territories only


def test_one_reference_for_all_still_works():
    long = compare.table(_totals().iloc[[0, 1, 2]], "dep:93")
    per10k = long[long["indicator"] == "per10k"].set_index("key")
    assert per10k.loc["com:69123", "ratio"] == pytest.approx(261)


def test_small_values_keep_a_decimal():
    assert compare.value_text(2.27, False, 0) == "2,3"
    assert compare.value_text(2.61, False, 0) == "2,6"
    assert compare.value_text(4.0, False, 0) == "4"  # a small count stays whole
    assert compare.value_text(12_345, False, 0) == "12\u202f345"
    wide = compare.display(compare.table(_totals(), {"com:93066": "dep:93"}))
    assert wide.iloc[1, 1].startswith("2,3 ")


def test_reference_is_a_marker_not_a_bar():
    long = compare.table(_totals(), {"com:93066": "dep:93", "com:69123": "dep:69"})
    part = long[(long["indicator"] == "establishments") & ~long["reference"]]
    fig = charts.bars_with_reference(
        part,
        label="territory",
        value="value",
        texts=["100", "300"],
        reference="reference_value",
        reference_name="reference_name",
        reference_texts=["1 000", "2 000"],
        title="Établissements",
    )
    go.Figure(json.loads(fig.to_json()))  # valid for plotly's validating constructor
    kinds = [trace.type for trace in fig.data]
    assert kinds == ["bar", "scatter"]
    assert len(fig.data[0].x) == 2  # only the compared territories are bars
    assert list(fig.data[1].x) == [2000.0, 1000.0]  # Lyon at the bottom row, Saint-Denis top
    assert fig.data[1].customdata[0][0] == "Rhône (69)"


def test_compare_page_uses_each_parent(ui_app_env):
    at = run_page(pages.script("compare"), territoire="com:93066", comparer="com:93066,com:31555")
    table = at.dataframe[0].value
    assert "Seine-Saint-Denis (93) (référence)" in table.columns
    assert "Haute-Garonne (31) (référence)" in table.columns
    caption = " ".join(c.value for c in at.caption)
    assert "Seine-Saint-Denis (93), Haute-Garonne (31)" in caption
