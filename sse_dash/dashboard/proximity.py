"""Proximity questions of the Écosystème and QPV pages, in metres.

Points and polygons are projected to the metric CRS of their zone (Lambert-93 in metropolitan
France, local UTM overseas: sse_dash.qpv_index.ZONES); objects of different zones are never
compared. Distances to a QPV are to its membership contour (0 inside)."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import shapely

from sse_dash import i18n, qpv_index, queries
from sse_dash import params as url
from sse_dash.dashboard import points as poi
from sse_dash.dashboard.territory import Territory

MAX_RADIUS_M = 5_000
QUESTIONS = {
    "tl_near_qpv": "Tiers-lieux à moins de N m d'un QPV",
    "qpv_without_sse": "QPV sans établissement ESS à moins de N m",
    "sse_near_ptce": "Établissements ESS d'un secteur à moins de N m d'un PTCE",
}


def questions(lang: str = "fr") -> dict[str, str]:
    """Code -> proximity question in `lang`."""
    return {code: i18n.t(text, lang) for code, text in QUESTIONS.items()}


def clamp_radius(value) -> int:
    """Radius in metres between 50 and MAX_RADIUS_M (default 500 for anything unreadable)."""
    try:
        return url.integer(value, 50, MAX_RADIUS_M)
    except url.Invalid:
        return 500


def _zones(lon, lat) -> np.ndarray:
    return qpv_index.zone_of(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))


def _metric_points(zone: int, lon, lat) -> np.ndarray:
    x, y = qpv_index.to_metric(qpv_index.ZONES[zone][1], np.asarray(lon), np.asarray(lat))
    return np.column_stack([x, y])


def _metric_geoms(zone: int, geoms: np.ndarray) -> np.ndarray:
    epsg = qpv_index.ZONES[zone][1]
    return shapely.transform(
        geoms,
        lambda xy: np.column_stack(qpv_index.to_metric(epsg, xy[:, 0], xy[:, 1])),
    )


def qpv_geoms(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
    """QPV 2024 of the territory with shapely geometries (lon/lat) and their zone."""
    frame = queries.df(con, "ui_qpv_geoms", {"level": territory.level, "code": territory.code})
    geoms = shapely.from_wkb([bytes(b) for b in frame["wkb"]]) if len(frame) else np.array([])
    frame = frame.drop(columns=["wkb"])
    frame["geom"] = list(geoms)
    reps = shapely.point_on_surface(np.asarray(geoms)) if len(frame) else np.array([])
    frame["zone"] = _zones(shapely.get_x(reps), shapely.get_y(reps)) if len(frame) else []
    return frame


def _box(geoms, radius_m: float, lat_hint: float = 46.0) -> dict:
    """lon/lat box around geometries, widened by `radius_m` (degrees at that latitude)."""
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms))
    dlat = radius_m / 111_000 + 0.001
    dlon = radius_m / (111_000 * max(0.2, math.cos(math.radians(lat_hint)))) + 0.001
    return {"lon_min": x0 - dlon, "lon_max": x1 + dlon, "lat_min": y0 - dlat, "lat_max": y1 + dlat}


CELL_DEG = 0.01  # grid of the proximity prefilter (~1.1 km x 0.75 km in metropolitan France)


def _cells_around(geoms, radius_m: float) -> list[int]:
    """Keys of the CELL_DEG grid cells meeting each geometry's box widened by `radius_m`:
    a superset of where points within `radius_m` of a geometry can be."""
    bounds = shapely.bounds(np.asarray(geoms))
    lat_mid = (bounds[:, 1] + bounds[:, 3]) / 2
    dlat = radius_m / 111_000 + 0.001
    dlon = radius_m / (111_000 * np.maximum(0.2, np.cos(np.radians(lat_mid)))) + 0.001
    x0 = np.floor((bounds[:, 0] - dlon) / CELL_DEG).astype("int64")
    x1 = np.floor((bounds[:, 2] + dlon) / CELL_DEG).astype("int64")
    y0 = np.floor((bounds[:, 1] - dlat) / CELL_DEG).astype("int64")
    y1 = np.floor((bounds[:, 3] + dlat) / CELL_DEG).astype("int64")
    keys: set[int] = set()
    for a, b, c, d in zip(x0.tolist(), x1.tolist(), y0.tolist(), y1.tolist(), strict=True):
        xs = np.arange(a, b + 1, dtype="int64")[:, None] * 100_000
        keys.update((xs + np.arange(c, d + 1, dtype="int64")[None, :]).ravel().tolist())
    return sorted(keys)


def third_places_near_qpv(
    con: duckdb.DuckDBPyConnection, territory: Territory, radius: float
) -> pd.DataFrame:
    """Third places of the territory within `radius` m of a QPV 2024 (of the territory or
    not), with the distance and the QPV (computed at build time with sse_dash.qpv_index)."""
    return queries.df(
        con,
        "ui_third_places_near_qpv",
        {"level": territory.level, "code": territory.code, "radius": float(radius)},
    )


def third_places_uncertain(con: duckdb.DuckDBPyConnection, territory: Territory) -> int:
    """Third places of the territory located too coarsely to measure a distance to a QPV
    (commune centre or less): left out of the answers, and counted."""
    found = queries.rows(
        con, "ui_third_places_uncertain", {"level": territory.level, "code": territory.code}
    )
    return int(found[0][0]) if found else 0


def sse_around_qpv(
    con: duckdb.DuckDBPyConnection, territory: Territory, radius: float
) -> pd.DataFrame:
    """Each QPV 2024 of the territory with the number of SSE establishments within `radius` m
    of its contour (inside included; establishments across the territory border count)."""
    qpv = qpv_geoms(con, territory)
    out = qpv[["code", "name", "commune_code"]].copy()
    out["sse_within"] = 0
    if qpv.empty:
        return out
    box = _box(
        qpv["geom"].tolist(),
        radius,
        float(np.nanmean(shapely.get_y(shapely.centroid(np.asarray(qpv["geom"].tolist()))))),
    )
    cells = _cells_around(qpv["geom"].tolist(), radius)
    ets = queries.df(con, "ui_sse_xy_in_cells", {**box, "cell": CELL_DEG, "cells": cells})
    if ets.empty:
        return out
    zones = _zones(ets["lon"], ets["lat"])
    counts = np.zeros(len(qpv), dtype="int64")
    for z in np.unique(qpv["zone"]):
        if z < 0:
            continue
        q_sel = np.flatnonzero(qpv["zone"].to_numpy() == z)
        e_sel = np.flatnonzero(zones == z)
        if e_sel.size == 0:
            continue
        polys = _metric_geoms(int(z), np.asarray(qpv["geom"].iloc[q_sel].tolist(), dtype=object))
        pts = shapely.points(
            _metric_points(int(z), ets["lon"].to_numpy()[e_sel], ets["lat"].to_numpy()[e_sel])
        )
        tree = shapely.STRtree(pts)
        q_i, _ = tree.query(polys, predicate="dwithin", distance=float(radius))
        counts[q_sel] += np.bincount(q_i, minlength=len(q_sel))
    out["sse_within"] = counts
    return out


def sse_near_ptce(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    radius: float,
    sector: str | None = None,
) -> pd.DataFrame:
    """SSE establishments (of NAF section `sector` if given) within `radius` m of a PTCE of
    the territory, with the nearest PTCE. PTCE locations are often approximate (commune)."""
    ptce = poi.ptce(con, territory)
    columns = ["siret", "name", "family", "naf", "commune_code", "lon", "lat", "ptce", "distance_m"]
    if ptce.empty:
        return pd.DataFrame(columns=columns)
    located = shapely.points(ptce["lon"], ptce["lat"])
    box = _box(located, radius, float(ptce["lat"].mean()))
    cells = _cells_around(located, radius)
    ets = queries.df(
        con, "ui_sse_in_cells", {**box, "sector": sector, "cell": CELL_DEG, "cells": cells}
    )
    if ets.empty:
        return pd.DataFrame(columns=columns)
    p_zone = _zones(ptce["lon"], ptce["lat"])
    e_zone = _zones(ets["lon"], ets["lat"])
    dist = np.full(len(ets), np.nan)
    nearest = np.full(len(ets), None, dtype=object)
    for z in np.unique(p_zone):
        if z < 0:
            continue
        p_sel = np.flatnonzero(p_zone == z)
        e_sel = np.flatnonzero(e_zone == z)
        if e_sel.size == 0:
            continue
        tree = qpv_index.kdtree(
            _metric_points(int(z), ptce["lon"].to_numpy()[p_sel], ptce["lat"].to_numpy()[p_sel]),
            leafsize=16,
        )
        d, i = tree.query(
            np.ascontiguousarray(
                _metric_points(int(z), ets["lon"].to_numpy()[e_sel], ets["lat"].to_numpy()[e_sel])
            )
        )
        dist[e_sel] = d
        nearest[e_sel] = ptce["name"].to_numpy()[p_sel][i]
    ets = ets.assign(ptce=nearest, distance_m=dist)
    hit = ets[ets["distance_m"] <= radius].sort_values("distance_m")
    return hit[columns].reset_index(drop=True)


def near_one_qpv(con: duckdb.DuckDBPyConnection, wkb: bytes | None, radius: float) -> pd.DataFrame:
    """Third places within `radius` m of one QPV contour (WKB), with the distance."""
    if not wkb:
        return pd.DataFrame(columns=["name", "kind", "distance_m", "lon", "lat"])
    geom = shapely.from_wkb(wkb)
    box = _box([geom], radius, float(shapely.centroid(geom).y))
    places = queries.df(con, "ui_third_places_in_box", box)
    if places.empty:
        return places.assign(distance_m=[])
    zone = _zones([shapely.point_on_surface(geom).x], [shapely.point_on_surface(geom).y])[0]
    if zone < 0:
        return places.iloc[0:0].assign(distance_m=[])
    poly = _metric_geoms(int(zone), np.asarray([geom], dtype=object))[0]
    pts = shapely.points(_metric_points(int(zone), places["lon"], places["lat"]))
    places["distance_m"] = shapely.distance(pts, poly)
    return places[places["distance_m"] <= radius].sort_values("distance_m").reset_index(drop=True)


def third_places_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Tiers-lieu"): frame["name"],
            "Type": poi.kind_labels(frame["kind"], lang),
            t("Commune"): frame["commune_code"],
            t("QPV le plus proche"): [
                f"{n} ({c})" if c else "–"
                for n, c in zip(frame["qpv_name"], frame["qpv"], strict=True)
            ],
            t("Distance (m)"): frame["distance_m"].round(0),
            t("Localisation"): [
                t("approximative (commune)") if p == "commune" else t("adresse")
                for p in frame["location_precision"]
            ],
        }
    )


def qpv_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    count = t("Établissements ESS à la distance choisie")
    return pd.DataFrame(
        {
            t("Code QPV"): frame["code"],
            t("Nom"): frame["name"],
            t("Commune"): frame["commune_code"],
            count: frame["sse_within"],
        }
    ).sort_values(count)


def ptce_table(
    frame: pd.DataFrame, family_labels: dict[str, str], lang: str = "fr"
) -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            "SIRET": frame["siret"],
            t("Nom"): frame["name"].fillna(t("(non diffusible)")),
            t("Famille"): [family_labels.get(f, f) for f in frame["family"]],
            "NAF": frame["naf"],
            t("Commune"): frame["commune_code"],
            t("PTCE le plus proche"): frame["ptce"],
            t("Distance (m)"): pd.to_numeric(frame["distance_m"]).round(0),
        }
    )
