"""Benchmarks of the SIRENE pipeline, called by `make bench` (benchmarks.runner).

`bench_build(scale)` generates a synthetic SIRENE on the geography of the built warehouse and
runs the pipeline in fresh subprocesses, so each reported peak RSS is that step's own.
`bench_assignment(n_points)` compares QpvIndex with a plain shapely STRtree on the same points.
Both need the warehouse (data/sse.duckdb) for the real communes and QPV contours."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from benchmarks.timing import peak_rss_mb
from sse_dash import config, db


def _copy_geography(src: Path, dst: Path) -> None:
    """A scratch copy of the warehouse (the SIRENE step reads its geography tables)."""
    shutil.copyfile(src, dst)


def _child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.sirene", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_build(scale: str = "dev", warehouse: str | Path | None = None, seed: int = 1) -> dict:
    """Time and peak RSS of synthetic generation and of the SIRENE build at `scale`."""
    src = Path(warehouse) if warehouse else config.warehouse_path()
    if not src.exists():
        raise db.WarehouseMissing(str(src))
    with tempfile.TemporaryDirectory(prefix="sirene_bench_") as tmp:
        wh = Path(tmp) / "geo.duckdb"
        _copy_geography(src, wh)
        gen = _child(["generate", str(wh), str(Path(tmp) / "files"), scale, str(seed)])
        build = _child(["build", str(wh), str(Path(tmp) / "files")])
    return {
        "scale": scale,
        "rows": gen["rows"],
        "generate_s": gen["seconds"],
        "generate_peak_rss_mb": gen["peak_rss_mb"],
        "build_s": build["seconds"],
        "build_peak_rss_mb": build["peak_rss_mb"],
        "build_timings": build["timings"],
        "establishments": build["establishments"],
    }


def _points(con, n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Like SSE establishments: 30 % within ~1 km of a QPV, the rest over metropolitan France."""
    rng = np.random.default_rng(seed)
    rows = con.execute(
        "SELECT lon, lat FROM qpv WHERE geography = '2024' AND lon BETWEEN -5.8 AND 10"
    ).fetchall()
    near = int(n * 0.3) if rows else 0
    centres = np.array(rows, dtype="float64").reshape(-1, 2)
    pick = centres[rng.integers(0, max(len(centres), 1), near)] if near else np.empty((0, 2))
    lon = np.concatenate([pick[:, 0] + rng.normal(0, 0.01, near), rng.uniform(-4.5, 7.5, n - near)])
    lat = np.concatenate([pick[:, 1] + rng.normal(0, 0.007, near), rng.uniform(43, 50.5, n - near)])
    return lon, lat


def bench_assignment(n_points: int = 1_000_000, warehouse: str | Path | None = None) -> dict:
    """Point-in-QPV: QpvIndex (metric, prepared) vs a plain STRtree query in lon/lat."""
    from sse_dash.qpv_index import QpvIndex

    con = db.open_warehouse(warehouse)
    try:
        t = time.perf_counter()
        idx = QpvIndex.from_warehouse(con, "2024")
        index_s = time.perf_counter() - t
        rows = con.execute(
            "SELECT code, ST_AsWKB(geom) FROM qpv WHERE geography = '2024' AND geom IS NOT NULL "
            "ORDER BY code"
        ).fetchall()
        lon, lat = _points(con, n_points)
    finally:
        con.close()
    t = time.perf_counter()
    got = idx.assign(lon, lat, with_distance=False).inside
    qpv_s = time.perf_counter() - t
    t = time.perf_counter()
    idx.assign(lon, lat, with_distance=True)
    qpv_dist_s = time.perf_counter() - t
    codes = np.array([r[0] for r in rows], dtype=object)
    geoms = shapely.from_wkb([bytes(r[1]) for r in rows])
    t = time.perf_counter()
    tree = shapely.STRtree(geoms)
    p_i, g_i = tree.query(shapely.points(lon, lat), predicate="within")
    base = np.full(lon.size, None, dtype=object)
    order = np.lexsort((g_i, p_i))[::-1]  # same tie rule as QpvIndex: first code wins
    base[p_i[order]] = codes[g_i[order]]
    base_s = time.perf_counter() - t
    same = int(np.sum(base == got))
    return {
        "n_points": int(n_points),
        "qpv_index_build_s": index_s,
        "qpv_index_s": qpv_s,
        "qpv_index_with_distance_s": qpv_dist_s,
        "strtree_baseline_s": base_s,
        "points_in_qpv": int(np.sum(got != None)),  # noqa: E711
        "agreement": same / max(n_points, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Subprocess entry point: prints one JSON line."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.sirene")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("warehouse")
    g.add_argument("out")
    g.add_argument("scale")
    g.add_argument("seed", type=int)
    b = sub.add_parser("build")
    b.add_argument("warehouse")
    b.add_argument("files")
    a = sub.add_parser("assign")
    a.add_argument("n", type=int)
    s = sub.add_parser("build-scale")
    s.add_argument("scale")
    args = p.parse_args(argv)
    if args.cmd == "generate":
        from sse_dash.sirene import synth

        con = db.connect(args.warehouse, read_only=True)
        t = time.perf_counter()
        info = synth.generate(args.out, con, args.scale, args.seed)
        result = {"rows": info["rows"], "seconds": time.perf_counter() - t}
    elif args.cmd == "build":
        from sse_dash.sirene import pipeline, schema

        con = db.connect_for_build(args.warehouse)
        f = {r: str(Path(args.files) / schema.FILES[r][0]) for r in schema.FILES}
        t = time.perf_counter()
        res = pipeline.build(
            con,
            pipeline.Sources(
                f["sirene_unites_legales"], f["sirene_etablissements"], f["sirene_geolocalisation"]
            ),
        )
        result = {
            "seconds": time.perf_counter() - t,
            "establishments": res.establishments,
            "timings": res.timings,
        }
    elif args.cmd == "assign":
        result = bench_assignment(args.n)
    else:
        result = bench_build(args.scale)
    result.setdefault("peak_rss_mb", peak_rss_mb())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
