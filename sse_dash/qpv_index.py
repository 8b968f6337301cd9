"""QPV membership and distance engine, shared by the SIRENE pipeline and « Adresse en QPV ? ».

Point-in-polygon on the membership geometry (never simplified, never by commune code) with a
shapely STRtree: bounding-box candidates, then prepared `contains_xy`; a point on the contour is
inside (BOUNDARY_TOLERANCE_M). Distances are in metres,
computed in a metric CRS chosen per zone (Lambert-93 for metropolitan France, local UTM overseas)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

# A point on a QPV's boundary is inside it (the contour belongs to the neighbourhood). "On" is
# within BOUNDARY_TOLERANCE_M of the contour, so that a vertex and an edge midpoint get the same
# answer whatever the rounding: the contours are published in WGS84 and tested in a metric CRS,
# where an edge drawn straight in degrees bows by up to L²/8R (1.5 cm for a 700 m edge). 5 cm is
# far below the precision of any address or of coordinates given with 6 decimals (~10 cm).
BOUNDARY_TOLERANCE_M = 0.05

# Distances: a KD-tree over the QPV boundaries densified every FAR_SPACING_M metres answers every
# point (error at most FAR_SPACING_M / 2); points found closer than EXACT_RADIUS_M are then
# refined with the exact polygon distance, so the 300 m flag and short distances are exact.
EXACT_RADIUS_M = 500.0
FAR_SPACING_M = 50.0

# (name, EPSG, lon_min, lon_max, lat_min, lat_max): metric CRS per territory.
ZONES: tuple[tuple[str, int, float, float, float, float], ...] = (
    ("metropole", 2154, -5.8, 10.0, 41.0, 51.6),
    ("antilles", 5490, -63.5, -60.5, 14.0, 18.5),  # 971, 972, 977, 978 (RGAF09 / UTM 20N)
    ("guyane", 2972, -55.0, -51.0, 1.5, 6.5),  # RGFG95 / UTM 22N
    ("reunion", 2975, 54.9, 56.0, -21.6, -20.7),  # RGR92 / UTM 40S
    ("mayotte", 4471, 44.8, 45.5, -13.2, -12.4),  # RGM04 / UTM 38S
    ("saint_pierre", 4467, -56.7, -55.9, 46.6, 47.3),  # RGSPM06 / UTM 21N
    ("polynesie", 3297, -155.0, -134.0, -28.5, -7.0),  # RGPF / UTM 6S
    # French territories without priority neighbourhoods (the politique de la ville does not
    # apply there): located as France, answered « non, aucun QPV », never « hors France ».
    ("nouvelle_caledonie", 3163, 158.0, 172.5, -23.5, -17.5),  # RGNC91-93 / Lambert NC
    ("wallis_futuna", 8903, -178.5, -175.5, -14.6, -12.9),  # RGWF96 / UTM 1S
)


def zone_of(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index into ZONES for each point, -1 outside every French zone (or missing)."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    out = np.full(lon.shape, -1, dtype=np.int8)
    for i, (_, _, x0, x1, y0, y1) in enumerate(ZONES):
        hit = (out == -1) & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        out[hit] = i
    return out


# The answers, one rule for the address check (single and batch) and the warehouse: a location
# known to within `radius_m` (0 = exact coordinates) is « oui » / « non » only when the whole
# disc of that radius lies on one side of every QPV contour; otherwise « incertain ». The same
# for « à moins de 300 m ». On the contour itself counts as inside (BOUNDARY_TOLERANCE_M).
YES, NO, UNCERTAIN = "oui", "non", "incertain"
NEAR_M = 300.0


def answers(found: Assignment, radius_m) -> tuple[np.ndarray, np.ndarray]:
    """(QPV answer, within-NEAR_M answer) per point: YES / NO / UNCERTAIN, None where the point
    has no location (NaN coordinates or radius). `radius_m`: how far the true location may lie
    from the point (0 exact, inf unknown). Inside points with a radius need `edge_for`."""
    n = found.distance_m.size
    radius = np.broadcast_to(np.asarray(radius_m, dtype="float64"), (n,))
    located = (found.zone >= 0) & ~np.isnan(radius)
    inside = found.inside != None  # noqa: E711
    exact = radius == 0
    edge = found.boundary_m()  # own contour (inside) / nearest QPV, lower bound (outside)
    no_qpv = ~inside & np.isnan(found.distance_m)  # no QPV at all in this territory
    with np.errstate(invalid="ignore"):
        sure = exact | no_qpv | (edge > radius)
        member = np.where(inside, YES, NO).astype(object)
        member[~sure] = UNCERTAIN
        # bounds of the true distance to the nearest QPV
        low = np.where(inside, 0.0, np.maximum(edge - radius, 0.0))
        high = np.where(inside, radius, found.distance_m + radius)
        near = np.full(n, UNCERTAIN, dtype=object)
        near[(inside & sure) | (high <= NEAR_M)] = YES
        near[~(inside & sure) & ((low > NEAR_M) | no_qpv)] = NO
    member[~located] = None
    near[~located] = None
    return member, near


_TRANSFORMERS: dict[int, Transformer] = {}


def to_metric(epsg: int, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tr = _TRANSFORMERS.get(epsg)
    if tr is None:
        tr = _TRANSFORMERS[epsg] = Transformer.from_crs(4326, epsg, always_xy=True)
    return tr.transform(lon, lat)


@dataclass
class _ZoneIndex:
    tree: shapely.STRtree
    geoms: np.ndarray  # metric polygons, prepared
    rows: np.ndarray  # index into QpvIndex.codes
    kd: cKDTree  # densified boundary vertices, for far points
    kd_owner: np.ndarray  # vertex -> index into geoms
    _contours: np.ndarray | None = None

    @classmethod
    def build(cls, metric: np.ndarray, rows: np.ndarray) -> _ZoneIndex:
        shapely.prepare(metric)
        dense = shapely.segmentize(shapely.boundary(metric), FAR_SPACING_M)
        counts = shapely.get_num_coordinates(dense)
        coords = shapely.get_coordinates(dense)
        owner = np.repeat(np.arange(len(metric)), counts)
        return cls(shapely.STRtree(metric), metric, rows, cKDTree(coords, leafsize=64), owner)

    def contours(self, which: np.ndarray) -> np.ndarray:
        """Boundaries of the given polygons (computed once, on first use)."""
        if self._contours is None:
            self._contours = shapely.boundary(self.geoms)
        return self._contours[which]

    def exact_nearest(self, x, y, pts, vertex) -> tuple[np.ndarray, np.ndarray]:
        """Exact nearest polygon: the exact distance to the KD-tree's candidate bounds the
        search, so only polygons whose box lies within it are measured (vectorised)."""
        own = self.kd_owner[vertex]
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


@dataclass
class Assignment:
    """Per-point results; `inside` is None where the point is in no QPV."""

    zone: np.ndarray  # int8, -1 = outside France / no coordinates
    inside: np.ndarray  # object: QPV code or None
    nearest: np.ndarray  # object: nearest QPV code (== inside when inside)
    distance_m: np.ndarray  # float64, 0 inside, NaN when no QPV in the zone / no coordinates
    # distance from an inside point to its QPV's contour (only where asked: `edge_for`), NaN else
    edge_m: np.ndarray | None = None
    # True where distance_m comes from the densified-boundary KD-tree alone (far points): it may
    # exceed the true distance by up to FAR_SPACING_M / 2
    approx: np.ndarray | None = None

    def boundary_m(self) -> np.ndarray:
        """Distance to the nearest QPV contour: to its own for an inside point (NaN where not
        computed), to the nearest QPV for an outside one (a lower bound where approximate)."""
        edge = self.edge_m if self.edge_m is not None else np.full(self.distance_m.shape, np.nan)
        low = self.distance_m - np.where(self.approx, FAR_SPACING_M / 2, 0.0)
        return np.where(self.inside != None, edge, low)  # noqa: E711


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

    def assign(self, lon, lat, *, with_distance: bool = True, edge_for=None) -> Assignment:
        """QPV of each WGS84 point, nearest QPV and distance; `edge_for` (bool mask) asks for
        the distance from inside points to their QPV's contour (Assignment.edge_m)."""
        lon = np.asarray(lon, dtype="float64").ravel()
        lat = np.asarray(lat, dtype="float64").ravel()
        n = lon.size
        zone = zone_of(lon, lat)
        inside = np.full(n, None, dtype=object)
        nearest = np.full(n, None, dtype=object)
        dist = np.full(n, np.nan)
        edge_m = np.full(n, np.nan)
        approx = np.zeros(n, dtype=bool)
        want_edge = None if edge_for is None else np.asarray(edge_for, dtype=bool).ravel()
        for z, zi in self._zones.items():
            idx = np.flatnonzero(zone == z)
            if idx.size == 0:
                continue
            x, y = to_metric(ZONES[z][1], lon[idx], lat[idx])
            pts = shapely.points(x, y)
            p_i, t_i = zi.tree.query(pts)
            if p_i.size:
                hit = shapely.contains_xy(zi.geoms[t_i], x[p_i], y[p_i])
                edge = np.flatnonzero(~hit)
                if edge.size:  # on the contour (within the tolerance) counts as inside
                    hit[edge] = shapely.dwithin(
                        zi.geoms[t_i[edge]], pts[p_i[edge]], BOUNDARY_TOLERANCE_M
                    )
                p_hit, t_hit = p_i[hit], t_i[hit]
                # a point in two overlapping QPV takes the first code (sorted), deterministic
                order = np.lexsort((zi.rows[t_hit], p_hit))[::-1]
                codes_hit = self.codes[zi.rows[t_hit[order]]]
                inside[idx[p_hit[order]]] = codes_hit
                if want_edge is not None:
                    # last write wins above: the kept polygon of each point is order's last
                    keep = np.zeros(idx.size, dtype=np.int64) - 1
                    keep[p_hit[order]] = t_hit[order]
                    ask = np.flatnonzero((keep >= 0) & want_edge[idx])
                    if ask.size:
                        edge_m[idx[ask]] = shapely.distance(pts[ask], zi.contours(keep[ask]))
            if with_distance:
                in_mask = inside[idx] != None  # noqa: E711 (element-wise on an object array)
                nearest[idx[in_mask]] = inside[idx[in_mask]]
                dist[idx[in_mask]] = 0.0
                out = np.flatnonzero(~in_mask)
                if out.size:
                    d, v = zi.kd.query(np.column_stack([x[out], y[out]]), workers=-1)
                    nearest[idx[out]] = self.codes[zi.rows[zi.kd_owner[v]]]
                    dist[idx[out]] = d
                    # the nearest vertex is at most FAR_SPACING_M / 2 farther than the boundary:
                    # every point possibly within EXACT_RADIUS_M gets the exact distance
                    near = d <= EXACT_RADIUS_M + FAR_SPACING_M / 2
                    approx[idx[out[~near]]] = True
                    close = out[near]
                    if close.size:
                        j, dj = zi.exact_nearest(x[close], y[close], pts[close], v[near])
                        nearest[idx[close]] = self.codes[zi.rows[j]]
                        dist[idx[close]] = dj
        return Assignment(
            zone=zone,
            inside=inside,
            nearest=nearest,
            distance_m=dist,
            edge_m=edge_m if want_edge is not None else None,
            approx=approx,
        )

    def name_of(self, code: str | None) -> str | None:
        if code is None:
            return None
        hit = np.flatnonzero(self.codes == code)
        return self.names[hit[0]] if hit.size else None
