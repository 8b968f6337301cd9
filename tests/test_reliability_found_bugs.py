"""Regression tests for bugs found by the reliability work (fixed): the Écosystème page and its
proximity table for a territory without any third place."""

from __future__ import annotations

from pathlib import Path

import pytest
import ui_warehouse
from streamlit.testing.v1 import AppTest

from sse_dash import db
from sse_dash.dashboard import proximity
from sse_dash.dashboard import territory as terr
from sse_dash.ui import pages

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return ui_warehouse.build(tmp_path_factory.mktemp("found_bugs") / "sse.duckdb")


def _without_third_places(con) -> terr.Territory:
    """A département of the fixture warehouse that has no third place."""
    for key in ("dep:75", "dep:31", "dep:93"):
        t = terr.from_key(con, key)
        if t is not None and proximity.poi.third_places(con, t).empty:
            return t
    pytest.fail("every département has a third place: the precondition no longer holds")


def test_no_third_place_gives_an_empty_table(wh):
    con = db.open_warehouse(wh)
    try:
        t = _without_third_places(con)
        found = proximity.third_places_near_qpv(con, t, 500)
        table = proximity.third_places_table(found)
    finally:
        con.close()
    assert table.empty


def test_ecosystem_page_for_a_territory_without_third_places(wh, monkeypatch):
    con = db.open_warehouse(wh)
    try:
        key = _without_third_places(con).key
    finally:
        con.close()
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(wh.parent))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    at = AppTest.from_file(str(REPO / pages.script("overview")), default_timeout=120)
    at.query_params["territoire"] = key
    at.switch_page(pages.script("ecosystem"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
