"""QPV membership and distance engine, shared by the SIRENE pipeline and « Adresse en QPV ? ».

Point-in-polygon on the membership geometry (never simplified, never by commune code) with a
shapely STRtree: bounding-box candidates, then prepared `contains_xy`; a point on the contour is
inside (BOUNDARY_TOLERANCE_M). Distances are in metres,
computed in a metric CRS chosen per zone (Lambert-93 for metropolitan France, local UTM overseas)."""

from __future__ import annotations

import json
import logging
import mmap
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Transformer

from sse_dash.style import ZONES, zone_of  # metric CRS per part of France (EPSG, lon/lat box)

if TYPE_CHECKING:
    from pykdtree.kdtree import KDTree

log = logging.getLogger(__name__)

# A point on a QPV's boundary is inside it (the contour belongs to the neighbourhood). "On" is
# within BOUNDARY_TOLERANCE_M of the contour, so that a vertex and an edge midpoint get the same
# answer whatever the rounding: the contours are published in WGS84 and tested in a metric CRS,
# where an edge drawn straight in degrees bows by up to L²/8R (1.5 cm for a 700 m edge). 5 cm is
# far below the precision of any address or of coordinates given with 6 decimals (~10 cm).
BOUNDARY_TOLERANCE_M = 0.05

# Far away, the distance comes from a coarser set of contour vertices (every COARSE_STEP-th
# densified vertex: one at least every COARSE_STEP * FAR_SPACING_M metres along the contour), so
# that a far point costs one cheap query: beyond FINE_RADIUS_M the error is at most
# COARSE_STEP * FAR_SPACING_M / 2 (250 m, i.e. under 5 %).
COARSE_STEP = 10
FINE_RADIUS_M = 5_000.0
# The nearest coarse vertex is also read from a raster made at build time: a FAR_CELL_M cell
# whose four corners have the same nearest coarse vertex lies whole in that vertex's Voronoi
# cell (convex), so every point in it has that nearest vertex, the very one the KD-tree gives.
# Most points far from any QPV fall in such a cell; the others ask the KD-tree.
FAR_CELL_M = 1_000.0
FAR_MARGIN_M = 200_000.0  # around the contours, within the zone's box
FAR_MAX_CELLS = 4_000_000  # per zone (bigger cells beyond)
# Membership candidates come from a grid of GRID_M cells over the QPV bounding boxes (numpy
# only: no point geometry is made for the points that fall in no box).
GRID_M = 2_000.0

# Distances: a KD-tree over the QPV boundaries densified every FAR_SPACING_M metres answers every
# point (error at most FAR_SPACING_M / 2); points found closer than EXACT_RADIUS_M are then
# refined with the exact polygon distance, so the 300 m flag and short distances are exact.
EXACT_RADIUS_M = 500.0
FAR_SPACING_M = 50.0


# The answers, one rule for the address check (single and batch) and the warehouse: a location
# known to within `radius_m` (0 = exact coordinates) is « oui » / « non » only when the whole
# disc of that radius lies on one side of every QPV contour; otherwise « incertain ». The same
# for « à moins de 300 m ». On the contour itself counts as inside (BOUNDARY_TOLERANCE_M).
YES, NO, UNCERTAIN = "oui", "non", "incertain"
NEAR_M = 300.0


ANSWERS = np.array([YES, NO, UNCERTAIN], dtype=object)  # what answer_codes' codes stand for


def answer_codes(found: Assignment, radius_m) -> tuple[np.ndarray, np.ndarray]:
    """(QPV answer, within-NEAR_M answer) per point as codes into ANSWERS (0 YES, 1 NO,
    2 UNCERTAIN), -1 where the point has no location (NaN coordinates or radius).
    `radius_m`: how far the true location may lie from the point (0 exact, inf unknown).
    Inside points with a radius need `edge_for`."""
    n = found.distance_m.size
    radius = np.broadcast_to(np.asarray(radius_m, dtype="float64"), (n,))
    located = (found.zone >= 0) & ~np.isnan(radius)
    inside = found.is_inside
    exact = radius == 0
    edge = found.boundary_m()  # own contour (inside) / nearest QPV, lower bound (outside)
    no_qpv = ~inside & np.isnan(found.distance_m)  # no QPV at all in this territory
    with np.errstate(invalid="ignore"):
        sure = exact | no_qpv | (edge > radius)
        member = np.where(inside, 0, 1).astype(np.int8)
        member[~sure] = 2
        # bounds of the true distance to the nearest QPV
        low = np.where(inside, 0.0, np.maximum(edge - radius, 0.0))
        high = np.where(inside, radius, found.distance_m + radius)
        near = np.full(n, 2, dtype=np.int8)
        near[(inside & sure) | (high <= NEAR_M)] = 0
        near[~(inside & sure) & ((low > NEAR_M) | no_qpv)] = 1
    member[~located] = -1
    near[~located] = -1
    return member, near


def answers(found: Assignment, radius_m) -> tuple[np.ndarray, np.ndarray]:
    """answer_codes as YES / NO / UNCERTAIN (object arrays), None where no location."""
    member, near = answer_codes(found, radius_m)
    return decode(member, ANSWERS), decode(near, ANSWERS)


_TRANSFORMERS: dict[int, Transformer] = {}


