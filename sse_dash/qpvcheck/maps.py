"""Maps for « Adresse en QPV ? », built with sse_dash.maps (local Leaflet assets, canvas
circle markers, escaped tooltips). No Streamlit here: the page shows them with ui.folium."""

from __future__ import annotations

import json

import duckdb
import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from sse_dash import fmt, i18n, maps, queries
from sse_dash.qpvcheck.engine import SingleResult

MAX_QPV_SHAPES = 400
IN_COLOR, OUT_COLOR, NEAR_COLOR = "#D55E00", "#0072B2", "#E69F00"
UNCERTAIN_COLOR = "#CC79A7"  # Okabe-Ito reddish purple: apart from in / out / near
ANSWERS = ("oui", "non", "incertain")
ANSWER_COLORS = (IN_COLOR, OUT_COLOR, UNCERTAIN_COLOR)
ANSWER_LABELS = {"oui": "Dans un QPV", "non": "Hors QPV", "incertain": "Incertain"}


class RefitOnResize(MacroElement):
    """Fit the map to `bounds` again whenever its container changes size: a map laid out while
    its tab or iframe still had no width would otherwise stay at world zoom."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds_json }};
            var last = 0;
            new ResizeObserver(function () {
                var w = map.getContainer().clientWidth;
                if (w > 0 && w !== last) {
                    last = w;
                    map.invalidateSize();
                    map.fitBounds(bounds);
                }
            }).observe(map.getContainer());
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds):
        super().__init__()
        self._name = "RefitOnResize"
        self.bounds_json = json.dumps(bounds)


def qpv_shapes(con, codes, geography: str = "2024") -> pd.DataFrame:
    """Display outlines (GeoJSON text) of the given QPV codes."""
    codes = sorted({str(c) for c in codes if c is not None and not pd.isna(c)})[:MAX_QPV_SHAPES]
    if not codes:
        return pd.DataFrame(columns=["code", "name", "geography", "geometry"])
    df = queries.df(con, "qpvcheck_qpv_shapes", {"geography": geography, "codes": codes})
    return df.rename(columns={"geojson": "geometry"})


def answer_legend(lang: str = "fr", near: bool = False) -> maps.Legend:
    items = [(IN_COLOR, ANSWER_LABELS["oui"])]
    if near:
        items.append((NEAR_COLOR, "Hors QPV, à moins de 300 m"))
    items += [(OUT_COLOR, ANSWER_LABELS["non"]), (UNCERTAIN_COLOR, ANSWER_LABELS["incertain"])]
    return maps.legend(i18n.t("Réponse", lang), [(c, i18n.t(label, lang)) for c, label in items])


def single_map(con, result: SingleResult | None, lang: str = "fr") -> folium.Map:
    """The checked point, its QPV (or the nearest one), and the disc where the address may lie
    when its location is approximate; France when nothing is checked yet. Texts in `lang`."""
    if result is None:  # metropolitan France, with the régions' limits (no tiles needed)
        m = maps.base_map(maps.FRANCE_BOUNDS)
        RefitOnResize(maps.FRANCE_BOUNDS).add_to(m)
        try:
            regions = queries.df(con, "ui_geom_regions", {"reg": None})
        except duckdb.Error:  # an older warehouse: the plain map
            return m
        if not regions.empty:
            maps.boundaries_layer(
                regions["geometry"].tolist(),
                name=i18n.t("Limites des régions", lang),
                color=maps.OUTLINE_COLOUR,
            ).add_to(m)
        return m
    reach = result.precision_m if np.isfinite(result.precision_m) else 0.0
    pad = 0.006 if max(result.distance_m, reach) < 1500 else 0.03
    bounds = [[result.lat - pad, result.lon - pad], [result.lat + pad, result.lon + pad]]
    m = maps.base_map(bounds)
    RefitOnResize(bounds).add_to(m)
    shapes = qpv_shapes(con, [result.code, result.nearest_code])
    if not shapes.empty:
        maps.qpv_layer(shapes, name=i18n.t("Quartiers prioritaires 2024", lang)).add_to(m)
    if 0 < reach < 50_000:
        folium.Circle(
            location=[result.lat, result.lon],
            radius=reach,
            color=UNCERTAIN_COLOR,
            weight=2,
            dash_array="6 4",
            fill=True,
            fill_opacity=0.08,
            tooltip=i18n.tf(
                "Précision de la localisation : {radius} ({level})",
                lang,
                radius=fmt.distance(reach, lang),
                level=i18n.t(result.precision_label, lang),
            ),
        ).add_to(m)
    point = pd.DataFrame(
        {"lon": [result.lon], "lat": [result.lat], "tooltip": [point_tooltip(result, lang)]}
    )
    if result.uncertain:
        color = UNCERTAIN_COLOR
    elif result.in_qpv:
        color = IN_COLOR
    else:
        color = NEAR_COLOR if result.within_300 else OUT_COLOR
    name = i18n.t("Point vérifié", lang)
    maps.points_layer(point, name=name, color=color, radius=8).add_to(m)
    answer_legend(lang, near=True).add_to(m)
    return m


def point_tooltip(result: SingleResult, lang: str = "fr") -> str:
    """Plain text (points_layer escapes it)."""
    where = result.geocoded.label if result.geocoded else f"{result.lon:.5f}, {result.lat:.5f}"
    return f"{where} — {result.summary().text(lang)}"


def batch_tooltips(df: pd.DataFrame, cols: dict[str, str], lang: str = "fr") -> np.ndarray:
    """One plain-text tooltip per result row (escaped later by points_layer)."""
    label = df[cols["libelle_geocode"]].astype(object)
    lon = df[cols["lon"]].to_numpy(dtype="float64")
    lat = df[cols["lat"]].to_numpy(dtype="float64")
    coords = np.char.add(
        np.char.add(np.round(lon, 5).astype(str), ", "), np.round(lat, 5).astype(str)
    )
    where = np.where(label.isna().to_numpy(), coords, label.to_numpy(dtype=object))
    answer = df[cols["en_qpv_2024"]].astype(object).to_numpy()
    code = df[cols["code_qpv"]].astype(object).fillna("").to_numpy()
    name = df[cols["nom_qpv"]].astype(object).fillna("").to_numpy()
    nearest = df[cols["qpv_le_plus_proche"]].astype(object).fillna("").to_numpy()
    dist = [fmt.distance(d, lang) for d in df[cols["distance_m"]].astype("float64")]

    def column(name: str, default):
        key = cols.get(name, name)
        return df[key] if key in df else pd.Series(default, index=df.index)

    level = column("precision_localisation", "").astype(object).fillna("").to_numpy()
    radius = [fmt.distance(r, lang) for r in column("rayon_precision_m", np.nan).astype("float64")]
    inside_t = i18n.t("{where} — dans le QPV {name} ({code})", lang)
    outside_t = i18n.t("{where} — hors QPV, {distance} de {nearest}", lang)
    unsure_t = i18n.t(
        "{where} — incertain : localisé à {radius} près ({level}), {distance} de {nearest}", lang
    )
    out = []
    for w, a, c, n, p, d, lv, r in zip(
        where, answer, code, name, nearest, dist, level, radius, strict=True
    ):
        if a == "oui":
            out.append(inside_t.format(where=w, name=n, code=c))
        elif a == "incertain":
            out.append(
                unsure_t.format(where=w, radius=r, level=i18n.t(lv, lang), distance=d, nearest=p)
            )
        else:
            out.append(outside_t.format(where=w, distance=d, nearest=p))
    return np.asarray(out, dtype=object)


def layer_frame(df: pd.DataFrame, cols: dict[str, str], lang: str = "fr") -> pd.DataFrame:
    """lon, lat, tooltip, en_qpv: what the Écosystème map takes as an extra point layer."""
    located = df[cols["lon"]].notna() & df[cols["lat"]].notna()
    sub = df.loc[located]
    return pd.DataFrame(
        {
            "lon": sub[cols["lon"]].to_numpy(dtype="float64"),
            "lat": sub[cols["lat"]].to_numpy(dtype="float64"),
            "tooltip": batch_tooltips(sub, cols, lang),
            "en_qpv": sub[cols["en_qpv_2024"]].to_numpy(dtype=object),
        }
    )


def batch_map(
    con, df: pd.DataFrame, cols: dict[str, str], max_points: int = 60_000, lang: str = "fr"
):
    """(map, points drawn, points located): coloured by the answer (in / out of QPV,
    uncertain), with the QPV found. Texts in `lang`."""
    frame = layer_frame(df, cols, lang)
    bounds = maps.bounds_of(frame.lat, frame.lon)
    m = maps.base_map(bounds)
    if bounds:
        RefitOnResize([[float(v) for v in corner] for corner in bounds]).add_to(m)
    codes = set(df[cols["code_qpv"]].dropna()) | set(df[cols["qpv_le_plus_proche"]].dropna())
    shapes = qpv_shapes(con, codes)
    if not shapes.empty:
        maps.qpv_layer(shapes, name=i18n.t("Quartiers prioritaires 2024", lang)).add_to(m)
    maps.points_layer(
        frame,
        name=i18n.t("Adresses vérifiées", lang),
        category="en_qpv",
        categories=list(ANSWERS),
        colors=list(ANSWER_COLORS),
        max_points=max_points,
    ).add_to(m)
    answer_legend(lang).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m, min(len(frame), max_points), len(frame)
