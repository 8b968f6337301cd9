"""Maps of the pages, composed from sse_dash.maps (pure folium, testable without Streamlit):
any layers of the registry (sse_dash.dashboard.layers) on one map, and the choropleth."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sse_dash import fmt, i18n, maps, style
from sse_dash.dashboard import layers as registry

Frames = Mapping[str, pd.DataFrame | None]


UNCERTAIN_NOTE = "Point placé au hasard dans la commune : QPV incertain"
UNCERTAIN_LEGEND = "Contour pointillé : point placé au hasard dans la commune (QPV incertain)"
UNCERTAIN_COLOUR = "#FFFFFF"


def split_uncertain(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(precisely located, located only at random in their commune) rows: the second ones are
    drawn apart, hollow, and never counted in or out of a QPV."""
    if "qpv24_status" not in df:
        return df, df.iloc[0:0]
    unsure = (df["qpv24_status"] == "incertain").to_numpy()
    return df[~unsure], df[unsure]


def draw(
    layer: registry.Layer,
    frame: pd.DataFrame,
    *,
    family_labels: Mapping[str, str] | None = None,
    lang: str = "fr",
    show: bool = True,
    uncertain: bool = False,
    cluster: bool = False,
):
    """The folium element of one registry layer: contours or points with escaped hover
    texts, coloured by the layer's colour or, for families, one colour per family.
    `uncertain`: the layer's rows whose point was placed at random in the commune (hollow
    markers, their own name in the layer control)."""
    name = i18n.t(UNCERTAIN_NOTE if uncertain else layer.label, lang)
    tips = layer.tooltip(frame, lang)
    if uncertain:
        note = i18n.t(" (position approximative : QPV incertain)", lang)
        tips = pc.binary_join_element_wise(maps.text_array(pd.Series(list(tips))), note, "")
    frame = frame.copy()
    if isinstance(tips, pa.Array):  # kept in Arrow: no Python pass over 50,000 texts
        frame["tooltip"] = pd.Series(tips, index=frame.index, dtype=pd.ArrowDtype(pa.string()))
    else:
        frame["tooltip"] = list(tips)
    if layer.kind == "polygons":
        return maps.polygons_layer(frame, name=name, color=layer.colour, show=show)
    if layer.category:
        categories = list(family_labels or style.FAMILY_COLOURS)
        return maps.points_layer(
            frame,
            name=name,
            category=layer.category,
            categories=categories,
            colors=style.family_colours(categories),
            radius=layer.radius,
            show=show,
            hollow=uncertain,
            cluster_zoom=maps.COMMUNE_ZOOM if cluster else None,
        )
    return maps.points_layer(
        frame,
        name=name,
        color=layer.colour,
        radius=layer.radius,
        show=show,
        hollow=uncertain,
        cluster_zoom=maps.COMMUNE_ZOOM if cluster else None,
    )


def establishments_layer(df: pd.DataFrame, *, lang: str = "fr", show: bool = True):
    """SSE establishments coloured by family (the « ets » layer)."""
    return draw(registry.get("ets"), df, lang=lang, show=show)


def _shown(frames: Frames) -> list[tuple[registry.Layer, pd.DataFrame]]:
    """(layer, frame) of the non-empty layers given, in drawing order; unknown ids refused."""
    for layer_id in frames:
        registry.get(layer_id)
    return [
        (layer, frames[layer.id])
        for layer in registry.drawing_order()
        if frames.get(layer.id) is not None and not frames[layer.id].empty
    ]


