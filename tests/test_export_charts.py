"""Chart export with kaleido + the system Chromium: the files are opened and checked (size,
title, territory, source line, synthetic mention, French numbers). Skipped when Chromium is
missing, except in CI where the export is part of the product."""

from __future__ import annotations

import io
import os
import subprocess
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest
from PIL import Image

from sse_dash.export import charts
from sse_dash.export.provenance import SYNTHETIC_NOTICE

SOURCES = ["INSEE SIRENE, juin 2026", "ANCT QPV 2024"]
TITLE = "Établissements de l'ESS par famille"
TERRITORY = "Seine-Saint-Denis (93)"


def _need_chromium():
    if charts.chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium absent en CI : l'export d'images doit être testé")
        pytest.skip("Chromium absent : export d'images non testé")


@pytest.fixture(scope="module")
def renderer():
    """The process-wide renderer the app uses (one browser for all the export tests)."""
    _need_chromium()
    return charts.default_renderer()


@pytest.fixture(scope="module")
def figure():
    return go.Figure(
        go.Bar(x=["Associations", "Coopératives", "Mutuelles"], y=[12345.6, 2400, 310])
    )


def _export(renderer, figure, fmt, synthetic=True, **kw):
    return charts.export_figure(
        figure,
        fmt,
        title=TITLE,
        territory=TERRITORY,
        sources=SOURCES,
        synthetic=synthetic,
        renderer=renderer,
        **kw,
    )


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]


def test_png_has_requested_size(renderer, figure):
    data = _export(renderer, figure, "png", width=800, height=500, scale=2)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (1600, 1000)


def test_svg_carries_title_territory_sources_and_french_numbers(renderer, figure):
    data = _export(renderer, figure, "svg")
    root = ET.fromstring(data)
    assert root.get("width") == str(charts.DEFAULT_WIDTH)
    texts = _svg_texts(data)
    joined = "\n".join(texts)
    assert TITLE in joined
    assert TERRITORY in joined
    assert "Sources\u00a0: INSEE SIRENE, juin 2026 ; ANCT QPV 2024" in joined
    assert SYNTHETIC_NOTICE in joined
    # y ticks: thousands separated by a space, never an SI suffix such as « 12k »
    ticks = [t.replace("\u00a0", " ").replace("\u202f", " ") for t in texts]
    assert "10 000" in ticks
    assert not any(t.endswith("k") and t[:-1].replace(" ", "").isdigit() for t in ticks)


def test_svg_without_synthetic_mention(renderer, figure):
    texts = "\n".join(_svg_texts(_export(renderer, figure, "svg", synthetic=False)))
    assert SYNTHETIC_NOTICE not in texts
    assert TITLE in texts


def test_pdf_text_and_page(renderer, figure, tmp_path):
    path = tmp_path / "chart.pdf"
    path.write_bytes(_export(renderer, figure, "pdf", width=900, height=500))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert TITLE in text
    assert "INSEE SIRENE, juin 2026 ; ANCT QPV 2024" in text
    assert SYNTHETIC_NOTICE in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    size_line = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    w, h = (float(v) for v in size_line.split(":")[1].split("pts")[0].split("x"))
    assert w / h == pytest.approx(900 / 500, rel=0.02)


def test_original_figure_is_not_modified(renderer, figure):
    before = figure.to_json()
    _export(renderer, figure, "svg")
    assert figure.to_json() == before


def test_unknown_format_is_refused(figure):
    with pytest.raises(ValueError, match="format"):
        charts.export_figure(figure, "gif", title="t", territory="", sources=[], synthetic=False)


def test_missing_browser_gives_french_message(figure, tmp_path):
    renderer = charts.Renderer(browser=str(tmp_path / "pas-de-chromium"))
    with pytest.raises(charts.ExportUnavailable, match="Chromium est introuvable"):
        _export(renderer, figure, "png")
    assert not renderer.running


def test_export_available_follows_configured_path(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_DASH_CHROMIUM", str(tmp_path / "absent"))
    assert charts.chromium_path() is None
    assert charts.export_available() is False
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SSE_DASH_CHROMIUM", str(fake))
    assert charts.chromium_path() == str(fake)


def test_print_size_leaves_room_for_title_legend_and_notes():
    """Dashboard figures are short (a page column): the print keeps a readable plot area."""
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    fig.update_layout(height=260, margin={"t": 50, "b": 10})
    top, bottom = charts.print_margins(fig, territory=TERRITORY, n_notes=2)
    height = charts.print_height(fig, territory=TERRITORY, n_notes=2)
    assert height - top - bottom >= 420
    fig.update_layout(legend={"orientation": "h", "y": 1.02})
    top_with_legend, _ = charts.print_margins(fig, territory=TERRITORY, n_notes=2)
    assert top_with_legend > top
    decorated = charts.decorate(
        fig, title=TITLE, territory=TERRITORY, sources=SOURCES, synthetic=True, height=height
    )
    assert decorated.layout.separators == ", "
    assert decorated.layout.margin.t == top_with_legend
    assert TERRITORY in decorated.layout.title.text
    note = decorated.layout.annotations[-1].text
    assert "ANCT QPV 2024" in note and SYNTHETIC_NOTICE in note
