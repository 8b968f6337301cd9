"""The export benchmark runs end to end on the fixture warehouse (figures reported, not judged:
timings depend on the machine)."""

from __future__ import annotations

from test_brief_support import build_fixture_warehouse

from benchmarks import exports as bench


def test_bench_exports_reports_map_and_both_pack_formats(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "bench_charts", lambda repeats: {"name": "images (non mesuré)"})
    path = build_fixture_warehouse(tmp_path / "sse.duckdb", n_points=50)
    results = bench.bench_exports(path, territory="dep:93", repeats=1)
    names = [r["name"] for r in results]
    assert names == [
        "images (non mesuré)",
        "carte statique dep:93 (PNG)",
        "note de synthèse dep:93 (PPTX)",
        "note de synthèse dep:93 (PDF)",
    ]
    assert results[1]["establishments_in_warehouse"] == 50
    # title, « à retenir », key figures, 4 charts, map, QPV table, sources
    assert all(r["pages"] == 10 and r["median_s"] > 0 for r in results[2:])
