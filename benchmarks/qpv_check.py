"""Speed of « Adresse en QPV ? », side by side with what a user would otherwise run:

- `bench_side_by_side`: `python -m sse_dash qpv check POINTS.csv --out OUT.csv` as a whole
  process, next to benchmarks/baseline_geopandas.py (read_csv → points_from_xy → to_crs(2154) →
  sjoin_nearest → to_csv: membership and nearest distance) and benchmarks/baseline_duckdb.py
  (one DuckDB spatial query: membership only), on the same CSV of points, alternating runs;
  medians, peak RSS of each process, ratios, and a check that the three give the same
  membership answers (a point within BOUNDARY_TOLERANCE_M of a contour is inside for us, so
  only such points may differ).
- `bench_single`: single checks from coordinates (as after a click on the map), p50/p95.

Called by `make bench` (benchmarks.runner, group qpv_check)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from sse_dash import config

GOAL_VS_GEOPANDAS = 0.5
GOAL_VS_DUCKDB = 1.5
GOAL_SINGLE_MS = 5.0
WORK = config.REPO_ROOT / "bench" / "out" / "qpv_check"


def _warehouse() -> Path:
    """The configured warehouse, else a dev one built once under bench/out (real QPV
    contours of ../shared/data, synthetic SIRENE at test scale)."""
    path = config.warehouse_path()
    if path.exists():
        return path
    built = WORK / "data" / config.WAREHOUSE_NAME
    if not built.exists():
        from sse_dash.catalog import load_catalog
        from sse_dash.warehouse.build import build

        build(load_catalog(config.DEV_CATALOG), built.parent, options={"synth_scale": "test"})
    return built


def _inputs(warehouse: Path, sizes) -> tuple[Path, dict[int, Path]]:
    """QPV 2024 contours as GeoParquet (what the baselines read) and one CSV per size."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from benchmarks.point_in_polygon import sample_points
    from sse_dash import db, qpv_index

    if qpv_index.load_persisted(warehouse) is None:  # a warehouse built before the index
        qpv_index.persist(warehouse)
    WORK.mkdir(parents=True, exist_ok=True)
    con = db.open_warehouse(warehouse)
    try:
        rows = con.execute(
            "SELECT code, ST_AsWKB(geom) FROM qpv WHERE geography = '2024' AND geom IS NOT NULL "
            "ORDER BY code"
        ).fetchall()
    finally:
        con.close()
    geoms = shapely.from_wkb([bytes(r[1]) for r in rows])
    qpv = WORK / "qpv_2024.parquet"
    gpd.GeoDataFrame({"code": [r[0] for r in rows]}, geometry=geoms, crs=4326).to_parquet(qpv)
    files = {}
    for n in sizes:
        path = WORK / f"points_{n}.csv"
        if not path.exists():
            lon, lat = sample_points(geoms, n)
            pd.DataFrame(
                {
                    "id": np.arange(n),
                    "nom": "Structure test",
                    "longitude": np.round(lon, 6),
                    "latitude": np.round(lat, 6),
                }
            ).to_csv(path, sep=";", index=False)
        files[n] = path
    return qpv, files


