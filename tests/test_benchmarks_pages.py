"""The UI benchmarks measure what they claim: the warehouse they use, a real territory change
between reruns, and an offline map file holding every point (figures are printed, not asserted)."""

from __future__ import annotations

import re

import pytest
import ui_warehouse

from benchmarks import pages as bench
from sse_dash import config, maps
from sse_dash.ui import pages as ui_pages


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory):
    return ui_warehouse.build(tmp_path_factory.mktemp("bench_wh") / "autre_nom.duckdb")


def test_warehouse_choice(small_wh, monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_DASH_BENCH_WAREHOUSE", str(small_wh))
    assert bench.bench_warehouse() == small_wh.resolve()
    assert bench.establishment_count(small_wh) == len(ui_warehouse.establishments())
    monkeypatch.delenv("SSE_DASH_BENCH_WAREHOUSE")
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="entrepôt introuvable"):
        bench.bench_warehouse()
    with bench._data_dir_for(small_wh) as data_dir:
        assert (data_dir / config.WAREHOUSE_NAME).resolve() == small_wh.resolve()


def test_map_file_is_offline_and_holds_every_point(small_wh, tmp_path):
    path, facts = bench.map_file(3000, tmp_path, small_wh)
    html = path.read_text(encoding="utf-8")
    assert facts["points_drawn"] == 3000
    # the fixture's located establishments (its non-diffusible ones have no coordinates),
    # then random points
    located = ui_warehouse.establishments()["lon"].notna().sum()
    assert f"{located} points" not in facts["points_source"]
    assert facts["points_source"].endswith(f"+ {3000 - located} points aléatoires")
    assert maps.VENDOR_URL not in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("file://") for u in urls), urls
    assert html.count("],[") >= 2999  # one array row per point


@pytest.mark.slow
def test_bench_pages_reruns_after_a_territory_change(small_wh):
    results = bench.bench_pages(small_wh, reruns=2)
    pages = {r["page"]: r for r in results}
    assert set(pages) == set(bench.page_files())
    # Écosystème errors on départements without third places: test_reliability_found_bugs.py
    assert all(r["errors"] == 0 for r in results if "Ecosysteme" not in r["page"]), results
    assert all(r["reruns"] == 2 and r["p95_s"] >= r["p50_s"] > 0 for r in results)
    territoire = pages[ui_pages.script("territory")]
    assert territoire["change"].startswith("territoire")
    assert territoire["territories_seen"] == 2  # each rerun really showed another département
    assert {r["establishments"] for r in results} == {160}
    # the map parts are reported apart: never negative, never more than the page itself
    for r in results:
        assert 0 <= r["p50_s_without_map_building_and_serialisation"] <= r["p95_s"], r
    assert (
        territoire["p95_s_without_map_building_and_serialisation"]
        <= territoire["p95_s_without_map_serialisation"]
        <= territoire["p95_s"]
    )
    # second scenario: each rerun after a new value of the page's filters, on one territory
    for page_id in bench.FILTER_WIDGETS:
        r = pages[ui_pages.script(page_id)]
        assert r["filter_change"].endswith(bench.FALLBACK_TERRITORY), r  # no dep:13 here
        assert r["filter_p95_s"] >= r["filter_p50_s"] > 0, r
        assert r["filter_p95_s_without_map_serialisation"] <= r["filter_p95_s"], r
        assert r["filter_states_seen"] == 2, (page_id, r)  # two reruns, two filter states
    assert "filter_change" not in pages[ui_pages.script("address_check")]
    from sse_dash.dashboard import mapviews

    assert mapviews.layered_map.__name__ == "layered_map"  # builders restored after the bench
