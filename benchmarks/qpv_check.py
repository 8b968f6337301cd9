"""Speed of « Adresse en QPV ? » on real QPV 2024 contours (warehouse, else ../shared/data):
end-to-end batch (parse CSV -> assign -> write CSV) next to the bare shapely STRtree floor on the
same points, and single-point checks. Called by `make bench` (benchmarks.runner)."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from sse_dash import config

GOAL_BATCH_S = 2.0
GOAL_SINGLE_MS = 5.0


def _reference():
    """The warehouse reference when built, else an index on the shared contours."""
    from benchmarks.point_in_polygon import _qpv_contours
    from sse_dash.qpv_index import QpvIndex
    from sse_dash.qpvcheck import engine

    if config.warehouse_path().exists():
        return engine.get_reference(), str(config.warehouse_path())
    codes, geoms, source = _qpv_contours()
    return engine.Reference.from_index(QpvIndex(codes, geoms)), source


def _csv_bytes(lon, lat) -> bytes:
    df = pd.DataFrame(
        {
            "id": np.arange(len(lon)).astype(str),
            "nom": "Structure test",
            "longitude": np.char.replace(np.round(lon, 6).astype(str), ".", ","),
            "latitude": np.char.replace(np.round(lat, 6).astype(str), ".", ","),
        }
    )
    return df.to_csv(sep=";", index=False).encode("utf-8")


def bench_batch(n: int = 100_000, repeat: int = 3) -> dict:
    """End to end on `n` rows: read CSV, map columns, assign QPV + distance, write CSV."""
    import shapely
    from pyproj import Transformer

    from sse_dash.export.tables import to_csv_bytes
    from sse_dash.qpvcheck import mapping as mp
    from sse_dash.qpvcheck import reader
    from sse_dash.qpvcheck.engine import run_batch

    ref, source = _reference()
    lon, lat = sample_points_for(n)
    data = _csv_bytes(lon, lat)
    stages: dict[str, list[float]] = {"parse": [], "assign": [], "write": [], "total": []}
    inside = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        table = reader.read_table(data, "bench.csv")
        mapping = mp.propose(table.df)
        t1 = time.perf_counter()
        result = run_batch(ref, table.df, mapping)
        t2 = time.perf_counter()
        out = to_csv_bytes(result.df)
        t3 = time.perf_counter()
        stages["parse"].append(t1 - t0)
        stages["assign"].append(t2 - t1)
        stages["write"].append(t3 - t2)
        stages["total"].append(t3 - t0)
        inside = result.summary["in_qpv"]
    # floor: bare STRtree + prepared contains on the same points (membership only, no I/O)
    from benchmarks.point_in_polygon import _qpv_contours

    _, geoms, _ = _qpv_contours()
    tr = Transformer.from_crs(4326, 2154, always_xy=True)
    metric = shapely.transform(
        np.asarray(geoms), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    )
    shapely.prepare(metric)
    tree = shapely.STRtree(metric)
    floor = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        x, y = tr.transform(lon, lat)
        p, t = tree.query(shapely.points(x, y))
        shapely.contains_xy(metric[t], x[p], y[p])
        floor.append(time.perf_counter() - t0)
    med = {k: round(statistics.median(v), 3) for k, v in stages.items()}
    return {
        "name": f"Adresse en QPV : lot de {n:,} lignes (CSV → QPV → CSV)".replace(",", " "),
        "rows": n,
        "parse_s": med["parse"],
        "assign_s": med["assign"],
        "write_csv_s": med["write"],
        "end_to_end_s": med["total"],
        "strtree_floor_s": round(statistics.median(floor), 3),
        "goal_s": GOAL_BATCH_S,
        "goal_met": med["total"] <= GOAL_BATCH_S,
        "rows_in_qpv": int(inside),
        "output_mb": round(len(out) / 1e6, 1),
        "contours": source,
    }


def sample_points_for(n: int):
    from benchmarks.point_in_polygon import _qpv_contours, sample_points

    return sample_points(_qpv_contours()[1], n)


def bench_single(n: int = 500) -> dict:
    """Single checks from coordinates (as the page does after a click): p50/p95 in ms."""
    from sse_dash.qpvcheck.engine import check_coordinates

    ref, source = _reference()
    lon, lat = sample_points_for(n)
    check_coordinates(ref, float(lon[0]), float(lat[0]))  # warm-up (lazy commune index)
    times = []
    for a, b in zip(lon, lat, strict=True):
        t0 = time.perf_counter()
        check_coordinates(ref, float(a), float(b))
        times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return {
        "name": f"Adresse en QPV : vérification unitaire ({n} points)",
        "p50_ms": round(float(p50), 3),
        "p95_ms": round(float(p95), 3),
        "goal_ms": GOAL_SINGLE_MS,
        "goal_met": bool(p95 <= GOAL_SINGLE_MS),
        "contours": source,
    }
