"""Export benchmarks for `python -m sse_dash bench` (group « export »): kaleido chart export
cold and warm, static map, and the briefing pack of a département against its 15 s target."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.timing import timed
from sse_dash import db

BRIEF_TARGET_S = 15.0


def _median_time(fn, repeats: int) -> float:
    return round(timed(fn, repeats, warmup=False)[0], 3)


def bench_charts(repeats: int = 5) -> dict:
    """Browser start (cold) and per-image time once started (warm), per format."""
    import plotly.graph_objects as go

    from sse_dash.export import charts

    if not charts.export_available():
        return {"name": "export d'images (kaleido)", "status_detail": "Chromium absent"}
    fig = go.Figure(go.Bar(x=["Associations", "Coopératives", "Mutuelles"], y=[12345, 2400, 310]))
    renderer = charts.Renderer()
    kwargs = {
        "title": "Établissements de l'ESS par famille",
        "territory": "Seine-Saint-Denis (93)",
        "sources": ["INSEE SIRENE, juin 2026", "ANCT QPV 2024"],
        "synthetic": False,
        "renderer": renderer,
    }
    try:
        t0 = time.perf_counter()
        charts.export_figure(fig, "png", **kwargs)
        cold = round(time.perf_counter() - t0, 3)
        warm = {
            f"warm_{fmt}_s": _median_time(
                lambda fmt=fmt: charts.export_figure(fig, fmt, **kwargs), repeats
            )
            for fmt in charts.FORMATS
        }
    finally:
        renderer.stop()
    return {"name": "export d'images (kaleido)", "cold_png_s": cold, **warm, "repeats": repeats}


def bench_exports(
    warehouse: str | Path | None = None, territory: str = "dep:93", repeats: int = 3
) -> list[dict]:
    """Chart export, static map and briefing pack (PPTX and PDF) on the built warehouse."""
    from benchmarks.pages import bench_warehouse
    from sse_dash.export import brief, static_map

    # SSE_DASH_BENCH_WAREHOUSE (the largest warehouse at hand), else data/sse.duckdb
    path = bench_warehouse(warehouse)
    results = [bench_charts(repeats=max(repeats, 5))]
    con = db.open_warehouse(path)
    try:
        n = con.execute("SELECT count(*) FROM establishments").fetchone()[0]
        results.append(
            {
                "name": f"carte statique {territory} (PNG)",
                "median_s": _median_time(lambda: static_map.static_map(con, territory), repeats),
                "establishments_in_warehouse": n,
                "warehouse": str(path),
            }
        )
        with tempfile.TemporaryDirectory(prefix="brief_bench_") as tmp:
            for ext in ("pptx", "pdf"):
                reports = [
                    brief.build_brief(con, territory, Path(tmp) / f"note.{ext}")
                    for _ in range(repeats)
                ]
                seconds = round(statistics.median(r["seconds"] for r in reports), 2)
                results.append(
                    {
                        "name": f"note de synthèse {territory} ({ext.upper()})",
                        "median_s": seconds,
                        "pages": reports[0]["pages"],
                        "target_s": BRIEF_TARGET_S,
                        "within_target": seconds <= BRIEF_TARGET_S,
                    }
                )
    finally:
        con.close()
    return results
