"""Maps for « Adresse en QPV ? », built with sse_dash.maps (local Leaflet assets, canvas
circle markers, escaped tooltips). No Streamlit here: the page shows them with ui.folium."""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd

from sse_dash import fmt, i18n, maps, queries
from sse_dash.qpvcheck.engine import SingleResult

MAX_QPV_SHAPES = 400
IN_COLOR, OUT_COLOR, NEAR_COLOR = "#D55E00", "#0072B2", "#E69F00"


def qpv_shapes(con, codes, geography: str = "2024") -> pd.DataFrame:
    """Display outlines (GeoJSON text) of the given QPV codes."""
    codes = sorted({str(c) for c in codes if c is not None and not pd.isna(c)})[:MAX_QPV_SHAPES]
    if not codes:
        return pd.DataFrame(columns=["code", "name", "geography", "geometry"])
    df = queries.df(con, "qpvcheck_qpv_shapes", {"geography": geography, "codes": codes})
    return df.rename(columns={"geojson": "geometry"})


def single_map(con, result: SingleResult | None, lang: str = "fr") -> folium.Map:
    """The checked point, its QPV (or the nearest one); France when nothing is checked yet.
    Layer names in `lang`; the hover text stays the engine's French summary."""
    if result is None:
        return maps.base_map()
    pad = 0.006 if result.distance_m < 1500 else 0.03
    bounds = [[result.lat - pad, result.lon - pad], [result.lat + pad, result.lon + pad]]
    m = maps.base_map(bounds)
    shapes = qpv_shapes(con, [result.code, result.nearest_code])
    if not shapes.empty:
        maps.qpv_layer(shapes, name=i18n.t("Quartiers prioritaires 2024", lang)).add_to(m)
    point = pd.DataFrame(
        {"lon": [result.lon], "lat": [result.lat], "tooltip": [point_tooltip(result)]}
    )
    color = IN_COLOR if result.in_qpv else (NEAR_COLOR if result.within_300 else OUT_COLOR)
    name = i18n.t("Point vérifié", lang)
    maps.points_layer(point, name=name, color=color, radius=8).add_to(m)
    return m


def point_tooltip(result: SingleResult) -> str:
    """Plain text (points_layer escapes it)."""
    where = result.geocoded.label if result.geocoded else f"{result.lon:.5f}, {result.lat:.5f}"
    return f"{where} — {result.summary_fr()}"


def batch_tooltips(df: pd.DataFrame, cols: dict[str, str]) -> np.ndarray:
    """One plain-text tooltip per result row (escaped later by points_layer)."""
    label = df[cols["libelle_geocode"]].astype(object)
    lon = df[cols["lon"]].to_numpy(dtype="float64")
    lat = df[cols["lat"]].to_numpy(dtype="float64")
    coords = np.char.add(
        np.char.add(np.round(lon, 5).astype(str), ", "), np.round(lat, 5).astype(str)
    )
    where = np.where(label.isna().to_numpy(), coords, label.to_numpy(dtype=object))
    inside = (df[cols["en_qpv_2024"]] == "oui").to_numpy()
    code = df[cols["code_qpv"]].astype(object).fillna("").to_numpy()
    name = df[cols["nom_qpv"]].astype(object).fillna("").to_numpy()
    nearest = df[cols["qpv_le_plus_proche"]].astype(object).fillna("").to_numpy()
    dist = [fmt.distance(d) for d in df[cols["distance_m"]].astype("float64")]
    out = [
        f"{w} — dans le QPV {n} ({c})" if i else f"{w} — hors QPV, {d} de {p}"
        for w, i, c, n, p, d in zip(where, inside, code, name, nearest, dist, strict=True)
    ]
    return np.asarray(out, dtype=object)


def layer_frame(df: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    """lon, lat, tooltip, en_qpv: what the Écosystème map takes as an extra point layer."""
    located = df[cols["lon"]].notna() & df[cols["lat"]].notna()
    sub = df.loc[located]
    return pd.DataFrame(
        {
            "lon": sub[cols["lon"]].to_numpy(dtype="float64"),
            "lat": sub[cols["lat"]].to_numpy(dtype="float64"),
            "tooltip": batch_tooltips(sub, cols),
            "en_qpv": sub[cols["en_qpv_2024"]].to_numpy(dtype=object),
        }
    )


def batch_map(
    con, df: pd.DataFrame, cols: dict[str, str], max_points: int = 60_000, lang: str = "fr"
):
    """(map, points drawn, points located): coloured by in/out of QPV, with the QPV found.
    Layer names in `lang`; hover texts stay French (they are the file's result columns)."""
    frame = layer_frame(df, cols)
    m = maps.base_map(maps.bounds_of(frame.lat, frame.lon))
    codes = set(df[cols["code_qpv"]].dropna()) | set(df[cols["qpv_le_plus_proche"]].dropna())
    shapes = qpv_shapes(con, codes)
    if not shapes.empty:
        maps.qpv_layer(shapes, name=i18n.t("Quartiers prioritaires 2024", lang)).add_to(m)
    maps.points_layer(
        frame,
        name=i18n.t("Adresses vérifiées", lang),
        category="en_qpv",
        categories=["oui", "non"],
        colors=[IN_COLOR, OUT_COLOR],
        max_points=max_points,
    ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m, min(len(frame), max_points), len(frame)
