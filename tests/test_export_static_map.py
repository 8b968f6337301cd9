"""Static maps drawn from the warehouse alone (no tiles): files opened and checked, projection
and layer contents checked against the fixture warehouse's raw tables."""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from test_brief_support import build_fixture_warehouse

from sse_dash import db
from sse_dash.dashboard.territory import Territory, resolve
from sse_dash.export import static_map
from sse_dash.export.provenance import SYNTHETIC_NOTICE


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_fixture_warehouse(tmp_path_factory.mktemp("map") / "sse.duckdb")
    connection = db.open_warehouse(path)
    yield connection
    connection.close()


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(el.itertext()).strip() for el in root.iter() if el.tag.endswith("}text")]


def test_png_size_follows_figure_size_and_dpi(con):
    image = Image.open(io.BytesIO(static_map.static_map(con, "dep:93", "png", dpi=100)))
    assert image.format == "PNG"
    assert image.size == (1100, 750)


def test_svg_has_title_legend_scale_bar_and_sources(con):
    texts = _svg_texts(static_map.static_map(con, "dep:93", "svg"))
    assert "Établissements de l'ESS et quartiers prioritaires" in texts
    assert "Seine-Saint-Denis (93)" in texts
    assert "QPV 2024 (3)" in texts
    n_assoc = con.execute(
        "SELECT count(*) FROM establishments WHERE family = 'association'"
    ).fetchone()[0]
    assert f"Associations ({n_assoc})" in texts
    assert any(t.endswith(" km") for t in texts)  # scale bar
    assert any(t.startswith("Sources\u00a0: SIRENE synthétique (juin 2026)") for t in texts)
    assert SYNTHETIC_NOTICE in texts


def test_pdf_map_text(con, tmp_path):
    path = tmp_path / "map.pdf"
    path.write_bytes(static_map.static_map(con, "qpv:QN09301M", "pdf"))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Franc-Moisin (QN09301M)" in text
    assert "Bande de 300 m" in text
    assert SYNTHETIC_NOTICE in text


def test_projection_is_metric_lambert93(con):
    layers = static_map.load_layers(con, resolve(con, "com:93066"))
    assert layers.crs == "EPSG:2154"
    x0, y0, x1, y1 = layers.outline.total_bounds
    # the fixture commune is a 5 km Lambert-93 square
    assert x1 - x0 == pytest.approx(5000, abs=5)
    assert y1 - y0 == pytest.approx(5000, abs=5)


@pytest.mark.parametrize(
    ("level", "code", "dep", "expected"),
    [
        ("departement", "93", "93", "EPSG:2154"),
        ("departement", "974", "974", "EPSG:2975"),
        ("commune", "97302", "973", "EPSG:2972"),
        ("region", "06", None, "EPSG:4471"),
        ("region", "11", None, "EPSG:2154"),
    ],
)
def test_local_projection_overseas(level, code, dep, expected):
    assert static_map.crs_for(Territory(level, code, "T", dep_code=dep)) == expected


def test_qpv_map_shows_only_establishments_in_or_near_the_qpv(con):
    layers = static_map.load_layers(con, resolve(con, "qpv:QN09301M"))
    assert layers.mode == "points"
    assert list(layers.qpv["code"]) == ["QN09301M"]
    distances = layers.points.distance(layers.qpv.geometry.iloc[0])
    assert len(distances) > 0
    assert float(distances.max()) <= 300 + 2  # simplified display contour tolerance
    expected = con.execute(
        "SELECT count(*) FROM establishments WHERE qpv24 = 'QN09301M' "
        "OR (qpv24_nearest = 'QN09301M' AND near_qpv300)"
    ).fetchone()[0]
    assert len(layers.points) == expected


def test_many_points_switch_to_commune_choropleth(con):
    layers = static_map.load_layers(con, resolve(con, "dep:93"), max_points=10)
    assert layers.mode == "choropleth"
    raw = dict(
        con.execute(
            "SELECT e.commune_code, count(*) * 10000.0 / any_value(c.population) "
            "FROM establishments e JOIN communes c ON c.code = e.commune_code GROUP BY 1"
        ).fetchall()
    )
    got = dict(zip(layers.communes["code"], layers.communes["rate"], strict=True))
    assert got.keys() == raw.keys()
    for code, rate in raw.items():
        assert got[code] == pytest.approx(rate)
    texts = _svg_texts(
        static_map.figure_bytes(
            static_map.render_figure(layers, sources=[], synthetic=False), "svg"
        )
    )
    assert "Établissements ESS / 10 000 hab." in texts
    assert SYNTHETIC_NOTICE not in texts


def test_scale_bar_lengths_are_round():
    for span in (1234.0, 48_000.0, 930_000.0):
        length = static_map._nice_length(span)
        mantissa = length / 10 ** np.floor(np.log10(length))
        assert mantissa in (1, 2, 5)
        assert span / 13 <= length <= span / 5


def test_unknown_format_refused(con):
    with pytest.raises(ValueError, match="format"):
        static_map.static_map(con, "dep:93", "gif")


def test_non_diffusible_units_are_never_placed(con, tmp_path):
    path = build_fixture_warehouse(tmp_path / "nd.duckdb", n_points=40)
    rw = db.connect(path)
    rw.execute("UPDATE establishments SET diffusible = false WHERE family = 'association'")
    n_hidden = rw.execute("SELECT count(*) FROM establishments WHERE NOT diffusible").fetchone()[0]
    rw.close()
    assert n_hidden > 0
    ro = db.open_warehouse(path)
    try:
        layers = static_map.load_layers(ro, resolve(ro, "dep:93"))
    finally:
        ro.close()
    assert len(layers.points) == 40 - n_hidden
    assert "association" not in set(layers.points["family"])
