"""Benchmark of the « weight » build step (aggregates of ALL SIRENE establishments, SSE or not,
and the evolution since 2010), called by `make bench` (benchmarks.runner).

`bench_weight(scale)` generates a synthetic SIRENE on the geography of the built warehouse,
runs the SIRENE step then the weight step in one fresh subprocess, and reports each step's
time and the subprocess's peak RSS (what the national build must keep ≤ 10 min, ≤ 6 GB)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import peak_rss_mb
from sse_dash import config, db


def _child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.weight", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_weight(scale: str = "1/10", warehouse: str | Path | None = None, seed: int = 1) -> dict:
    src = Path(warehouse) if warehouse else config.warehouse_path()
    if not src.exists():
        raise db.WarehouseMissing(str(src))
    with tempfile.TemporaryDirectory(prefix="weight_bench_") as tmp:
        wh = Path(tmp) / "geo.duckdb"
        shutil.copyfile(src, wh)
        gen = _child(["generate", str(wh), str(Path(tmp) / "files"), scale, str(seed)])
        build = _child(["build", str(wh), str(Path(tmp) / "files")])
    return {
        "scale": scale,
        "rows": gen["rows"],
        "generate_peak_rss_mb": gen["peak_rss_mb"],
        **build,
        "goal_build_s": 600,
        "goal_peak_rss_mb": 6144,
        "goal_met": bool(build["build_s"] <= 600 and build["peak_rss_mb"] <= 6144),
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("warehouse")
    g.add_argument("out")
    g.add_argument("scale")
    g.add_argument("seed", type=int)
    b = sub.add_parser("build")
    b.add_argument("warehouse")
    b.add_argument("files")
    args = p.parse_args(argv)
    if args.cmd == "generate":
        from sse_dash.sirene import synth

        con = db.connect(args.warehouse, read_only=True)
        info = synth.generate(args.out, con, args.scale, args.seed)
        result = {"rows": info["rows"]}
    else:
        from sse_dash.sirene import aggregates, pipeline, schema, weight

        con = db.connect_for_build(args.warehouse)
        f = {r: str(Path(args.files) / schema.FILES[r][0]) for r in schema.FILES}
        sources = pipeline.Sources(
            f["sirene_unites_legales"], f["sirene_etablissements"], f["sirene_geolocalisation"]
        )
        t = time.perf_counter()
        pipeline.build(con, sources)
        sirene_s = time.perf_counter() - t
        t = time.perf_counter()
        weight.build(con, sources, scope=None, france_code=aggregates.france_code(con))
        weight_s = time.perf_counter() - t
        counts = con.execute(
            "SELECT sum(establishments) FROM agg_weight WHERE level = 'france'"
        ).fetchone()
        result = {
            "sirene_step_s": sirene_s,
            "weight_step_s": weight_s,
            "build_s": sirene_s + weight_s,
            "all_active_establishments": int(counts[0] or 0),
            "problems": weight.check_consistency(con)[:5],
        }
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
