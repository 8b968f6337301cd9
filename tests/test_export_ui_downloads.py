"""Streamlit download helpers under AppTest, on the fixture warehouse: buttons are there with
French labels, the briefing pack is generated on click, and a missing Chromium gives a French
caption instead of image buttons (CSV/XLSX stay)."""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest
from test_brief_support import build_fixture_warehouse

from sse_dash.ui import downloads


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uidata")
    build_fixture_warehouse(folder / "sse.duckdb", n_points=60)
    return folder


def _page():
    import pandas as pd
    import plotly.graph_objects as go

    from sse_dash.ui import downloads

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    downloads.chart_downloads(fig, "fam", {"title": "Familles", "territory": "Seine-Saint-Denis"})
    downloads.table_downloads(pd.DataFrame({"x": [1, 2]}), "tab", {"title": "Familles"})
    downloads.brief_button("dep:93")


def _labels(at) -> list[str]:
    found = []
    for node in at.get("download_button"):
        proto = getattr(node, "proto", None)
        found.append(getattr(proto, "label", ""))
    return found


def test_buttons_and_brief_generation(data_dir, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(data_dir))
    monkeypatch.delenv("SSE_DASH_CHROMIUM", raising=False)
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception
    labels = _labels(at)
    assert {"Tableau CSV", "Tableau XLSX"} <= set(labels)
    if downloads.charts.export_available():
        assert {"Image PNG", "Image SVG", "Image PDF"} <= set(labels)
    at.radio(key="brief-format").set_value("PDF").run()
    at.button(key="brief-make-pdf").click().run()
    assert not at.exception
    assert not at.error
    data = at.session_state["brief-bytes-dep:93-pdf"]
    assert data.startswith(b"%PDF")
    assert "Télécharger la note (PDF)" in _labels(at)


def test_without_chromium_tables_still_download(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SSE_DASH_CHROMIUM", str(tmp_path / "absent"))
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception
    labels = _labels(at)
    assert "Image PNG" not in labels
    assert {"Tableau CSV", "Tableau XLSX"} <= set(labels)
    assert any("Chromium introuvable" in c.value for c in at.caption)


def test_deferred_image_render_is_cached():
    if downloads.charts.chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium absent en CI")
        pytest.skip("Chromium absent")
    import plotly.graph_objects as go

    fig_json = go.Figure(go.Bar(x=["a"], y=[3])).to_json()
    args = (fig_json, "svg", "Titre du graphique", "Bobigny (93008)", ("Source A",), True)
    first = downloads._render_image(*args)
    assert b"Titre du graphique" in first and b"Bobigny (93008)" in first
    hits = downloads._render_image.cache_info().hits
    assert downloads._render_image(*args) is first
    assert downloads._render_image.cache_info().hits == hits + 1


def test_slug():
    assert downloads.slug("Établissements de l'ESS — Seine-Saint-Denis (93)") == (
        "etablissements-de-l-ess-seine-saint-denis-93"
    )
    assert downloads.slug("«»") == "export"


def test_sheet_name_is_valid_for_excel():
    from openpyxl import Workbook

    name = downloads.sheet_name("Établissements / 10 000 hab. [QPV] : 2024 ? * \\ très long titre")
    assert len(name) <= 31
    assert not set(name) & set("[]:*?/\\")
    Workbook().create_sheet(name)  # openpyxl refuses invalid names
    assert downloads.sheet_name("///") == "Données"
