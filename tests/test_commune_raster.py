"""The commune raster (sse_dash.commune_raster) gives exactly the commune the point-in-polygon
test gives, for points anywhere, on boundaries, vertices, in enclaves, overlaps and overseas;
and it answers most points by itself (else it would only cost time)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from sse_dash import commune_raster, qpv_index
from sse_dash.commune_raster import UNKNOWN, ExactCommunes


def _both(geoms, lon, lat):
    exact = ExactCommunes(geoms)
    arrays, grids = commune_raster.build(geoms, exact.rows)
    fast = commune_raster.rows(lon, lat, (arrays, grids), lambda: exact)
    known = commune_raster.lookup(arrays, grids, lon, lat) != UNKNOWN
    return fast, exact.rows(lon, lat), known


def _near_vertices(geoms, rng, n):
    """Points on and around the outlines' vertices (the hard cases)."""
    xy = shapely.get_coordinates(shapely.boundary(geoms))
    pick = xy[rng.integers(0, len(xy), n)]
    jitter = rng.normal(0, 0.0005, pick.shape) * (rng.random((n, 1)) < 0.7)
    return pick[:, 0] + jitter[:, 0], pick[:, 1] + jitter[:, 1]


def test_awkward_outlines_answer_like_the_exact_test():
    squares = [shapely.box(2 + 0.05 * i, 48 + 0.05 * j, 2.05 + 0.05 * i, 48.05 + 0.05 * j)
               for i in range(6) for j in range(4)]  # fmt: skip
    # a commune with a hole holding an enclave, two that overlap, a diagonal edge, an island
    ring = shapely.Polygon(
        [(3, 48), (3.2, 48), (3.2, 48.2), (3, 48.2)], [[(3.05, 48.05), (3.1, 48.05), (3.1, 48.1)]]
    )
    enclave = shapely.Polygon([(3.05, 48.05), (3.1, 48.05), (3.1, 48.1)])
    overlap = [shapely.box(3.3, 48, 3.5, 48.2), shapely.box(3.45, 48.1, 3.6, 48.3)]
    island = shapely.MultiPolygon(
        [shapely.box(55.3, -21.2, 55.5, -21.0), shapely.Point(55.7, -21.1).buffer(0.05)]
    )
    geoms = np.array([*squares, ring, enclave, *overlap, island], dtype=object)
    rng = np.random.default_rng(1)
    lon = np.concatenate([rng.uniform(1.9, 3.7, 150_000), rng.uniform(55.2, 55.8, 20_000)])
    lat = np.concatenate([rng.uniform(47.9, 48.4, 150_000), rng.uniform(-21.3, -20.9, 20_000)])
    vx, vy = _near_vertices(geoms, rng, 20_000)
    lon = np.concatenate([lon, vx, [np.nan, 2.0, 200.0]])
    lat = np.concatenate([lat, vy, [48.0, np.nan, 48.0]])
    fast, exact, known = _both(geoms, lon, lat)
    assert np.array_equal(fast, exact)
    extent = (lon >= 2) & (lon <= 3.6) & (lat >= 48) & (lat <= 48.3)  # the communes' box
    assert known[extent].mean() > 0.8
    assert set(np.unique(exact)) >= {-1, len(squares), len(squares) + 1, len(geoms) - 1}


def test_real_communes_answer_like_the_exact_test(dev_warehouse):
    bundle = qpv_index.load_persisted(dev_warehouse)
    assert bundle is not None
    arrays, meta = bundle
    assert meta.get("commune_raster"), "the build persists the raster with the index"
    geoms = qpv_index.commune_geoms(arrays, meta)
    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(-5, 9.5, 200_000), rng.uniform(41.3, 51.1, 200_000)
    vx, vy = _near_vertices(geoms, rng, 50_000)
    lon, lat = np.concatenate([lon, vx]), np.concatenate([lat, vy])
    exact = ExactCommunes(geoms)
    persisted = commune_raster.rows(lon, lat, (arrays, meta["commune_raster"]), lambda: exact)
    assert np.array_equal(persisted, exact.rows(lon, lat))
    known = commune_raster.lookup(arrays, meta["commune_raster"], lon[:200_000], lat[:200_000])
    assert (known != UNKNOWN).mean() > 0.7
    # the app's reference: raster, then outlines made only for the communes near the points
    from sse_dash.qpvcheck import engine

    ref = engine.Reference.from_bundle(arrays, meta)
    assert np.array_equal(ref.commune_rows(lon, lat), persisted)
    made = ref._commune_tree.geoms != None  # noqa: E711
    assert 0 < made.sum() < len(geoms)


def test_outlines_of_some_rows_are_those_of_all(dev_warehouse):
    arrays, meta = qpv_index.load_persisted(dev_warehouse)
    every = qpv_index.commune_geoms(arrays, meta)
    rows = np.array([0, 3, 4, 17, len(every) - 1])
    some = qpv_index.commune_geoms(arrays, meta, rows)
    assert shapely.equals_exact(some, every[rows], tolerance=0).all()
    assert len(qpv_index.commune_geoms(arrays, meta, np.array([], dtype=int))) == 0


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_inputs(n):
    geoms = np.array([shapely.box(2, 48, 2.1, 48.1)], dtype=object)
    fast, exact, _ = _both(geoms, np.full(n, 2.05), np.full(n, 48.05))
    assert fast.tolist() == exact.tolist() == [0] * n


def test_the_grid_persisted_with_the_index_answers_like_a_grid_built_from_the_boxes():
    """The exact lookup's grid of boxes is made at build time (persisted with the QPV index)
    and read back as arrays: same candidates, same communes."""
    rng = np.random.default_rng(3)
    geoms = shapely.buffer(
        shapely.points(rng.uniform(2, 3, 80), rng.uniform(48, 49, 80)), 0.03, quad_segs=8
    )
    built = ExactCommunes(geoms)
    arrays = built.grid.to_arrays(commune_raster.GRID_PREFIX)
    read = ExactCommunes(bounds=shapely.bounds(geoms), geoms_of=lambda rows: geoms[rows],
                         arrays=arrays)  # fmt: skip
    assert read.grid.keys is arrays[f"{commune_raster.GRID_PREFIX}.keys"]  # not rebuilt
    lon, lat = rng.uniform(1.9, 3.1, 5000), rng.uniform(47.9, 49.1, 5000)
    for a, b in zip(built.grid.query(lon, lat), read.grid.query(lon, lat), strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(built.rows(lon, lat), read.rows(lon, lat))
    assert (built.rows(lon, lat) >= 0).sum() > 500


def test_a_cell_s_run_is_found_from_its_block_s_first_run():
    """The table of each block's first run, then a few steps: the run a binary search over
    every run gives, for crowded blocks (a run per cell), empty stretches and both ends."""
    rng = np.random.default_rng(5)
    grid = {"zone": 0, "width": 700, "height": 30}
    cells = grid["width"] * grid["height"]
    crowded = np.arange(100, 100 + 3 * commune_raster.BLOCK)  # a new run at every cell
    sparse = rng.choice(np.arange(400, cells), 500, replace=False)
    starts = np.unique(np.concatenate([[0], crowded, sparse, [cells - 1]])).astype(np.int32)
    first = commune_raster.first_runs({"raster.z0.starts": starts}, grid)
    keys = np.concatenate([np.arange(cells), rng.integers(0, cells, 5000)])
    expected = np.searchsorted(starts, keys, side="right") - 1
    assert np.array_equal(commune_raster._runs(starts, first, keys), expected)
