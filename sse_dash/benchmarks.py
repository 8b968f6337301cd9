"""`make bench` / `python -m sse_dash bench`: every figure measured in one run, side by side with
its baseline, medians over repeats, machine facts recorded; printed as a table and written to
bench/results.json. Benchmarks from other areas register through BENCHES (module, function)."""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sse_dash import config

RESULTS = config.REPO_ROOT / "bench" / "results.json"

# (group, "module:function", kwargs). A missing module is reported as skipped, not hidden.
BENCHES: list[tuple[str, str, dict]] = [
    ("pip", "sse_dash.benchmarks:bench_point_in_polygon", {}),
    ("qpv_check", "sse_dash.qpvcheck.bench:bench_batch", {"n": 100_000}),
    ("qpv_check", "sse_dash.qpvcheck.bench:bench_single", {}),
    ("sirene", "sse_dash.sirene.bench:bench_assignment", {"n_points": 1_000_000}),
    ("sirene", "sse_dash.sirene.bench:bench_build", {"scale": "1/10"}),
    ("sirene", "sse_dash.sirene.bench:bench_build", {"scale": "national"}),
    ("pages", "sse_dash.ui.bench:bench_pages", {}),
    ("browser", "sse_dash.ui.bench:bench_browser_paint", {"n_points": 50_000}),
    ("export", "sse_dash.export.bench:bench_exports", {}),
]


def machine() -> dict:
    import duckdb
    import shapely

    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "duckdb": duckdb.__version__,
        "shapely": shapely.__version__,
    }


def timed(fn: Callable, repeat: int = 5) -> tuple[float, list[float]]:
    """Median wall time in seconds over `repeat` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _qpv_contours():
    """Real QPV 2024 contours: from the built warehouse if present, else ../shared/data."""
    import geopandas as gpd

    wh = config.warehouse_path()
    if wh.exists():
        from sse_dash import db

        con = db.open_warehouse(wh)
        rows = con.execute(
            "SELECT code, ST_AsWKB(geom) FROM qpv WHERE geography = '2024' AND geom IS NOT NULL"
        ).fetchall()
        import shapely

        return [r[0] for r in rows], shapely.from_wkb([bytes(r[1]) for r in rows]), str(wh)
    path = config.shared_data_dir() / "qpv" / "qpv_2024_contours_simplifies.parquet"
    g = gpd.read_parquet(path)
    g = g[g.geometry.notna()]
    return list(g.code_qp), g.geometry.values, str(path)


def sample_points(geoms, n: int, seed: int = 0, share_near: float = 0.3):
    """Points like SSE establishments: a share drawn around QPVs, the rest over populated France."""
    import shapely

    rng = np.random.default_rng(seed)
    metro = [
        g
        for g in geoms
        if -5.8 < shapely.get_x(shapely.centroid(g)) < 10
        and shapely.get_y(shapely.centroid(g)) > 41
    ]
    cents = shapely.get_coordinates(shapely.centroid(np.asarray(metro)))
    k = int(n * share_near)
    pick = rng.integers(0, len(cents), k)
    near_lon = cents[pick, 0] + rng.normal(0, 0.006, k)
    near_lat = cents[pick, 1] + rng.normal(0, 0.004, k)
    far_lon = rng.uniform(-4.5, 7.5, n - k)
    far_lat = rng.uniform(43.0, 50.5, n - k)
    return np.concatenate([near_lon, far_lon]), np.concatenate([near_lat, far_lat])


def bench_point_in_polygon(sizes=(100_000, 1_000_000, 5_000_000)) -> list[dict]:
    """Project engine (membership + distance) vs shapely STRtree floor (membership only) vs
    GeoPandas sjoin, on the real QPV 2024 contours."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from sse_dash.qpv_index import QpvIndex

    codes, geoms, source = _qpv_contours()
    idx = QpvIndex(codes, geoms)
    tr = Transformer.from_crs(4326, 2154, always_xy=True)
    metric = shapely.transform(
        np.asarray(geoms), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    )
    shapely.prepare(metric)
    tree = shapely.STRtree(metric)
    polys = gpd.GeoDataFrame({"code": codes}, geometry=list(geoms), crs=4326)
    out = []
    for n in sizes:
        lon, lat = sample_points(geoms, n)
        repeat = 3 if n <= 1_000_000 else 1

        def floor(lon=lon, lat=lat):
            x, y = tr.transform(lon, lat)
            p, t = tree.query(shapely.points(x, y))
            shapely.contains_xy(metric[t], x[p], y[p])

        def sjoin(lon=lon, lat=lat):
            pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
            gpd.sjoin(pts, polys, predicate="within", how="left")

        eng_in, _ = timed(
            lambda lon=lon, lat=lat: idx.assign(lon, lat, with_distance=False), repeat
        )
        eng_full, _ = timed(lambda lon=lon, lat=lat: idx.assign(lon, lat), repeat)
        fl, _ = timed(floor, repeat)
        sj, _ = timed(sjoin, 1 if n > 100_000 else repeat)
        inside = sum(v is not None for v in idx.assign(lon, lat, with_distance=False).inside)
        out.append(
            {
                "name": f"point-in-polygon {n:,} pts".replace(",", " "),
                "points": n,
                "engine_membership_s": round(eng_in, 3),
                "engine_membership_and_distance_s": round(eng_full, 3),
                "strtree_floor_s": round(fl, 3),
                "geopandas_sjoin_s": round(sj, 3),
                "ratio_engine_vs_floor": round(eng_in / fl, 2),
                "points_inside": inside,
                "polygons": len(codes),
                "contours": source,
            }
        )
    return out


def run(selected: list[str] | None = None, results_path: Path = RESULTS) -> dict:
    report = {"machine": machine(), "results": []}
    for group, target, kwargs in BENCHES:
        if selected and group not in selected:
            continue
        mod_name, fn_name = target.split(":")
        label = f"{group}: {fn_name}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        print(f"… {label}", file=sys.stderr, flush=True)
        try:
            fn = getattr(importlib.import_module(mod_name), fn_name)
        except (ModuleNotFoundError, AttributeError) as exc:
            report["results"].append(
                {"group": group, "name": label, "status": f"non disponible ({exc})"}
            )
            continue
        t0 = time.perf_counter()
        try:
            res = fn(**kwargs)
        except Exception as exc:  # a failing bench is reported, the others still run
            report["results"].append(
                {
                    "group": group,
                    "name": label,
                    "status": f"échec : {exc}",
                    "trace": traceback.format_exc(limit=3),
                }
            )
            continue
        for item in res if isinstance(res, list) else [res]:
            item.setdefault("name", label)
            report["results"].append(
                {
                    "group": group,
                    "status": "ok",
                    "wall_s": round(time.perf_counter() - t0, 2),
                    **item,
                }
            )
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return report


def format_table(report: dict) -> str:
    lines = [f"Machine : {report['machine']}", ""]
    for r in report["results"]:
        figures = {
            k: v for k, v in r.items() if k not in ("group", "name", "status", "trace", "contours")
        }
        body = ", ".join(f"{k}={v}" for k, v in figures.items())
        lines.append(f"[{r['group']}] {r['name']} — {r['status']}" + (f" — {body}" if body else ""))
    return "\n".join(lines)