# Runs a command from a fresh, small process: Linux's ru_maxrss keeps the peak RSS of the
# process that forks across fork and exec, so a command started by this (large) process would
# report at least this process's peak. Prints "wall_s peak_kb".
_LAUNCH = """
import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def _run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, *cmd],
        cwd=config.REPO_ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    wall, peak_kb, code = done.stdout.decode().split()[-3:]
    if done.returncode != 0 or int(code) != 0:
        err = done.stderr.decode(errors="replace")
        raise RuntimeError(f"{' '.join(cmd[:4])}… a échoué : {err[-500:]}")
    return float(wall), int(peak_kb) / 1024


def _membership(ours: Path, geopandas: Path, duckdb_out: Path) -> dict:
    """Membership of every point in the three outputs; differences allowed only for points
    within BOUNDARY_TOLERANCE_M of a contour (the contour counts as inside for us)."""
    import pandas as pd

    from sse_dash.qpv_index import BOUNDARY_TOLERANCE_M

    a = pd.read_csv(ours, sep=";", encoding="utf-8-sig", dtype=str, usecols=["id", "en_qpv_2024"])
    g = pd.read_csv(geopandas, sep=";", usecols=["id", "en_qpv", "distance_m"])
    d = pd.read_csv(duckdb_out, sep=";", dtype={"code_qpv": str}, usecols=["id", "code_qpv"])
    ours_in = a.set_index(a.id.astype(int)).en_qpv_2024.eq("oui").sort_index()
    gpd_in = g.set_index("id").en_qpv.astype(bool).sort_index()
    duck_in = d.groupby("id").code_qpv.apply(lambda s: s.notna().any()).sort_index()
    edge = g.set_index("id").distance_m.sort_index() <= BOUNDARY_TOLERANCE_M
    diff_g = ours_in.ne(gpd_in)
    diff_d = ours_in.ne(duck_in)
    unexplained = int((diff_g & ~edge).sum() + (diff_d & ~edge).sum())
    assert len(ours_in) == len(gpd_in) == len(duck_in), "nombre de lignes différent"
    assert unexplained == 0, f"{unexplained} réponses d'appartenance différentes"
    return {
        "points_in_qpv": int(ours_in.sum()),
        "differ_from_geopandas_on_contour": int(diff_g.sum()),
        "differ_from_duckdb_on_contour": int(diff_d.sum()),
    }


def bench_side_by_side(sizes=(100_000, 1_000_000), rounds: int = 3) -> list[dict]:
    """Whole processes, alternating runs, medians and ratios (see the module docstring)."""
    warehouse = _warehouse()
    qpv, files = _inputs(warehouse, sizes)
    env = dict(
        os.environ, SSE_DASH_DATA_DIR=str(warehouse.parent), PYTHONPATH=str(config.REPO_ROOT)
    )
    out = []
    for n, src in files.items():
        outs = {k: WORK / f"out_{k}_{n}.csv" for k in ("ours", "geopandas", "duckdb")}
        commands = {
            "ours": [sys.executable, "-m", "sse_dash", "qpv", "check", str(src), "--out"],
            "geopandas": [
                sys.executable,
                "-m",
                "benchmarks.baseline_geopandas",
                str(src),
                str(qpv),
            ],
            "duckdb": [sys.executable, "-m", "benchmarks.baseline_duckdb", str(src), str(qpv)],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
        order = list(commands)
        for r in range(rounds):
            for k in order[r % 3 :] + order[: r % 3]:  # alternate who goes first
                wall, rss = _run([*commands[k], str(outs[k])], env)
                times[k].append(wall)
                peaks[k] = max(peaks[k], rss)
        checks = _membership(outs["ours"], outs["geopandas"], outs["duckdb"])
        med = {k: statistics.median(v) for k, v in times.items()}
        vs_gpd = med["ours"] / med["geopandas"]
        vs_duck = med["ours"] / med["duckdb"]
        out.append(
            {
                "name": f"qpv check, {n:,} lignes avec coordonnées (processus entier)".replace(
                    ",", " "
                ),
                "rows": n,
                "ours_s": round(med["ours"], 2),
                "geopandas_s": round(med["geopandas"], 2),
                "duckdb_s": round(med["duckdb"], 2),
                "ours_peak_mb": round(peaks["ours"]),
                "geopandas_peak_mb": round(peaks["geopandas"]),
                "duckdb_peak_mb": round(peaks["duckdb"]),
                "ratio_vs_geopandas": round(vs_gpd, 2),
                "ratio_vs_duckdb": round(vs_duck, 2),
                "goal_vs_geopandas": GOAL_VS_GEOPANDAS,
                "goal_vs_duckdb": GOAL_VS_DUCKDB,
                "goal_met": bool(
                    vs_gpd <= GOAL_VS_GEOPANDAS
                    and vs_duck <= GOAL_VS_DUCKDB
                    and (n < 1_000_000 or peaks["ours"] <= peaks["geopandas"])
                ),
                "runs_s": {k: [round(t, 2) for t in v] for k, v in times.items()},
                **checks,
                "warehouse": str(warehouse),
            }
        )
    return out


def bench_single(n: int = 500) -> dict:
    """Single checks from coordinates (as the page does after a click): p50/p95 in ms."""
    from benchmarks.point_in_polygon import sample_points
    from sse_dash.qpvcheck import engine
    from sse_dash.qpvcheck.engine import check_coordinates

    warehouse = _warehouse()
    ref = engine.get_reference(warehouse)
    import shapely

    geoms = ref.idx24._zones[0].geoms  # metropolitan France (Lambert-93)
    from pyproj import Transformer

    back = Transformer.from_crs(2154, 4326, always_xy=True)
    wgs = shapely.transform(geoms, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
    lon, lat = sample_points(wgs, n)
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
        "warehouse": str(warehouse),
    }
