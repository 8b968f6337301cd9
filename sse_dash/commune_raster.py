"""Commune of a point from a raster computed at build time, for the points far from any commune
boundary; the others keep the exact point-in-polygon test (sse_dash.qpvcheck.engine).

A fine lon/lat grid is laid over the communes of each part of France (sse_dash.style.ZONES). A
cell crossed by a commune boundary is « uncertain ». The other cells fall into connected
regions that no boundary crosses, so every cell of a region lies in the same commune (or in
none); the exact test run once on one cell centre per region gives that commune, with the very
rule of the exact lookup. The grid is stored as runs of equal values over its cells in row
order (a few MB), searched with one `searchsorted` per batch of points.

Why exact: the boundaries are densified to at most half a cell, so two consecutive vertices lie
in the same or adjacent cells; the cells those vertices fall in, plus the two other cells of a
diagonal step, hold every point of the boundary."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import shapely

from sse_dash.style import ZONES

UNKNOWN = -2  # cell crossed by a boundary (or point outside every grid): test exactly
NONE = -1  # no commune there
CELL_DEG = 0.001  # ≈ 75 m × 110 m in metropolitan France
MAX_CELLS = 150_000_000  # per zone while building (a bigger zone gets bigger cells)


def build(
    geoms: np.ndarray, exact_rows: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> tuple[dict[str, np.ndarray], list[dict]]:
    """Arrays and per-zone grid descriptions for `geoms` (WGS84 commune outlines).
    `exact_rows(lon, lat)`: the exact lookup (row into `geoms`, -1 where none)."""
    from scipy import ndimage

    arrays: dict[str, np.ndarray] = {}
    grids: list[dict] = []
    if not len(geoms):
        return arrays, grids
    bounds = shapely.bounds(geoms)
    centre_x = (bounds[:, 0] + bounds[:, 2]) / 2
    centre_y = (bounds[:, 1] + bounds[:, 3]) / 2
    for z, zone in enumerate(ZONES):
        mine = np.flatnonzero(
            (centre_x >= zone.lon_min) & (centre_x <= zone.lon_max)
            & (centre_y >= zone.lat_min) & (centre_y <= zone.lat_max)
        )  # fmt: skip
        if not mine.size:
            continue
        x0, y0 = bounds[mine, 0].min(), bounds[mine, 1].min()
        x1, y1 = bounds[mine, 2].max(), bounds[mine, 3].max()
        cell = max(CELL_DEG, float(np.sqrt((x1 - x0) * (y1 - y0) / MAX_CELLS)))
        width = int(_cells(np.array([x1]), x0, cell)[0]) + 2
        height = int(_cells(np.array([y1]), y0, cell)[0]) + 2
        crossed = np.zeros((height, width), dtype=bool)
        for batch in range(0, mine.size, 1_000):  # densified outlines: bounded memory
            _mark(crossed, geoms[mine[batch : batch + 1_000]], x0, y0, cell)
        regions, count = ndimage.label(~crossed)  # 4-connected
        del crossed
        one_cell = np.zeros(count + 1, dtype=np.int64)
        for r0, block in _blocks(regions):  # any cell of each region will do
            one_cell[block] = r0 * width + np.arange(block.size, dtype=np.int64)
        one_cell = one_cell[1:]
        rows = exact_rows(
            x0 + (one_cell % width + 0.5) * cell, y0 + (one_cell // width + 0.5) * cell
        )
        table = np.concatenate([[UNKNOWN], np.asarray(rows)]).astype(np.int32)
        starts, values, previous = [], [], None
        for r0, block in _blocks(regions):  # runs of equal values, in row order
            value = table[block]
            change = np.flatnonzero(value[1:] != value[:-1]) + 1
            if previous is None or value[0] != previous:
                change = np.concatenate([[0], change])
            starts.append(r0 * width + change)
            values.append(value[change])
            previous = value[-1]
        del regions
        starts = np.concatenate(starts)
        arrays[f"raster.z{z}.starts"] = starts.astype(
            np.int32 if width * height < 2**31 else np.int64
        )
        arrays[f"raster.z{z}.values"] = np.concatenate(values)
        grids.append(
            {"zone": z, "x0": float(x0), "y0": float(y0), "cell": cell, "width": width,
             "height": height}
        )  # fmt: skip
    return arrays, grids


def lookup(arrays: dict, grids: list[dict], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Row of the commune of each point, NONE where the raster knows there is none, UNKNOWN
    where the exact test must decide (near a boundary, outside the grids, missing)."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    out = np.full(lon.shape, UNKNOWN, dtype=np.int64)
    for g in grids:
        with np.errstate(invalid="ignore"):
            inside = (lon >= g["x0"]) & (lat >= g["y0"])
        idx = np.flatnonzero(inside & (out == UNKNOWN))
        fx = _cells(lon[idx], g["x0"], g["cell"])
        fy = _cells(lat[idx], g["y0"], g["cell"])
        keep = (fx < g["width"]) & (fy < g["height"])
        idx, key = idx[keep], fy[keep] * g["width"] + fx[keep]
        starts = arrays[f"raster.z{g['zone']}.starts"]
        first = first_runs(arrays, g)
        if not idx.size:
            continue
        out[idx] = arrays[f"raster.z{g['zone']}.values"][_runs(starts, first, key)]
    return out


BLOCK = 16  # cells of the raster (in row order) per entry of the table of first runs


def first_runs(arrays: dict, grid: dict) -> np.ndarray:
    """The run holding the first cell of each block of BLOCK cells (made at build time, or on
    first use, kept with the arrays): a point's run is then found a few runs on from its
    block's, instead of by a binary search over every run."""
    name = f"raster.z{grid['zone']}.first_runs"
    got = arrays.get(name)
    if got is None:
        starts = arrays[f"raster.z{grid['zone']}.starts"]
        blocks = -(-grid["width"] * grid["height"] // BLOCK)
        # runs starting at or before each block's first cell: those whose start's block,
        # rounded up, is not after it
        up = (starts.astype(np.int64) + BLOCK - 1) // BLOCK
        got = np.cumsum(np.bincount(up, minlength=blocks + 1)[:blocks], dtype=np.int32) - 1
        arrays[name] = got
    return got


def _runs(starts: np.ndarray, first: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Index of the run holding each cell `key`: from its block's first run, step on while
    the next run starts at or before the cell (most blocks hold a run or two)."""
    run = first[key // BLOCK].astype(np.int64)
    last = len(starts) - 1
    todo = np.arange(len(key))
    while todo.size:
        nxt = np.minimum(run[todo] + 1, last)
        on = (nxt > run[todo]) & (starts[nxt] <= key[todo])
        todo = todo[on]
        run[todo] += 1
    return run


def _mark(crossed: np.ndarray, geoms: np.ndarray, x0: float, y0: float, cell: float) -> None:
    """Mark the cells the outlines of `geoms` pass through (see the module docstring)."""
    height, width = crossed.shape
    parts = shapely.get_parts(shapely.segmentize(shapely.boundary(geoms), cell / 2))
    xy = shapely.get_coordinates(parts)
    part = np.repeat(np.arange(len(parts)), shapely.get_num_coordinates(parts))
    cx = np.clip(_cells(xy[:, 0], x0, cell), 0, width - 1)
    cy = np.clip(_cells(xy[:, 1], y0, cell), 0, height - 1)
    crossed[cy, cx] = True
    diagonal = np.flatnonzero((part[1:] == part[:-1]) & (cx[1:] != cx[:-1]) & (cy[1:] != cy[:-1]))
    crossed[cy[diagonal], cx[diagonal + 1]] = True
    crossed[cy[diagonal + 1], cx[diagonal]] = True


def _blocks(grid: np.ndarray, rows: int = 256):
    """(first row, its cells) of consecutive blocks of grid rows: bounded temporaries while
    building."""
    for r0 in range(0, grid.shape[0], rows):
        yield r0, grid[r0 : r0 + rows].ravel()


def _cells(v: np.ndarray, origin: float, cell: float) -> np.ndarray:
    """Cell index along one axis (the same arithmetic when building and looking up)."""
    return np.floor((v - origin) / cell).astype(np.int64)


GRID_DEG = 0.02  # cells of the grid of the outlines' boxes (ExactCommunes)
GRID_PREFIX = "communes.grid"


class ExactCommunes:
    """The exact lookup: candidates from a grid of the outlines' boxes, smallest box first, in
    rounds (a point found is not tested again); GEOS point-in-polygon tests on the outlines as
    they are, not prepared: a batch tests each outline a few times (the raster answers the
    rest), fewer than preparing repays (preparing one costs about fifteen tests of the
    simplified outlines), and an outline that is not prepared builds nothing on first use, so
    threads share it freely.

    Built from the outlines, or from their boxes and `geoms_of(rows)`, which gives the outlines
    of some rows: then only the communes a point may fall in are ever made into geometries."""

    def __init__(self, geoms: np.ndarray | None = None, *, bounds=None, geoms_of=None, arrays=None):
        """`arrays`: a persisted bundle holding the grid (GRID_PREFIX), made at build time."""
        from sse_dash.qpv_index import BoxGrid

        bounds = shapely.bounds(geoms) if geoms is not None else np.asarray(bounds)
        self.geoms = geoms if geoms is not None else np.full(len(bounds), None, dtype=object)
        self._geoms_of = None if geoms is not None else geoms_of
        self.area = (bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1])
        if arrays is not None and f"{GRID_PREFIX}.keys" in arrays:
            self.grid = BoxGrid.from_arrays(arrays, GRID_PREFIX, bounds, GRID_DEG)
        else:
            self.grid = BoxGrid(bounds, GRID_DEG)
        self._lock = threading.Lock()  # one reference serves every session of the app

    def _made(self, which: np.ndarray) -> np.ndarray:
        """The outlines of rows `which` (unique), made on first use."""
        if self._geoms_of is not None:
            new = which[shapely.is_missing(self.geoms[which])]
            if new.size:
                self.geoms[new] = self._geoms_of(new)
        return self.geoms[which]

    def rows(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Row of the commune containing each point, -1 where none."""
        x, y = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
        out = np.full(len(x), NONE, dtype=np.int64)
        p, box = self.grid.query(x, y)
        if not p.size:
            return out
        order = np.lexsort((self.area[box], p))
        p, box = p[order], box[order]
        first = np.concatenate([[True], p[1:] != p[:-1]])
        rank = np.arange(len(p)) - np.maximum.accumulate(np.where(first, np.arange(len(p)), 0))
        done = np.zeros(len(x), dtype=bool)
        for r in range(int(rank.max()) + 1):
            sel = np.flatnonzero((rank == r) & ~done[p])
            if not sel.size:
                continue
            with self._lock:
                self._made(np.unique(box[sel]))
            hit = shapely.contains_xy(self.geoms[box[sel]], x[p[sel]], y[p[sel]])
            out[p[sel[hit]]] = box[sel[hit]]
            done[p[sel[hit]]] = True
        return out


def rows(
    lon: np.ndarray, lat: np.ndarray, raster: tuple[dict, list[dict]] | None, exact: Callable
) -> np.ndarray:
    """Commune row of each point: the raster where it knows, `exact()` (an ExactCommunes,
    built only when needed) for the rest."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    out = lookup(*raster, lon, lat) if raster else np.full(lon.shape, UNKNOWN, dtype=np.int64)
    missing = ~(np.isfinite(lon) & np.isfinite(lat))
    out[missing] = NONE
    todo = np.flatnonzero(out == UNKNOWN)
    if todo.size:
        finder = exact()
        out[todo] = finder.rows(lon[todo], lat[todo]) if finder else NONE
    return out
