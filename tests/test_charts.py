"""Chart builders: data in the traces, French separators, colour-blind-safe palette, no geo."""

from __future__ import annotations

import pandas as pd

from sse_dash import charts


def test_hbar_sorts_and_formats_in_french():
    df = pd.DataFrame({"label": ["A", "B", "C"], "n": [1200.0, 5.0, 30.0]})
    fig = charts.hbar(df, label="label", value="n", title="Titre")
    bar = fig.data[0]
    assert list(bar.y) == ["B", "C", "A"]  # largest at the top
    assert list(bar.text) == ["5", "30", "1\u202f200"]
    assert fig.layout.separators == ",\u202f"
    assert list(fig.layout.colorway) == list(charts.OKABE_ITO)
    assert fig.layout.title.text == "Titre"


def test_hbar_percent_and_english():
    df = pd.DataFrame({"label": ["A"], "p": [12.345]})
    fig = charts.hbar(df, label="label", value="p", percent=True, lang="en")
    assert list(fig.data[0].text) == ["12.3%"]
    assert fig.layout.separators == ".,"


def test_no_geo_traces_anywhere():
    df = pd.DataFrame({"label": ["A"], "n": [1], "year": [2020]})
    figs = [
        charts.hbar(df, label="label", value="n"),
        charts.columns(df, x="year", y="n"),
    ]
    for fig in figs:
        assert all(trace.type == "bar" for trace in fig.data)
        assert "geo" not in fig.to_plotly_json()["layout"]


def test_axes_show_full_french_numbers_not_si_suffixes():
    """« 15 000 », never « 15k »: the axis format has no SI suffix and uses the separators."""
    import pandas as pd

    from sse_dash import charts

    fig = charts.hbar(pd.DataFrame({"l": ["a", "b"], "v": [15000, 2000]}), label="l", value="v")
    assert fig.layout.xaxis.tickformat == ",~r"
    assert fig.layout.separators == ",\u202f"


def test_long_bar_labels_are_shortened_with_full_text_in_hover():
    import pandas as pd

    from sse_dash import charts

    long = (
        "E — Production et distribution d'eau ; assainissement, gestion des déchets et dépollution"
    )
    fig = charts.hbar(pd.DataFrame({"l": [long, "A"], "v": [3, 5]}), label="l", value="v")
    bar = fig.data[0]
    assert max(len(y) for y in bar.y) <= charts.LABEL_MAX
    assert any(y.endswith("…") for y in bar.y)
    assert long in list(bar.customdata)


def _every_builder():
    df = pd.DataFrame(
        {"cat": ["x", "y", "x", "y"], "terr": ["T1", "T1", "T2", "T2"], "v": [1, 3, 2, 2]}
    )
    return [
        charts.hbar(df, label="cat", value="v", title="Titre", value_label="Nombre"),
        charts.hbar(df, label="cat", value="v", percent=True, lang="en"),
        charts.columns(df, x="cat", y="v", title="Titre", y_label="Établissements"),
        charts.hbar(df, label="cat", value="v", color=["#0072B2", "#E69F00", "#000", "#999"]),
    ]


def test_builders_write_what_plotly_validation_accepts_unchanged():
    """The builders skip plotly's validation for speed: rebuilding each figure through the
    validating constructor must accept every property and give the same JSON (a misspelt
    property raises; a bare-string axis title, which plotly.js 3 ignores, differs)."""
    import json

    import plotly.graph_objects as go

    for fig in _every_builder():
        validated = go.Figure(fig.to_dict())
        assert json.loads(fig.to_json()) == json.loads(validated.to_json())
        assert isinstance(fig.layout.xaxis.title, go.layout.xaxis.Title)


def test_unvalidated_figure_with_a_misspelt_property_is_caught_by_validation():
    import plotly.graph_objects as go
    import pytest

    fig = charts.figure([{"type": "bar", "x": [1], "colour": "red"}], charts.layout())
    with pytest.raises(ValueError, match="colour"):
        go.Figure(fig.to_dict())
