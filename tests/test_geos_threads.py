"""Prepared GEOS polygons tested by two threads at once (the batch check's two threads, the
app's sessions): their lazily built indexes must already exist (qpv_index.prepare_shared), or
the heap is corrupted and the process dies. Polygons never prepared (the commune outlines)
build nothing and are shared as they are. Run in a subprocess: a crash fails the test
instead of killing pytest."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sse_dash import config

SCRIPT = textwrap.dedent(
    """
    import sys
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import shapely

    from sse_dash import qpv_index

    rng = np.random.default_rng(0)
    for _ in range(int(sys.argv[1])):
        # many-vertex polygons, fresh each round: GEOS indexes them on their first tests
        centres = shapely.points(rng.uniform(0, 100, 300), rng.uniform(0, 100, 300))
        polys = shapely.buffer(centres, 3.0, quad_segs=64)
        if sys.argv[2] != "unprepared":  # the commune outlines are tested as they are
            qpv_index.prepare_shared(polys, distance=sys.argv[2] == "distance")
        # both threads test the same points in the same order: the first tests of each
        # polygon happen at the same moment in both
        x, y = rng.uniform(0, 100, 20_000), rng.uniform(0, 100, 20_000)
        which = rng.integers(0, 300, 20_000)
        if sys.argv[2] == "distance":
            pts = shapely.points(x, y)
            work = lambda _: shapely.dwithin(polys[which], pts, 0.5)
        else:
            work = lambda _: shapely.contains_xy(polys[which], x, y)
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(work, range(4)))
    print("ok")
    """
)


def _run(kind: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, "30", kind],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=config.REPO_ROOT,
    )


def test_point_in_polygon_tests_from_two_threads_do_not_crash():
    done = _run("contains")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_distance_tests_from_two_threads_do_not_crash():
    done = _run("distance")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_outlines_not_prepared_are_tested_from_two_threads():
    done = _run("unprepared")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
