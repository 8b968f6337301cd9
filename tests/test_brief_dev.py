"""Briefing pack and static map on the dev warehouse (real geography and QPV of the shared
data, synthetic SIRENE): the contract as actually built, not only the test fixture."""

from __future__ import annotations

import math

import pytest
from pptx import Presentation

from sse_dash import db, fmt
from sse_dash.dashboard import territory as terr
from sse_dash.export import brief, static_map
from sse_dash.export.provenance import SYNTHETIC_NOTICE


@pytest.fixture(scope="module")
def con(dev_warehouse):
    connection = db.open_warehouse(dev_warehouse)
    yield connection
    connection.close()


def test_departement_pack_on_dev_warehouse(con, tmp_path):
    out = tmp_path / "93.pptx"
    report = brief.build_brief(con, "dep:93", out)
    slides = list(Presentation(str(out)).slides)
    n_qpv = con.execute(
        "SELECT count(DISTINCT qc.code) FROM qpv_communes qc JOIN communes c "
        "ON c.code = qc.commune_code WHERE qc.geography = '2024' AND c.dep_code = '93'"
    ).fetchone()[0]
    shown = min(n_qpv, brief.QPV_ROWS_PER_PAGE * brief.QPV_MAX_PAGES)
    # 9 pages (with « à retenir »), the QPV tables, then the weight and evolution slides
    assert len(slides) == report["pages"] == 9 + math.ceil(shown / brief.QPV_ROWS_PER_PAGE) + 2
    table = next(sh.table for sh in slides[2].shapes if sh.has_table)
    total = con.execute("SELECT count(*) FROM establishments WHERE dep_code = '93'").fetchone()[0]
    assert table.cell(1, 1).text == fmt.number(total)
    texts = "\n".join(sh.text_frame.text for sh in slides[-1].shapes if sh.has_text_frame)
    assert "ANCT QPV 2024" in texts
    assert "QPV 2015" not in texts
    assert SYNTHETIC_NOTICE in texts


def test_overseas_map_uses_local_utm(con):
    layers = static_map.load_layers(con, terr.resolve(con, "dep:974"))
    assert layers.crs == "EPSG:2975"
    x0, _y0, x1, _y1 = layers.outline.total_bounds
    assert 50_000 < x1 - x0 < 90_000  # La Réunion is ~70 km wide
    assert static_map.static_map(con, "dep:974", "png").startswith(b"\x89PNG")