def to_metric(epsg: int, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tr = _TRANSFORMERS.get(epsg)
    if tr is None:
        tr = _TRANSFORMERS[epsg] = Transformer.from_crs(4326, epsg, always_xy=True)
    return tr.transform(lon, lat)


class Projected:
    """WGS84 points with their zone and, per zone, their metric coordinates (made once when
    first asked: the 2024 and 2015 indexes share them)."""

    def __init__(self, lon, lat):
        self.lon = np.asarray(lon, dtype="float64").ravel()
        self.lat = np.asarray(lat, dtype="float64").ravel()
        self.zone = zone_of(self.lon, self.lat)
        self._metric: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def metric(self, z: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, x, y) of the points in zone z."""
        got = self._metric.get(z)
        if got is None:
            idx = np.flatnonzero(self.zone == z)
            x, y = to_metric(ZONES[z][1], self.lon[idx], self.lat[idx]) if idx.size else ([], [])
            got = (idx, np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
            self._metric[z] = got
        return got


class BoxGrid:
    """(point, box) pairs whose box holds the point, from a grid of `cell`-sized cells over the
    boxes: numpy only, no point geometry (an STRtree query needs one per point)."""

    def __init__(self, bounds: np.ndarray, cell: float):
        self.cell = cell
        self.bounds = np.asarray(bounds, dtype="float64")
        c0 = np.floor(self.bounds[:, :2] / cell).astype(np.int64)
        c1 = np.floor(self.bounds[:, 2:] / cell).astype(np.int64)
        nx, ny = c1[:, 0] - c0[:, 0] + 1, c1[:, 1] - c0[:, 1] + 1
        box = np.repeat(np.arange(len(self.bounds)), nx * ny)
        rank = np.arange(len(box)) - np.repeat(np.cumsum(nx * ny) - nx * ny, nx * ny)
        gx = c0[box, 0] + rank % nx[box]
        gy = c0[box, 1] + rank // nx[box]
        keys = (gx << 32) + (gy & 0xFFFFFFFF)
        order = np.argsort(keys, kind="stable")
        keys, self.boxes = keys[order], box[order]
        self.keys, self.start = np.unique(keys, return_index=True)
        self.end = np.append(self.start[1:], len(keys))

    _PARTS = ("keys", "boxes", "start", "end")

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The grid as arrays, for a persisted bundle (made at build time, not per run)."""
        return {f"{prefix}.{k}": getattr(self, k) for k in self._PARTS}

    @classmethod
    def from_arrays(cls, arrays: dict, prefix: str, bounds: np.ndarray, cell: float) -> BoxGrid:
        grid = cls.__new__(cls)
        grid.cell, grid.bounds = cell, np.asarray(bounds, dtype="float64")
        for k in cls._PARTS:
            setattr(grid, k, arrays[f"{prefix}.{k}"])
        return grid

    _MAX_TABLE = 4_000_000  # cells of the direct lookup table (16 MB); beyond, a binary search

    def _table(self):
        """(first column, first row, rows, cell -> position in `keys` or -1) over the grid's
        extent: one array lookup per point instead of a binary search."""
        table = getattr(self, "_lookup", None)
        if table is None:
            gx, gy = self.keys >> 32, (self.keys & 0xFFFFFFFF).astype(np.int32).astype(np.int64)
            table = False
            if len(self.keys):
                x0, y0 = gx.min(), gy.min()
                nx, ny = gx.max() - x0 + 1, gy.max() - y0 + 1
                if nx * ny <= self._MAX_TABLE:
                    cells = np.full(nx * ny, -1, dtype=np.int32)
                    cells[(gx - x0) * ny + (gy - y0)] = np.arange(len(self.keys))
                    table = (int(x0), int(y0), int(nx), int(ny), cells)
            self._lookup = table
        return table

    def _positions(self, cx: np.ndarray, cy: np.ndarray, finite: np.ndarray) -> np.ndarray:
        """Position in `keys` of each point's cell, -1 for none."""
        table = self._table()
        if table is not False:
            x0, y0, nx, ny, cells = table
            gx, gy = cx - x0, cy - y0
            inside = finite & (gx >= 0) & (gx < nx) & (gy >= 0) & (gy < ny)
            pos = np.full(len(cx), -1, dtype=np.int64)
            pos[inside] = cells[gx[inside] * ny + gy[inside]]
            return pos
        key = (cx << 32) + (cy & 0xFFFFFFFF)
        pos = np.minimum(np.searchsorted(self.keys, key), max(len(self.keys) - 1, 0))
        hit = (len(self.keys) > 0) & (self.keys[pos] == key) & finite
        return np.where(hit, pos, -1)

    def query(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore"):  # missing points: dropped below
            cx = np.floor(x / self.cell).astype(np.int64)
            cy = np.floor(y / self.cell).astype(np.int64)
        pos = self._positions(cx, cy, np.isfinite(x) & np.isfinite(y))
        found = np.flatnonzero(pos >= 0)
        counts = self.end[pos[found]] - self.start[pos[found]]
        p_i = np.repeat(found, counts)
        offset = np.arange(len(p_i)) - np.repeat(np.cumsum(counts) - counts, counts)
        t_i = self.boxes[np.repeat(self.start[pos[found]], counts) + offset]
        b = self.bounds[t_i]
        inbox = (
            (x[p_i] >= b[:, 0]) & (x[p_i] <= b[:, 2]) & (y[p_i] >= b[:, 1]) & (y[p_i] <= b[:, 3])
        )
        return p_i[inbox], t_i[inbox]


def kdtree(points: np.ndarray, leafsize: int) -> KDTree:
    """A KD-tree over metric points (query points: float64, C-contiguous). pykdtree rather than
    scipy's cKDTree: imported in a few milliseconds instead of 0.2 s (scipy.spatial pulls
    scipy.sparse and numpy.f2py), built 4× and queried ~1.7× faster, and its queries release
    the GIL (the address check assigns pieces in two threads)."""
    from pykdtree.kdtree import KDTree

    return KDTree(np.ascontiguousarray(points, dtype="float64"), leafsize=leafsize)


_PREPARE_LOCK = threading.Lock()  # GEOS prepared geometries are made once, by one thread


def prepare_shared(geoms: np.ndarray, distance: bool = True) -> None:
    """Prepare GEOS polygons that several threads test at once (the two threads of a batch
    check, the sessions of the app). A prepared polygon builds its indexes when first used,
    with no lock (GEOS src/geom/prep/PreparedPolygon.cpp: a simple locator for the first
    point-in-polygon test, the indexed one made at the second and its tree built at its first
    query; the facet-distance index at the first distance): two threads building one at once
    corrupt the heap. So they are all built here, under a lock: two tests per polygon at the
    centre of its box, then a distance with no limit to a point beyond its box.
    `distance=False` when only point-in-polygon tests follow."""
    geoms = np.asarray(geoms, dtype=object)
    with _PREPARE_LOCK:
        todo = geoms[~shapely.is_missing(geoms)]
        todo = todo[~shapely.is_prepared(todo) & ~shapely.is_empty(todo)]
        if not todo.size:
            return
        shapely.prepare(todo)
        box = shapely.bounds(todo)
        centre = (box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2
        for _ in range(2):
            shapely.contains_xy(todo, *centre)
        if distance:
            shapely.dwithin(todo, shapely.points(box[:, 2] + 1.0, box[:, 3] + 1.0), np.inf)


_K_NEAREST = 8  # densified vertices examined per point for the exact distance
_CHUNK = 32_768  # points per vectorised block (bounded memory)
_TIE = 1e-6  # relative and in m²: squared distances this close reach the same boundary point


@dataclass
class _ZoneIndex:
    """One metric zone: its QPV polygons and their contours densified every FAR_SPACING_M.

    Distances never call GEOS per polygon: the K nearest densified vertices (KD-tree) name the
    candidate segments, whose exact point-segment distances are vectorised. The nearest boundary
    point lies on a segment with an end within d + FAR_SPACING_M / 2 of the point, so the answer
    is exact whenever the K-th vertex is farther than that; the rare other points (crowded
    contours) fall back to GEOS."""

    geoms: np.ndarray  # metric polygons
    rows: np.ndarray  # index into QpvIndex.codes
    coords: np.ndarray  # (M, 2) densified contour vertices
    owner: np.ndarray  # (M,) vertex -> index into geoms
    seg_ok: np.ndarray  # (M,) vertex i and i + 1 bound a contour segment
    _tree: shapely.STRtree | None = None
    _kd: KDTree | None = None
    _coarse: KDTree | None = None
    _grid: tuple | None = None
    _contours: np.ndarray | None = None
    _directions: np.ndarray | None = None
    far: dict | None = None  # the raster of nearest coarse vertices (far_raster), if made

    @classmethod
    def build(cls, metric: np.ndarray, rows: np.ndarray) -> _ZoneIndex:
        dense = shapely.segmentize(shapely.boundary(metric), FAR_SPACING_M)
        parts, part_of = shapely.get_parts(dense, return_index=True)
        counts = shapely.get_num_coordinates(parts)
        coords = shapely.get_coordinates(parts)
        seg_ok = np.ones(len(coords), dtype=bool)
        seg_ok[np.cumsum(counts) - 1] = False
        owner = np.repeat(part_of, counts).astype(np.int32)
        return cls(metric, np.asarray(rows, dtype=np.int64), coords, owner, seg_ok)

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            prepare_shared(self.geoms)
            self._tree = shapely.STRtree(self.geoms)
        return self._tree

    @property
    def kd(self) -> KDTree:
        if self._kd is None:
            self._kd = kdtree(self.coords, leafsize=32)
        return self._kd

    @property
    def coarse(self) -> KDTree:
        """Every COARSE_STEP-th densified vertex of each contour part, and each part's last."""
        if self._coarse is None:
            ends = ~self.seg_ok
            part = np.concatenate([[0], np.cumsum(ends)[:-1]])
            first = np.flatnonzero(np.concatenate([[True], ends[:-1]]))
            rank = np.arange(len(self.coords)) - first[part]
            keep = (rank % COARSE_STEP == 0) | ends
            self._coarse_owner = self.owner[keep]
            self._coarse_xy = np.ascontiguousarray(self.coords[keep], dtype="float64")
            self._coarse = kdtree(self._coarse_xy, leafsize=16)
        return self._coarse

    def far_raster(self, box: tuple[float, float, float, float]) -> dict:
        """The raster of nearest coarse vertices over `box` (metric x0, y0, x1, y1), clipped to
        FAR_MARGIN_M around the contours: per cell, the coarse vertex nearest to all four of its
        corners, -1 where they differ (see FAR_CELL_M). Made at build time."""
        lo, hi = self.coords.min(axis=0) - FAR_MARGIN_M, self.coords.max(axis=0) + FAR_MARGIN_M
        x0, y0 = max(box[0], lo[0]), max(box[1], lo[1])
        x1, y1 = min(box[2], hi[0]), min(box[3], hi[1])
        cell = max(FAR_CELL_M, float(np.sqrt((x1 - x0) * (y1 - y0) / FAR_MAX_CELLS)))
        width, height = int((x1 - x0) // cell) + 1, int((y1 - y0) // cell) + 1
        nearest = np.empty((height + 1, width + 1), dtype=np.int32)
        xs = x0 + np.arange(width + 1) * cell
        for row in range(height + 1):  # one row of corners at a time: bounded memory
            corners = np.column_stack([xs, np.full(width + 1, y0 + row * cell)])
            nearest[row] = self.coarse.query(corners)[1]
        first = nearest[:-1, :-1]
        same = (
            (first == nearest[1:, :-1]) & (first == nearest[:-1, 1:]) & (first == nearest[1:, 1:])
        )
        cells = np.where(same, first, -1).astype(np.int32)
        return {"origin": np.array([x0, y0, cell]), "cells": cells}

    def _coarse_nearest(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distance, index) of the nearest coarse vertex: from the raster where a point's
        cell has one, from the KD-tree for the others."""
        tree = self.coarse
        if self.far is None:
            return tree.query(np.ascontiguousarray(xy))
        x0, y0, cell = self.far["origin"]
        cells = self.far["cells"]
        with np.errstate(invalid="ignore"):
            cx = np.floor((xy[:, 0] - x0) / cell)
            cy = np.floor((xy[:, 1] - y0) / cell)
        inside = (cx >= 0) & (cx < cells.shape[1]) & (cy >= 0) & (cy < cells.shape[0])
        v = np.full(len(xy), -1, dtype=np.int64)
        v[inside] = cells[cy[inside].astype(np.int64), cx[inside].astype(np.int64)]
        known = np.flatnonzero(v >= 0)
        # the KD-tree's own arithmetic: the square root of dx² + dy²
        delta = xy[known] - self._coarse_xy[v[known]]
        d = np.empty(len(xy))
        d[known] = np.sqrt(delta[:, 0] * delta[:, 0] + delta[:, 1] * delta[:, 1])
        rest = np.flatnonzero(v < 0)
        if rest.size:
            d[rest], v[rest] = tree.query(np.ascontiguousarray(xy[rest]))
        return d, v

    def warm(self, with_distance: bool = True) -> None:
        """Make every part built on first use (the grid, prepared polygons, the KD-trees)."""
        prepare_shared(self.geoms)
        self.candidates(np.zeros(0), np.zeros(0))
        if with_distance:
            self.kd, self.coarse, self.directions  # noqa: B018 - properties that build

    def candidates(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point, polygon) pairs whose polygon's bounding box holds the point (numpy only)."""
        if self._grid is None:
            self._grid = BoxGrid(shapely.bounds(self.geoms), GRID_M)
        return self._grid.query(x, y)

    def contours(self, which: np.ndarray) -> np.ndarray:
        """Boundaries of the given polygons (computed once, on first use)."""
        if self._contours is None:
            self._contours = shapely.boundary(self.geoms)
        return self._contours[which]

    def nearest(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(distance, polygon, error bound) for points (metric): exact within EXACT_RADIUS_M,
        within FAR_SPACING_M / 2 up to FINE_RADIUS_M, within the coarse spacing / 2 beyond."""
        step = COARSE_STEP * FAR_SPACING_M
        d, v = self._coarse_nearest(xy)
        own = self._coarse_owner[v]
        error = np.full(len(d), step / 2)
        fine = np.flatnonzero(d <= FINE_RADIUS_M + step / 2)
        near_m = EXACT_RADIUS_M + FAR_SPACING_M / 2
        # a coarse vertex lies within step / 2 of the nearest densified one: only these points
        # can be near, and the K nearest vertices they need give their nearest one too
        cand = fine[d[fine] <= near_m + step / 2]
        far = np.setdiff1d(fine, cand, assume_unique=True)
        for start in range(0, cand.size, _CHUNK):
            block = cand[start : start + _CHUNK]
            dk, vk = self._k_nearest(xy[block])
            is_near = dk[:, 0] <= near_m
            near = block[is_near]
            if near.size:
                d[near], own[near] = self._exact(xy[near], dk[is_near], vk[is_near])
                error[near] = 0.0
            far = np.concatenate([far, block[~is_near]])
        if far.size:  # the nearest densified vertex, as a single-neighbour query answers it
            df, vf = self.kd.query(np.ascontiguousarray(xy[far]))
            d[far], own[far], error[far] = df, self.owner[vf], FAR_SPACING_M / 2
        return d, own, error

    def _k_nearest(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = min(_K_NEAREST, len(self.coords))
        dk, vk = self.kd.query(np.ascontiguousarray(xy), k=k)
        if k == 1:
            dk, vk = dk[:, None], vk[:, None]
        return dk, vk.astype(np.int64)

    @property
    def directions(self) -> np.ndarray:
        """(M, 6) float32 per densified vertex: the two contour segments that start there,
        towards the next and the previous vertex of its part, as (ux, uy, 1 / length²) each;
        (0, 0, 0) where the part ends, a segment reduced to the vertex (a boundary point all
        the same). Gathered in one go per vertex by _exact."""
        if self._directions is None:
            c, ok = self.coords, self.seg_ok
            step = np.zeros_like(c)
            step[:-1][ok[:-1]] = (c[1:] - c[:-1])[ok[:-1]]
            out = np.zeros((len(c), 6), dtype=np.float32)
            for col, vec in ((0, step), (3, np.zeros_like(c))):
                if col == 3:  # towards the previous vertex: the step before, reversed
                    vec[1:] = -step[:-1]
                length2 = (vec * vec).sum(axis=1)
                out[:, col : col + 2] = vec
                out[:, col + 2] = np.divide(1.0, length2, out=np.zeros_like(length2),
                                            where=length2 > 0)  # fmt: skip
            self._directions = out
        return self._directions

    def _exact(self, xy: np.ndarray, dk=None, vk=None) -> tuple[np.ndarray, np.ndarray]:
        m = len(self.coords)
        k = min(_K_NEAREST, m)
        if dk is None:
            dk, vk = self._k_nearest(xy)
        # the two segments at each of the K nearest vertices: coordinates relative to the
        # point (small numbers, exact enough in float32)
        a = (self.coords[vk] - xy[:, None, :]).astype(np.float32)  # (n, K, 2)
        seg = self.directions[vk]  # (n, K, 6)
        ax, ay = a[..., 0], a[..., 1]
        dist2 = None
        for col in (0, 3):
            ux, uy = seg[..., col], seg[..., col + 1]
            t = np.clip(-(ax * ux + ay * uy) * seg[..., col + 2], 0.0, 1.0)
            px, py = ax + t * ux, ay + t * uy
            d2 = px * px + py * py
            dist2 = d2 if dist2 is None else np.minimum(dist2, d2)
        best = np.argmin(dist2, axis=1)
        rows = np.arange(len(xy))
        least = dist2[rows, best]
        d = np.sqrt(least.astype("float64"))
        owners = self.owner[vk]
        own = owners[rows, best]
        # two QPV sharing a contour are equally near: the first code wins (not the KD-tree's
        # order of equal vertices); "equally" up to the float32 rounding of one boundary point
        tied = (dist2 <= (least * (1 + _TIE) + _TIE)[:, None]) & (owners != own[:, None])
        tied_rows = np.flatnonzero(tied.any(axis=1))
        if tied_rows.size:
            sub = tied[tied_rows] | (np.arange(k) == best[tied_rows, None])
            codes = np.where(sub, self.rows[owners[tied_rows]], np.iinfo(np.int64).max)
            own[tied_rows] = owners[tied_rows, np.argmin(codes, axis=1)]
        unsure = np.flatnonzero((k < m) & ~(dk[:, -1] > d + FAR_SPACING_M / 2) | ~np.isfinite(d))
        if unsure.size:  # crowded contours: GEOS on the candidate polygons
            pts = shapely.points(xy[unsure, 0], xy[unsure, 1])
            j, dj = self._geos_nearest(xy[unsure], pts, own[unsure])
            d[unsure], own[unsure] = dj, j
        return d, own

    def _geos_nearest(self, xy, pts, own) -> tuple[np.ndarray, np.ndarray]:
        """Exact nearest polygon with GEOS: the distance to a first candidate bounds the search,
        so only polygons whose box lies within it are measured (vectorised)."""
        x, y = xy[:, 0], xy[:, 1]
        d_own = shapely.distance(pts, self.geoms[own])
        boxes = shapely.box(x - d_own, y - d_own, x + d_own, y + d_own)
        bi, bj = self.tree.query(boxes)
        dc = shapely.distance(pts[bi], self.geoms[bj])
        order = np.lexsort((dc, bi))
        bi, bj, dc = bi[order], bj[order], dc[order]
        hit, first = np.unique(bi, return_index=True)
        best_j, best_d = own.copy(), d_own.copy()
        better = dc[first] < best_d[hit]
        best_j[hit[better]] = bj[first][better]
        best_d[hit[better]] = dc[first][better]
        return best_j, best_d

    # -- persistence (sse_dash.qpv_index.persist)
    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        kind, coords, offsets = shapely.to_ragged_array(self.geoms)
        out = {
            f"{prefix}.rows": self.rows,
            f"{prefix}.kind": np.array([int(kind)]),
            f"{prefix}.poly_coords": coords,
            f"{prefix}.dense": self.coords,
            f"{prefix}.owner": self.owner,
            f"{prefix}.seg_ok": self.seg_ok,
        }
        for i, off in enumerate(offsets):
            out[f"{prefix}.offsets{i}"] = off
        for key, value in (self.far or {}).items():
            out[f"{prefix}.far_{key}"] = value
        if self._directions is not None:
            out[f"{prefix}.directions"] = self._directions
        return out

    @classmethod
    def from_arrays(cls, arrays: dict, prefix: str) -> _ZoneIndex:
        offsets = []
        while f"{prefix}.offsets{len(offsets)}" in arrays:
            offsets.append(np.asarray(arrays[f"{prefix}.offsets{len(offsets)}"]))
        kind = shapely.GeometryType(int(arrays[f"{prefix}.kind"][0]))
        geoms = shapely.from_ragged_array(
            kind, np.asarray(arrays[f"{prefix}.poly_coords"]), tuple(offsets)
        )
        zone = cls(
            geoms,
            np.asarray(arrays[f"{prefix}.rows"]),
            arrays[f"{prefix}.dense"],
            arrays[f"{prefix}.owner"],
            arrays[f"{prefix}.seg_ok"],
        )
        zone._directions = arrays.get(f"{prefix}.directions")  # else made on first use
        if f"{prefix}.far_cells" in arrays:  # an index persisted before the raster: without
            zone.far = {
                "origin": arrays[f"{prefix}.far_origin"],
                "cells": arrays[f"{prefix}.far_cells"],
            }
        return zone


def decode(codes: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """labels[codes] as an object array, None where the code is negative."""
    out = np.full(len(codes), None, dtype=object)
    hit = codes >= 0
    out[hit] = labels[codes[hit]]
    return out


class Assignment:
    """Per-point results, kept as rows into the index's codes (`row`: the QPV the point is in,
    `nearest_row`: the nearest one; -1 for none); `inside` / `nearest` give the codes (None
    where none), made on first use."""

    def __init__(
        self, zone, inside=None, nearest=None, distance_m=None, edge_m=None, error_m=None,
        row=None, nearest_row=None, codes=None,
    ):  # fmt: skip
        self.zone = zone  # int8, -1 = outside France / no coordinates
        self._inside, self._nearest = inside, nearest
        self.distance_m = distance_m  # float64, 0 inside, NaN when no QPV / no coordinates
        # distance from an inside point to its QPV's contour (only where asked), NaN else
        self.edge_m = edge_m
        # how much distance_m may exceed the true distance (0 where exact, _ZoneIndex.nearest)
        self.error_m = error_m
        self.row, self.nearest_row, self.codes = row, nearest_row, codes

    @property
    def inside(self) -> np.ndarray:
        """QPV code of each point (object), None where in no QPV."""
        if self._inside is None:
            self._inside = decode(self.row, self.codes)
        return self._inside

    @property
    def nearest(self) -> np.ndarray:
        """Nearest QPV code (== inside when inside), None where none."""
        if self._nearest is None:
            self._nearest = decode(self.nearest_row, self.codes)
        return self._nearest

    @property
    def is_inside(self) -> np.ndarray:
        if self.row is not None:
            return self.row >= 0
        return self.inside != None  # noqa: E711

    @property
    def approx(self) -> np.ndarray:
        return self.error_m > 0

    def boundary_m(self) -> np.ndarray:
        """Distance to the nearest QPV contour: to its own for an inside point (NaN where not
        computed), to the nearest QPV for an outside one (a lower bound where approximate)."""
        edge = self.edge_m if self.edge_m is not None else np.full(self.distance_m.shape, np.nan)
        low = self.distance_m - self.error_m
        return np.where(self.is_inside, edge, low)


class QpvIndex:
    """Build once (per warehouse and geography), query many times."""

    def __init__(self, codes, geoms_wgs84, names=None):
        self.codes = np.asarray(codes, dtype=object)
        self.names = np.asarray(names if names is not None else codes, dtype=object)
        geoms = np.asarray(geoms_wgs84, dtype=object)
        valid = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        reps = shapely.point_on_surface(np.where(valid, geoms, None))
        zx = np.where(valid, shapely.get_x(reps), np.nan)
        zy = np.where(valid, shapely.get_y(reps), np.nan)
        zones = zone_of(zx, zy)
        self._zones: dict[int, _ZoneIndex] = {}
        for z in np.unique(zones[zones >= 0]):
            rows = np.flatnonzero(zones == z)
            epsg = ZONES[z][1]
            tr = _TRANSFORMERS.get(epsg) or Transformer.from_crs(4326, epsg, always_xy=True)
            _TRANSFORMERS[epsg] = tr
            metric = shapely.transform(
                geoms[rows], lambda xy, tr=tr: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
            )
            self._zones[int(z)] = _ZoneIndex.build(metric, rows)

    def __len__(self) -> int:
        return len(self.codes)

    def warm(self, with_distance: bool = True) -> None:
        for zi in self._zones.values():
            zi.warm(with_distance)

    @classmethod
    def from_warehouse(cls, con, geography: str = "2024") -> QpvIndex:
        cur = con.cursor()
        try:
            rows = cur.execute(
                "SELECT code, name, ST_AsWKB(geom) FROM qpv WHERE geography = ? AND geom IS NOT NULL ORDER BY code",
                [geography],
            ).fetchall()
        finally:
            cur.close()
        codes = [r[0] for r in rows]
        names = [r[1] for r in rows]
        geoms = (
            shapely.from_wkb([bytes(r[2]) for r in rows]) if rows else np.array([], dtype=object)
        )
        return cls(codes, geoms, names)

    def make_far_rasters(self) -> None:
        """Each zone's raster of nearest coarse vertices (_ZoneIndex.far_raster) over the
        zone's box, and its contour segments (_ZoneIndex.directions), for the persisted index:
        the distances' parts that a run would otherwise make."""
        for z, zi in self._zones.items():
            zone = ZONES[z]
            side = np.linspace(0.0, 1.0, 101)
            lon = np.concatenate(
                [zone.lon_min + side * (zone.lon_max - zone.lon_min)] * 2
                + [np.full(101, zone.lon_min), np.full(101, zone.lon_max)]
            )
            lat = np.concatenate(
                [np.full(101, zone.lat_min), np.full(101, zone.lat_max)]
                + [zone.lat_min + side * (zone.lat_max - zone.lat_min)] * 2
            )
            x, y = to_metric(zone.epsg, lon, lat)
            zi.far = zi.far_raster((np.min(x), np.min(y), np.max(x), np.max(y)))
            zi.directions  # noqa: B018 - made now, persisted with the rest

    def to_arrays(self, prefix: str) -> tuple[dict[str, np.ndarray], dict]:
        """Arrays and JSON metadata of this index, for a persisted bundle."""
        arrays = {}
        for z, zi in self._zones.items():
            arrays.update(zi.to_arrays(f"{prefix}.z{z}"))
        meta = {
            "codes": list(map(str, self.codes)),
            "names": [None if n is None else str(n) for n in self.names],
            "zones": sorted(self._zones),
        }
        return arrays, meta

    @classmethod
    def from_arrays(cls, arrays: dict, meta: dict, prefix: str) -> QpvIndex:
        idx = cls.__new__(cls)
        idx.codes = np.asarray(meta["codes"], dtype=object)
        idx.names = np.asarray(meta["names"], dtype=object)
        idx._zones = {
            int(z): _ZoneIndex.from_arrays(arrays, f"{prefix}.z{z}") for z in meta["zones"]
        }
        return idx

    def assign(
        self, lon, lat, *, with_distance: bool = True, edge_for=None, projected=None
    ) -> Assignment:
        """QPV of each WGS84 point, nearest QPV and distance; `edge_for` (bool mask) asks for
        the distance from inside points to their QPV's contour (Assignment.edge_m).
        `projected`: the same points as a Projected, when another index has projected them."""
        pts = projected if projected is not None else Projected(lon, lat)
        n = pts.lon.size
        zone = pts.zone
        dist = np.full(n, np.nan)
        edge_m = np.full(n, np.nan)
        error = np.zeros(n)
        row = np.full(n, -1, dtype=np.int64)
        nearest_row = np.full(n, -1, dtype=np.int64)
        want_edge = None if edge_for is None else np.asarray(edge_for, dtype=bool).ravel()
        for z, zi in self._zones.items():
            idx, x, y = pts.metric(z)
            if idx.size == 0:
                continue
            keep = np.full(idx.size, -1, dtype=np.int64)  # polygon each point is in
            p_i, t_i = zi.candidates(x, y)
            if p_i.size:
                prepare_shared(zi.geoms)  # the address check assigns pieces in two threads
                hit = shapely.contains_xy(zi.geoms[t_i], x[p_i], y[p_i])
                if not with_distance:  # the contour counts as inside: GEOS says who is on it
                    edge = np.flatnonzero(~hit)
                    if edge.size:
                        hit[edge] = shapely.dwithin(
                            zi.geoms[t_i[edge]],
                            shapely.points(x[p_i[edge]], y[p_i[edge]]),
                            BOUNDARY_TOLERANCE_M,
                        )
                p_hit, t_hit = p_i[hit], t_i[hit]
                # a point in two overlapping QPV takes the first code (sorted), deterministic
                order = np.lexsort((zi.rows[t_hit], p_hit))[::-1]
                keep[p_hit[order]] = t_hit[order]
            if with_distance:
                out = np.flatnonzero(keep < 0)
                if out.size:
                    d, own, err = zi.nearest(np.column_stack([x[out], y[out]]))
                    on_edge = d <= BOUNDARY_TOLERANCE_M  # on the contour: inside
                    keep[out[on_edge]] = own[on_edge]
                    d[on_edge], err[on_edge] = 0.0, 0.0
                    dist[idx[out]] = d
                    nearest_row[idx[out]] = zi.rows[own]
                    error[idx[out]] = err
            found = np.flatnonzero(keep >= 0)
            row[idx[found]] = zi.rows[keep[found]]
            if with_distance:
                nearest_row[idx[found]] = row[idx[found]]
                dist[idx[found]] = 0.0
                error[idx[found]] = 0.0
            if want_edge is not None:
                ask = found[want_edge[idx[found]]]
                if ask.size:
                    edge_m[idx[ask]] = shapely.distance(
                        shapely.points(x[ask], y[ask]), zi.contours(keep[ask])
                    )
        return Assignment(
            zone=zone,
            distance_m=dist,
            edge_m=edge_m if want_edge is not None else None,
            error_m=error,
            row=row,
            nearest_row=nearest_row,
            codes=self.codes,
        )

    def name_of(self, code: str | None) -> str | None:
        if code is None:
            return None
        hit = np.flatnonzero(self.codes == code)
        return self.names[hit[0]] if hit.size else None


# ---------------------------------------------------------------------- persisted index
# The warehouse build writes, next to sse.duckdb, everything a QPV check needs (projected QPV
# polygons, densified contours, names, commune outlines) as one binary file that later runs map
# into memory instead of reading WKB from DuckDB and rebuilding the index (~1 s per run). The
# file carries the size and mtime of the warehouse it was made from; any other warehouse (or no
# file) and the index is built from the warehouse as before.
INDEX_SUFFIX = ".qpvindex"
_MAGIC = b"SSEQPVIX1\n"
_ALIGN = 64


def index_path(warehouse) -> Path:
    """The index file of a warehouse: next to the published version `sse.duckdb` designates
    (sse_dash.warehouse.publish), so that a refresh never pairs a new warehouse with the
    previous version's index."""
    warehouse = Path(warehouse).resolve()
    return warehouse.with_name(warehouse.name + INDEX_SUFFIX)


def _stamp(warehouse: Path) -> dict:
    st = warehouse.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def write_bundle(path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Named arrays + JSON metadata in one file (header, then 64-byte aligned raw arrays),
    written to a temporary file and renamed."""
    path = Path(path)
    layout, offset, blobs = {}, 0, []
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        offset = -(-offset // _ALIGN) * _ALIGN
        layout[name] = [arr.dtype.str, list(arr.shape), offset]
        blobs.append((offset, arr))
        offset += arr.nbytes
    header = json.dumps({"meta": meta, "arrays": layout}, ensure_ascii=False).encode()
    start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(_MAGIC + len(header).to_bytes(8, "little") + header)
        for off, arr in blobs:
            fh.seek(start + off)
            fh.write(arr.tobytes())
    os.replace(tmp, path)


def read_bundle(path) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays (read-only views on a memory map of the file) and metadata."""
    with open(path, "rb") as fh:
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if mm[: len(_MAGIC)] != _MAGIC:
        raise ValueError("not a QPV index file")
    size = int.from_bytes(mm[len(_MAGIC) : len(_MAGIC) + 8], "little")
    head = json.loads(mm[len(_MAGIC) + 8 : len(_MAGIC) + 8 + size])
    start = -(-(len(_MAGIC) + 8 + size) // _ALIGN) * _ALIGN
    arrays = {}
    for name, (dtype, shape, offset) in head["arrays"].items():
        dt = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(mm, dt, count, start + offset).reshape(shape)
    return arrays, head["meta"]


def persist(warehouse) -> Path | None:
    """Write the QPV index of a freshly built warehouse next to it (one call at the end of the
    build). Never fails the build: on any problem the index is simply absent."""
    warehouse = Path(warehouse)
    try:
        from sse_dash import db, queries

        con = db.open_warehouse(warehouse)
        try:
            arrays, meta = {}, {}
            for geography, prefix in (("2024", "q24"), ("2015", "q15")):
                index = QpvIndex.from_warehouse(con, geography)
                if geography == "2024":  # the distances asked of a check (2015: membership)
                    index.make_far_rasters()
                a, m = index.to_arrays(prefix)
                arrays.update(a)
                meta[prefix] = m
            attrs = queries.df(con, "qpvcheck_qpv")
            meta["qpv_attrs"] = [
                [str(c), None if n is None else str(n), str(g), None if d is None else str(d),
                 [str(x) for x in cs] if cs is not None else []]
                for c, n, g, d, cs in zip(
                    attrs.code, attrs.name, attrs.geography, attrs.dep_code,
                    attrs.commune_codes, strict=True,
                )
            ]  # fmt: skip
            names = queries.df(con, "qpvcheck_communes")
            meta["commune_names"] = dict(zip(names.code.astype(str), names.name, strict=True))
            meta["aliases"] = {}
            if db.table_exists(con, "commune_aliases"):
                al = queries.df(con, "qpvcheck_commune_aliases")
                meta["aliases"] = dict(zip(al.alias_code, al.commune_code, strict=True))
            geoms = queries.df(con, "qpvcheck_commune_geoms")
        finally:
            con.close()
        meta["commune_codes"] = [str(c) for c in geoms.code]
        polys = shapely.from_wkb([bytes(b) for b in geoms.wkb]) if len(geoms) else None
        if polys is not None:
            kind, coords, offsets = shapely.to_ragged_array(shapely.force_2d(polys))
            meta["commune_kind"] = int(kind)
            arrays["communes.coords"] = coords
            for i, off in enumerate(offsets):
                arrays[f"communes.offsets{i}"] = off
            arrays["communes.bounds"] = shapely.bounds(polys)
            from sse_dash import commune_raster

            exact = commune_raster.ExactCommunes(polys)
            raster, meta["commune_raster"] = commune_raster.build(polys, exact.rows)
            for grid in meta["commune_raster"]:  # its table of first runs, made now
                commune_raster.first_runs(raster, grid)
            arrays.update(raster)
            arrays.update(exact.grid.to_arrays(commune_raster.GRID_PREFIX))
        meta["stamp"] = _stamp(warehouse)
        path = index_path(warehouse)
        write_bundle(path, arrays, meta)
        return path
    except Exception as exc:  # noqa: BLE001 - the warehouse works without its index
        log.warning(
            "index QPV non écrit (%s) : les vérifications le reconstruiront", type(exc).__name__
        )
        return None


def load_persisted(warehouse) -> tuple[dict[str, np.ndarray], dict] | None:
    """The persisted bundle of this very warehouse file, or None (absent, stale, unreadable)."""
    warehouse = Path(warehouse)
    path = index_path(warehouse)
    try:
        if not path.exists():
            return None
        arrays, meta = read_bundle(path)
        if meta.get("stamp") != _stamp(warehouse):
            return None
        return arrays, meta
    except (OSError, ValueError, KeyError):
        return None


def commune_geoms(arrays: dict, meta: dict, rows: np.ndarray | None = None) -> np.ndarray:
    """Commune outlines (WGS84) of a persisted bundle: all, or those of `rows` only."""
    if "commune_kind" not in meta:
        return np.array([], dtype=object)
    offsets = []
    while f"communes.offsets{len(offsets)}" in arrays:
        offsets.append(np.asarray(arrays[f"communes.offsets{len(offsets)}"]))
    coords = arrays["communes.coords"]
    if rows is not None:  # the ragged arrays of these rows: each level selects the next
        pick = np.asarray(rows, dtype=np.int64)
        for level in range(len(offsets) - 1, -1, -1):
            starts, ends = offsets[level][pick], offsets[level][pick + 1]
            counts = ends - starts
            offsets[level] = np.concatenate([[0], np.cumsum(counts)])
            pick = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        coords = coords[pick]
    return shapely.from_ragged_array(
        shapely.GeometryType(meta["commune_kind"]), np.asarray(coords), tuple(offsets)
    )
