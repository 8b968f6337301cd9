"""Static maps (PNG, SVG, PDF) of a territory for council briefings, drawn with geopandas and
matplotlib from the warehouse alone: no tile server, no browser, so they work offline and in
the PDF/PPTX briefing pack. Metropolitan France is drawn in Lambert-93 (EPSG:2154), overseas
départements in their local UTM projection, so the scale bar is true."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import duckdb
import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sse_dash import db, fmt, queries
from sse_dash.export import provenance
from sse_dash.export.territory import Territory, resolve

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
MAX_POINTS = 20_000  # above this, a choropleth by commune is more readable than points
# Overseas: local UTM CRS (RGAF09, RGFG95, RGR92, RGM04), keyed by département code.
OVERSEAS_CRS = {
    "971": "EPSG:5490",
    "972": "EPSG:5490",
    "973": "EPSG:2972",
    "974": "EPSG:2975",
    "976": "EPSG:4471",
}
OVERSEAS_REGIONS = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
METRO_CRS = "EPSG:2154"
FAMILY_COLOURS = {
    "association": "#1b9e77",
    "cooperative": "#d95f02",
    "mutuelle": "#7570b3",
    "fondation": "#e7298a",
    "societe_ess": "#66a61e",
    "autre": "#999999",
}
FAMILY_LABELS = {
    "association": "Associations",
    "cooperative": "Coopératives",
    "mutuelle": "Mutuelles",
    "fondation": "Fondations",
    "societe_ess": "Sociétés de l'ESS",
    "autre": "Autres",
}
QPV_COLOUR = "#c0392b"
RC = {"pdf.fonttype": 42, "svg.fonttype": "none", "font.family": "DejaVu Sans"}


class MapUnavailable(RuntimeError):
    """The warehouse lacks what the map needs (French message)."""


@dataclass
class MapLayers:
    territory: Territory
    crs: str
    outline: gpd.GeoSeries
    communes: gpd.GeoDataFrame
    qpv: gpd.GeoDataFrame
    points: gpd.GeoDataFrame | None
    mode: str  # "points", "choropleth" or "contours"


def crs_for(territory: Territory) -> str:
    """Lambert-93 for metropolitan France, local UTM overseas."""
    dep = territory.dep_code or (territory.code if territory.level == "departement" else None)
    if territory.level == "region":
        dep = OVERSEAS_REGIONS.get(territory.code)
    if dep and dep in OVERSEAS_CRS:
        return OVERSEAS_CRS[dep]
    return METRO_CRS


def _gdf(frame: pd.DataFrame, crs: str) -> gpd.GeoDataFrame:
    wkb = frame.pop("wkb") if "wkb" in frame else pd.Series([], dtype=object)
    geoms = gpd.GeoSeries.from_wkb([bytes(b) if b is not None else None for b in wkb], crs=4326)
    return gpd.GeoDataFrame(frame, geometry=geoms.values, crs=4326).to_crs(crs)


def load_layers(
    con: duckdb.DuckDBPyConnection, territory: Territory, *, max_points: int = MAX_POINTS
) -> MapLayers:
    """Everything the map draws, projected, read through the named brief_* queries."""
    params = {"level": territory.level, "code": territory.code}
    if territory.level == "qpv":
        outline_df = queries.df(con, "brief_geom_qpv", {"code": territory.code})
    else:
        table = {
            "region": "regions",
            "departement": "departements",
            "epci": "epci",
            "commune": "communes",
        }[territory.level]
        outline_df = queries.df(
            con,
            "brief_geom",
            {"code": territory.code},
            identifiers={
                "table": queries.ident(table, {"regions", "departements", "epci", "communes"})
            },
        )
    crs = crs_for(territory)
    outline = _gdf(outline_df, crs).geometry
    outline = outline[outline.notna() & ~outline.is_empty]
    communes = _gdf(queries.df(con, "brief_communes_in", params), crs)
    if outline.empty and communes.empty:
        raise MapUnavailable(f"aucun contour disponible pour {territory.label}.")
    if outline.empty:
        outline = gpd.GeoSeries([communes.union_all()], crs=crs)
    qpv = (
        _gdf(queries.df(con, "brief_qpv_in", params), crs)
        if db.table_exists(con, "qpv")
        else gpd.GeoDataFrame({"code": [], "name": []}, geometry=[], crs=crs)
    )
    points = None
    mode = "contours"
    if db.table_exists(con, "establishments"):
        pts = queries.df(con, "brief_points", {**params, "limit": max_points + 1})
        if len(pts) <= max_points:
            points = gpd.GeoDataFrame(
                pts, geometry=gpd.points_from_xy(pts["lon"], pts["lat"]), crs=4326
            ).to_crs(crs)
            mode = "points"
        elif db.table_exists(con, "agg_territory") and not communes.empty:
            counts = queries.df(con, "brief_commune_counts", params)
            communes = communes.merge(counts, on="code", how="left")
            communes["establishments"] = communes["establishments"].fillna(0)
            pop = communes["population"].astype(float).where(communes["population"] > 0)
            communes["rate"] = communes["establishments"] / pop * 10_000
            mode = "choropleth"
    return MapLayers(territory, crs, outline, communes, qpv, points, mode)


def _nice_length(span_m: float) -> float:
    """A round scale-bar length close to a fifth of the map width."""
    target = max(span_m / 5, 1.0)
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return step * power
    return power


def _length_label(length_m: float) -> str:
    """`2000` -> `2 km`, `500` -> `500 m`, `1500` -> `1,5 km`."""
    if length_m < 1000:
        return f"{fmt.number(length_m)} m"
    km = length_m / 1000
    return f"{fmt.number(km, 0 if km == int(km) else 1)} km"


def _scale_bar(ax, bounds) -> None:
    x0, y0, x1, y1 = bounds
    length = _nice_length(x1 - x0)
    height = (y1 - y0) * 0.012
    x, y = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    ax.add_patch(Rectangle((x, y), length / 2, height, facecolor="black", edgecolor="black"))
    ax.add_patch(
        Rectangle((x + length / 2, y), length / 2, height, facecolor="white", edgecolor="black")
    )
    ax.text(x, y + height * 1.8, "0", fontsize=7, ha="center")
    ax.text(x + length, y + height * 1.8, _length_label(length), fontsize=7, ha="center")


def _rate_bins(values: np.ndarray) -> list[float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return [0.0, 1.0]
    edges = sorted(set(np.round(np.quantile(finite, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), 1)))
    return edges if len(edges) > 1 else [edges[0], edges[0] + 1]


def draw_map(ax, layers: MapLayers, *, legend: bool = True) -> None:
    """Draw contours, QPV, establishments (points or choropleth), legend and scale bar on ax."""
    ax.set_axis_off()
    ax.set_aspect("equal")
    handles: list = []
    communes = layers.communes
    if layers.mode == "choropleth":
        bins = _rate_bins(communes["rate"].to_numpy(dtype=float))
        cmap = matplotlib.colormaps["YlGnBu"]
        colours = [cmap(0.15 + 0.8 * i / max(len(bins) - 2, 1)) for i in range(len(bins) - 1)]
        idx = np.clip(
            np.searchsorted(bins, communes["rate"].fillna(-1), side="right") - 1,
            0,
            len(colours) - 1,
        )
        face = [
            colours[i] if np.isfinite(r) else "#eeeeee"
            for i, r in zip(idx, communes["rate"], strict=True)
        ]
        communes.plot(ax=ax, color=face, edgecolor="white", linewidth=0.3)
        for i, colour in enumerate(colours):
            label = f"{fmt.number(bins[i], 1)} – {fmt.number(bins[i + 1], 1)}"
            handles.append(Patch(facecolor=colour, edgecolor="none", label=label))
        handles.insert(
            0, Patch(facecolor="none", edgecolor="none", label="Établissements ESS / 10 000 hab.")
        )
    elif not communes.empty and layers.territory.level != "commune":
        communes.boundary.plot(ax=ax, color="#bbbbbb", linewidth=0.4)
    layers.outline.boundary.plot(ax=ax, color="#333333", linewidth=1.2)
    if not layers.qpv.empty:
        if layers.mode == "choropleth":  # a tinted fill would change the classes' colours
            layers.qpv.plot(
                ax=ax, facecolor="none", edgecolor=QPV_COLOUR, linewidth=0.9, hatch="////"
            )
        else:
            layers.qpv.plot(
                ax=ax, facecolor=QPV_COLOUR, alpha=0.25, edgecolor=QPV_COLOUR, linewidth=0.8
            )
        handles.append(
            Patch(
                facecolor=QPV_COLOUR,
                alpha=0.4,
                edgecolor=QPV_COLOUR,
                label=f"QPV 2024 ({len(layers.qpv)})",
            )
        )
        if layers.territory.level == "qpv":
            layers.qpv.buffer(300).boundary.plot(
                ax=ax, color=QPV_COLOUR, linewidth=0.8, linestyle="--"
            )
            handles.append(Line2D([], [], color=QPV_COLOUR, linestyle="--", label="Bande de 300 m"))
    if layers.mode == "points" and layers.points is not None and not layers.points.empty:
        pts = layers.points
        size = 14 if len(pts) < 500 else 6 if len(pts) < 5000 else 2
        for family, group in pts.groupby("family", sort=True, dropna=False):
            key = family if isinstance(family, str) else "autre"
            colour = FAMILY_COLOURS.get(key, "#999999")
            ax.scatter(
                group.geometry.x, group.geometry.y, s=size, color=colour, linewidths=0, alpha=0.8
            )
            label = f"{FAMILY_LABELS.get(key, key)} ({fmt.number(len(group))})"
            handles.append(
                Line2D([], [], marker="o", linestyle="", color=colour, markersize=5, label=label)
            )
    bounds = layers.outline.total_bounds
    if layers.territory.level == "qpv":
        bounds = layers.outline.buffer(400).total_bounds
    pad_x, pad_y = (bounds[2] - bounds[0]) * 0.03, (bounds[3] - bounds[1]) * 0.03
    ax.set_xlim(bounds[0] - pad_x, bounds[2] + pad_x)
    ax.set_ylim(bounds[1] - pad_y, bounds[3] + pad_y)
    _scale_bar(ax, (ax.get_xlim()[0], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1]))
    if legend and handles:
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
        )


def map_title(layers: MapLayers) -> str:
    if layers.mode == "choropleth":
        return "Établissements de l'ESS par commune et quartiers prioritaires"
    return "Établissements de l'ESS et quartiers prioritaires"


def map_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    return provenance.sources_for(
        con,
        provenance.SIRENE_ROLES + provenance.QPV_ROLES + ("communes_geom", "communes_cog"),
    )


def render_figure(
    layers: MapLayers,
    *,
    sources: list[str],
    synthetic: bool,
    size: tuple[float, float] = (11.0, 7.5),
) -> Figure:
    """A standalone figure with title, map, legend, source line and synthetic mention."""
    fig = Figure(figsize=size)
    fig.text(0.02, 0.96, map_title(layers), fontsize=15, fontweight="bold", va="top")
    fig.text(0.02, 0.91, layers.territory.label, fontsize=11, color="#555555", va="top")
    ax = fig.add_axes((0.02, 0.1, 0.7, 0.78))
    draw_map(ax, layers)
    notes = [provenance.source_line(sources)] if sources else []
    notes.append(f"Projection : {layers.crs} — fonds : contours de l'entrepôt, sans tuiles")
    fig.text(0.02, 0.045, "\n".join(notes), fontsize=7.5, color="#444444", va="bottom")
    if synthetic:
        fig.text(
            0.02, 0.015, provenance.SYNTHETIC_NOTICE, fontsize=8, color="#b00020", fontweight="bold"
        )
    return fig


def figure_bytes(fig: Figure, fmt_name: str, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format=fmt_name, dpi=dpi, facecolor="white")
    return buf.getvalue()


def static_map(
    con: duckdb.DuckDBPyConnection,
    territory: str | Territory,
    fmt_name: str = "png",
    *,
    dpi: int = 150,
) -> bytes:
    """PNG/SVG/PDF bytes of the territory map, with legend, scale bar, title and sources."""
    fmt_name = fmt_name.lower()
    if fmt_name not in FORMATS:
        raise ValueError(f"format de carte inconnu : {fmt_name!r} (png, svg ou pdf)")
    cur = con.cursor()  # own cursor: the app shares one connection between threads
    try:
        if isinstance(territory, str):
            territory = resolve(cur, territory)
        layers = load_layers(cur, territory)
        sources, synthetic = map_sources(cur), provenance.is_synthetic(cur)
    finally:
        cur.close()
    with matplotlib.rc_context(RC):
        fig = render_figure(layers, sources=sources, synthetic=synthetic)
    return figure_bytes(fig, fmt_name, dpi)