def layered_map(
    frames: Frames | None = None,
    *,
    bounds=None,
    family_labels: Mapping[str, str] | None = None,
    lang: str = "fr",
    tiles=...,
    outline: str | None = None,
    subdivisions: pd.DataFrame | None = None,
    cluster: bool = False,
) -> folium.Map:
    """One map with the layers given by id (None or empty = absent), a layer control and a
    legend. `family_labels` (code -> label, in ref_families order) name the families.
    `outline` (GeoJSON of the territory) and `subdivisions` (its communes, with a GeoJSON
    `geometry`) are drawn under the data: the map stays readable without tiles. `cluster`
    groups the points into counted clusters until the zoom of a commune (région scale)."""
    shown = _shown(frames or {})
    if bounds is None:
        bounds = _data_bounds(*(frame for _, frame in shown))
    m = maps.base_map(bounds=bounds, tiles=tiles)
    if subdivisions is not None and not subdivisions.empty and "geometry" in subdivisions:
        maps.boundaries_layer(
            subdivisions["geometry"].tolist(), name=i18n.t("Limites des communes", lang)
        ).add_to(m)
    if outline:
        maps.boundaries_layer(
            [outline],
            name=i18n.t("Contour du territoire", lang),
            color=maps.OUTLINE_COLOUR,
            weight=2.5,
        ).add_to(m)
    items: list[tuple[str, str]] = []
    for layer, frame in shown:
        precise, unsure = split_uncertain(frame) if layer.uncertain_apart else (frame, frame[:0])
        if not precise.empty:
            draw(
                layer,
                precise,
                family_labels=family_labels,
                lang=lang,
                cluster=cluster and layer.kind != "polygons",
            ).add_to(m)
        items += registry.legend_items(layer, frame, family_labels, lang)
        if not unsure.empty:
            draw(layer, unsure, family_labels=family_labels, lang=lang, uncertain=True).add_to(m)
            items.append((UNCERTAIN_COLOUR, i18n.t(UNCERTAIN_LEGEND, lang)))
    if items:
        maps.legend(i18n.t("Légende", lang), items).add_to(m)
    maps.add_layer_control(m)
    return m


def _data_bounds(*frames):
    """Box around every geometry and point given (when the caller has no territory box)."""
    geoms: list = []
    lats: list = []
    lons: list = []
    for frame in frames:
        if frame is None or frame.empty:
            continue
        if "geometry" in frame:
            geoms.extend(frame["geometry"].tolist())
        elif "lat" in frame:
            lats.extend(frame["lat"].tolist())
            lons.extend(frame["lon"].tolist())
    boxes = [b for b in (maps.geojson_bounds(geoms), maps.bounds_of(lats, lons)) if b]
    if not boxes:
        return None
    return [
        [min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
        [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)],
    ]


def choropleth_map(
    areas: pd.DataFrame,
    value: str,
    *,
    legend_title: str,
    percent: bool = False,
    decimals: int = 0,
    bounds=None,
    lang: str = "fr",
    tiles=...,
) -> folium.Map:
    """Areas (code, name, geometry GeoJSON, value) coloured by quantile classes."""
    m = maps.base_map(bounds=bounds, tiles=tiles)

    def value_format(v: float) -> str:
        return fmt.percent(v, 1, lang) if percent else fmt.number(v, decimals, lang)

    layer, legend = maps.choropleth_layer(
        areas,
        value,
        name=legend_title,
        legend_title=legend_title,
        value_format=value_format,
    )
    layer.add_to(m)
    legend.add_to(m)
    return m


def layers_table(frames: Frames, *, lang: str = "fr") -> pd.DataFrame:
    """Table alternative of a layered map: one row per object drawn."""
    t = lambda s: i18n.t(s, lang)  # noqa: E731
    layer_col, name_col = t("Couche"), t("Nom")
    parts = []
    for layer, frame in _shown(frames):
        if layer.kind == "polygons":
            names = pd.Series(layer.tooltip(frame, lang), dtype=object)
        elif layer.name_column in frame:
            names = frame[layer.name_column]
        else:
            names = pd.Series([""] * len(frame), dtype=object)
        parts.append(
            pd.DataFrame(
                {
                    layer_col: t(layer.label),
                    name_col: names.fillna(t("(non diffusible)")).astype(str).tolist(),
                    "Longitude": pd.to_numeric(frame["lon"]).round(5).tolist(),
                    "Latitude": pd.to_numeric(frame["lat"]).round(5).tolist(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=[layer_col, name_col, "Longitude", "Latitude"])
    return pd.concat(parts, ignore_index=True)
