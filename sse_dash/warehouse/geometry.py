"""Geometry preparation: repair, label points, metric areas, display simplification and the
reconciliation of 2018 commune contours with the current COG.

Membership geometries (QPV `geom`) are repaired but never simplified: a point-in-QPV answer must
not depend on how a map was drawn. Simplification only produces `geom_display`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from sse_dash.qpv_index import ZONES, to_metric, zone_of

# ~5 m at French latitudes: invisible at neighbourhood zoom, halves vertex counts.
DISPLAY_TOLERANCE_DEG = 0.00005


@dataclass
class Issue:
    dataset_id: str
    kind: str
    code: str | None
    detail: str


def polygonal(geom):
    """Keep only the (multi)polygon part of a geometry; None when nothing polygonal is left."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [
        p
        for p in shapely.get_parts(geom)
        if isinstance(p, Polygon | MultiPolygon) and not p.is_empty
    ]
    polys = []
    for p in parts:
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def repair(geoms, codes, dataset_id: str, issues: list[Issue]) -> tuple[np.ndarray, np.ndarray]:
    """Make every polygon valid (polygonal parts kept). Returns (geoms, status) with status
    `ok`, `repaired` or `empty`; each repair and each empty geometry is recorded in `issues`."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.empty(len(geoms), dtype=object)
    status = np.empty(len(geoms), dtype=object)
    for i, (g, code) in enumerate(zip(geoms, codes, strict=True)):
        if g is None or (isinstance(g, float) and np.isnan(g)) or g.is_empty:
            out[i], status[i] = None, "empty"
            issues.append(Issue(dataset_id, "geometry_empty", code, "géométrie absente ou vide"))
            continue
        if shapely.is_valid(g):
            fixed = polygonal(g)
            state = "ok"
        else:
            reason = shapely.is_valid_reason(g)
            fixed = polygonal(shapely.make_valid(g))
            state = "repaired"
            issues.append(
                Issue(dataset_id, "geometry_repaired", code, f"géométrie réparée ({reason})")
            )
        if fixed is None or fixed.area == 0:
            out[i], status[i] = None, "empty"
            issues.append(
                Issue(dataset_id, "geometry_empty", code, "aucune surface après réparation")
            )
        else:
            out[i], status[i] = fixed, state
    return out, status


def label_points(geoms) -> tuple[np.ndarray, np.ndarray]:
    """A point inside each polygon (point_on_surface), NaN for missing geometries."""
    geoms = np.asarray(geoms, dtype=object)
    ok = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    lon = np.full(len(geoms), np.nan)
    lat = np.full(len(geoms), np.nan)
    if ok.any():
        pts = shapely.point_on_surface(geoms[ok])
        lon[ok] = shapely.get_x(pts)
        lat[ok] = shapely.get_y(pts)
    return lon, lat


def centroids(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Centroid of each polygon, or a point on its surface when the centroid falls outside."""
    geoms = np.asarray(geoms, dtype=object)
    ok = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    lon = np.full(len(geoms), np.nan)
    lat = np.full(len(geoms), np.nan)
    if ok.any():
        g = geoms[ok]
        c = shapely.centroid(g)
        inside = shapely.contains(g, c)
        c = np.where(inside, c, shapely.point_on_surface(g))
        lon[ok] = shapely.get_x(c)
        lat[ok] = shapely.get_y(c)
    return lon, lat


def metric_areas(geoms, lon, lat) -> np.ndarray:
    """Areas in m², computed in the metric CRS of each polygon's zone (Lambert-93 or UTM)."""
    geoms = np.asarray(geoms, dtype=object)
    zones = zone_of(lon, lat)
    areas = np.full(len(geoms), np.nan)
    for z in np.unique(zones[zones >= 0]):
        idx = np.flatnonzero(zones == z)
        epsg = ZONES[z][1]
        metric = shapely.transform(
            geoms[idx], lambda xy, e=epsg: np.column_stack(to_metric(e, xy[:, 0], xy[:, 1]))
        )
        areas[idx] = shapely.area(metric)
    return areas


def simplify_display(geoms, tolerance: float = DISPLAY_TOLERANCE_DEG) -> np.ndarray:
    """Lighter copies for maps; falls back to the original if simplification empties it."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            out[i] = None
            continue
        s = polygonal(shapely.make_valid(shapely.simplify(g, tolerance, preserve_topology=True)))
        out[i] = s if s is not None else g
    return out


def to_wkb(geoms) -> list[bytes | None]:
    return [None if g is None or g.is_empty else shapely.to_wkb(g) for g in geoms]


# ------------------------------------------------------------------ communes
def commune_aliases(cog: pd.DataFrame) -> pd.DataFrame:
    """alias_code -> commune_code for every code a source may carry.

    `cog` has canonical columns code, type, former_codes, parent_code, city_code."""
    current = set(cog.loc[cog["type"] == "commune-actuelle", "code"])
    rows: dict[str, tuple[str, str]] = {c: (c, "self") for c in current}

    def add(alias, target, kind):
        if alias and target in current and alias not in rows:
            rows[alias] = (target, kind)

    for rec in cog.itertuples(index=False):
        if rec.type == "commune-actuelle" and rec.former_codes:
            for old in rec.former_codes:
                add(old, rec.code, "ancien_code")
        elif rec.type == "commune-deleguee":
            add(rec.code, rec.parent_code, "deleguee")
        elif rec.type == "commune-associee":
            add(rec.code, rec.parent_code, "associee")
        elif rec.type == "arrondissement-municipal":
            add(rec.code, rec.city_code, "arrondissement")
    return pd.DataFrame(
        [(a, t, k) for a, (t, k) in sorted(rows.items())],
        columns=["alias_code", "commune_code", "kind"],
    )


def reconcile_communes(
    codes_2018, geoms_2018, aliases: pd.DataFrame, current_codes, dataset_id: str, issues
) -> dict[str, object]:
    """Map 2018 contours onto current communes (merged communes dissolved into their new
    commune). Every unmatched 2018 code and every current commune left without a contour is
    recorded as `commune_unmatched`; every 2018 code folded into another as `commune_reconciled`."""
    target_of = dict(zip(aliases["alias_code"], aliases["commune_code"], strict=True))
    groups: dict[str, list] = {}
    for code, geom in zip(codes_2018, geoms_2018, strict=True):
        target = target_of.get(code)
        if target is None:
            issues.append(
                Issue(dataset_id, "commune_unmatched", code, "code 2018 sans commune du COG actuel")
            )
            continue
        if geom is None or geom.is_empty:
            issues.append(Issue(dataset_id, "geometry_empty", code, "contour 2018 vide"))
            continue
        if target != code:
            issues.append(
                Issue(dataset_id, "commune_reconciled", code, f"contour 2018 rattaché à {target}")
            )
        groups.setdefault(target, []).append(geom)
    result: dict[str, object] = {}
    for target, parts in groups.items():
        if len(parts) == 1:
            result[target] = parts[0]
        else:
            merged = polygonal(shapely.make_valid(shapely.union_all(parts)))
            result[target] = merged if merged is not None else parts[0]
    for code in sorted(set(current_codes) - set(result)):
        issues.append(
            Issue(dataset_id, "commune_unmatched", code, "commune du COG actuel sans contour")
        )
    return result
