"""`make bench` / `python -m sse_dash bench`: every figure measured in one run, side by side with
its baseline, medians over repeats, machine facts recorded; printed as a table and written to
bench/results.json. Scenarios are declared once, in BENCHES."""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

from benchmarks.timing import machine
from sse_dash import config

RESULTS = config.REPO_ROOT / "bench" / "results.json"

# (group, "module:function", kwargs). A missing module is reported as skipped, not hidden.
BENCHES: list[tuple[str, str, dict]] = [
    ("pip", "benchmarks.point_in_polygon:bench_point_in_polygon", {}),
    ("qpv_check", "benchmarks.qpv_check:bench_side_by_side", {"sizes": (100_000, 1_000_000)}),
    ("qpv_check", "benchmarks.qpv_check:bench_single", {}),
    ("sirene", "benchmarks.sirene:bench_assignment", {"n_points": 1_000_000}),
    ("sirene", "benchmarks.sirene:bench_build", {"scale": "1/10"}),
    ("sirene", "benchmarks.sirene:bench_build", {"scale": "national"}),
    ("weight", "benchmarks.weight:bench_weight", {"scale": "1/10"}),
    ("weight", "benchmarks.weight:bench_weight", {"scale": "national"}),
    ("pages", "benchmarks.pages:bench_pages", {}),
    ("browser", "benchmarks.pages:bench_browser_paint", {"n_points": 50_000}),
    ("export", "benchmarks.exports:bench_exports", {}),
]
GROUPS = tuple(dict.fromkeys(group for group, _, _ in BENCHES))


def run(selected: list[str] | None = None, results_path: Path = RESULTS) -> dict:
    """Run the selected groups (all by default). Results of groups not run this time are kept
    from the previous results file, each with the machine and date it was measured on, so the
    README table (benchmarks.readme) always shows the latest figure of every group."""
    facts = machine()
    report = {"machine": facts, "results": []}
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
                {"group": group, "name": label, "status": f"non disponible ({exc})", **_when(facts)}
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
                    **_when(facts),
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
                    **_when(facts),
                }
            )
    report["results"] = (
        _kept(results_path, {r["group"] for r in report["results"]}) + report["results"]
    )
    report["results"].sort(key=lambda r: GROUPS.index(r["group"]) if r["group"] in GROUPS else 99)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return report


def _when(facts: dict) -> dict:
    return {"measured_at": facts["date"], "machine": _machine_line(facts)}


def _machine_line(facts: dict) -> str:
    return (
        f"{facts['cores']} cœurs, {facts['ram_gb']} Go, Python {facts['python']}, "
        f"DuckDB {facts['duckdb']}, shapely {facts['shapely']}"
    )


def _kept(results_path: Path, rerun: set[str]) -> list[dict]:
    """Results of the previous file whose group was not run this time."""
    try:
        previous = json.loads(results_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        r
        for r in previous.get("results", [])
        if isinstance(r, dict) and r.get("group") not in rerun and r.get("group") in GROUPS
    ]


def format_table(report: dict) -> str:
    lines = [f"Machine : {report['machine']}", ""]
    for r in report["results"]:
        figures = {
            k: v
            for k, v in r.items()
            if k not in ("group", "name", "status", "trace", "contours", "machine", "measured_at")
        }
        body = ", ".join(f"{k}={v}" for k, v in figures.items())
        lines.append(f"[{r['group']}] {r['name']} — {r['status']}" + (f" — {body}" if body else ""))
    return "\n".join(lines)
