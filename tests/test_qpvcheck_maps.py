"""Result maps: escaped tooltips, local assets only, the QPV outlines that matter."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures.qpvcheck import warehouse as wh

from sse_dash import db, maps
from sse_dash.qpvcheck import engine
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck import maps as qmaps


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    path = wh.build(tmp_path_factory.mktemp("qpvcheck_maps") / "sse.duckdb")
    con = db.open_warehouse(path)
    yield engine.get_reference(path), con
    con.close()


def html_of(m) -> str:
    return m.get_root().render()


def test_single_map_shows_point_and_qpv(setup):
    ref, con = setup
    r = engine.check_point(ref, *wh.NEAR_PARIS)
    text = html_of(qmaps.single_map(con, r))
    assert "Portes du Test (QN07501M)" in text
    assert "QPV le plus proche Portes du Test" in text  # the point tooltip


def _links(text: str) -> list[str]:
    import re

    return re.findall(r'(?:src|href)="(https?://[^"]+)"', text)


def test_maps_use_no_cdn(setup, monkeypatch):
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    ref, con = setup
    text = html_of(qmaps.single_map(con, engine.check_point(ref, *wh.IN_PARIS)))
    assert maps.external_links(_links(text)) == []


def test_batch_map_escapes_user_text(setup):
    ref, con = setup
    df = pd.DataFrame({"lon": [str(wh.IN_PARIS[0]), "2.2"], "lat": [str(wh.IN_PARIS[1]), "48.83"]})
    res = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat"))
    out = res.df.copy()
    out["libelle_geocode"] = ["<script>alert(1)</script>", None]
    names = dict(zip(engine.RESULT_COLUMNS, res.result_columns, strict=True))
    m, drawn, located = qmaps.batch_map(con, out, names)
    assert (drawn, located) == (2, 2)
    text = html_of(m)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "dans le QPV Portes du Test (QN07501M)" in text
    assert "hors QPV" in text


def test_layer_frame_for_the_ecosystem_map(setup):
    ref, con = setup
    df = pd.DataFrame({"lon": [str(wh.IN_PARIS[0]), ""], "lat": [str(wh.IN_PARIS[1]), ""]})
    res = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat"))
    names = dict(zip(engine.RESULT_COLUMNS, res.result_columns, strict=True))
    layer = qmaps.layer_frame(res.df, names)
    assert list(layer.columns) == ["lon", "lat", "tooltip", "en_qpv"]
    assert len(layer) == 1 and layer.en_qpv[0] == "oui"
