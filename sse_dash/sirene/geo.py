"""Coordinate systems of SIRENE: Lambert-93 (EPSG:2154) in metropolitan France, local UTM
overseas (the geolocation file says which in its `epsg` column; the stock's
`coordonneeLambert…` columns use the same system but do not say it, so it is inferred from the
département)."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

from sse_dash import style

# département -> EPSG of SIRENE's metric coordinates (the zones of sse_dash.style)
OVERSEAS_EPSG = style.OVERSEAS_EPSG
LAMBERT93 = style.METROPOLE.epsg

_TO: dict[tuple[int, int], Transformer] = {}


def _transformer(src: int, dst: int) -> Transformer:
    key = (src, dst)
    if key not in _TO:
        _TO[key] = Transformer.from_crs(src, dst, always_xy=True)
    return _TO[key]


def epsg_for_departement(dep: str | None) -> int | None:
    if dep is None:
        return None
    if dep in OVERSEAS_EPSG:
        return OVERSEAS_EPSG[dep]
    if dep.startswith("98"):  # Polynésie, Nouvelle-Calédonie…: not in SIRENE's coordinates
        return None
    return LAMBERT93


def to_wgs84(epsg: int, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Metric x/y in `epsg` -> lon/lat (always x = lon)."""
    lon, lat = _transformer(int(epsg), 4326).transform(
        np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    )
    return np.asarray(lon), np.asarray(lat)


def from_wgs84(epsg: int, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = _transformer(4326, int(epsg)).transform(
        np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    )
    return np.asarray(x), np.asarray(y)
