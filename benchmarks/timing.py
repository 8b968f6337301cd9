"""The one timing helper of the benchmarks: medians over repeats, peak RSS, machine facts, and a
temporary environment for a scenario."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


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


def timed(fn: Callable, repeat: int = 5, *, warmup: bool = True) -> tuple[float, list[float]]:
    """Median wall time in seconds over `repeat` runs (after one warm-up unless told not to)."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def peak_rss_mb() -> float:
    """This process's own peak RSS. Linux's `ru_maxrss` keeps the parent's peak across fork and
    exec (a child of a 1 GB process reports at least 1 GB), so VmHWM (per address space) is
    read when /proc has it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(times: list[float]) -> dict:
    """p50 and p95 in seconds (None without measurements)."""
    import numpy as np

    if not times:
        return {"p50_s": None, "p95_s": None}
    p50, p95 = np.percentile(times, [50, 95])
    return {"p50_s": round(float(p50), 3), "p95_s": round(float(p95), 3)}


@contextmanager
def env(**values: str):
    """Environment variables set for the duration of a scenario, restored afterwards."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
