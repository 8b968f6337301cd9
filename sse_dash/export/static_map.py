"""Static maps (PNG, SVG, PDF) of a territory for council briefings, drawn with geopandas and
matplotlib from the warehouse alone: no tile server, no browser, so they work offline and in
the PDF/PPTX briefing pack. Metropolitan France is drawn in Lambert-93 (EPSG:2154), overseas
départements in their local UTM projection, so the scale bar is true. The map shows the
registry's layers « qpv » and « ets » (sse_dash.dashboard.layers), in the colours of the
pages (sse_dash.style)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import duckdb
import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sse_dash import fmt, style
from sse_dash.dashboard import layers as registry
from sse_dash.dashboard import sse, warehouse
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard.territory import Territory
from sse_dash.export import provenance

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
MAX_POINTS = 20_000  # above this, a choropleth by commune is more readable than points
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
    family_labels: dict[str, str] = field(default_factory=dict)


def crs_for(territory: Territory) -> str:
    """Lambert-93 for metropolitan France, local UTM overseas (sse_dash.style.ZONES)."""
    if territory.level == "region":
        return f"EPSG:{style.map_epsg_for(region_code=territory.code)}"
    dep = territory.dep_code or (territory.code if territory.level == "departement" else None)
    return f"EPSG:{style.map_epsg_for(dep, territory.region_code)}"


def _gdf(frame: pd.DataFrame, crs: str) -> gpd.GeoDataFrame:
    """Rows with a GeoJSON `geometry` column (as the pages' queries return them), projected."""
    texts = frame["geometry"] if "geometry" in frame else pd.Series([], dtype=object)
    geoms = shapely.from_geojson([t if isinstance(t, str) else None for t in texts])
    rest = frame.drop(columns=["geometry"]) if "geometry" in frame else frame
    return gpd.GeoDataFrame(rest, geometry=list(geoms), crs=4326).to_crs(crs)


def load_layers(
    con: duckdb.DuckDBPyConnection, territory: Territory, *, max_points: int = MAX_POINTS
) -> MapLayers:
    """Everything the map draws, projected: the territory's outline and communes, and the
    layers « qpv » and « ets » of the registry — the rows the pages' maps show."""
    crs = crs_for(territory)
    outline = _gdf(pd.DataFrame({"geometry": [terr.outline(con, territory)]}), crs).geometry
    outline = outline[outline.notna() & ~outline.is_empty]
    sirene = set(warehouse.SIRENE_TABLES) <= warehouse.tables(con)
    communes = _gdf(
        sse.choropleth(con, "commune", within=territory)
        if sirene
        else terr.communes(con, territory),
        crs,
    )
    if outline.empty and communes.empty:
        raise MapUnavailable(f"aucun contour disponible pour {territory.label}.")
    if outline.empty:
        outline = gpd.GeoSeries([communes.union_all()], crs=crs)
    qpv = _gdf(registry.load(con, "qpv", territory), crs)
    qpv = qpv[qpv.geometry.notna() & ~qpv.geometry.is_empty]
    points = None
    mode = "contours"
    family_labels: dict[str, str] = {}
    if sirene:
        family_labels = sse.labels(con, "family")
        pts = registry.load(con, "ets", territory, limit=max_points + 1)
        if len(pts) <= max_points:
            points = gpd.GeoDataFrame(
                pts, geometry=gpd.points_from_xy(pts["lon"], pts["lat"]), crs=4326
            ).to_crs(crs)
            mode = "points"
        elif not communes.empty:
            communes = communes.assign(rate=communes["per10k"])
            mode = "choropleth"
    return MapLayers(territory, crs, outline, communes, qpv, points, mode, family_labels)


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
                ax=ax, facecolor="none", edgecolor=style.QPV_COLOUR, linewidth=0.9, hatch="////"
            )
        else:
            layers.qpv.plot(
                ax=ax,
                facecolor=style.QPV_COLOUR,
                alpha=0.25,
                edgecolor=style.QPV_COLOUR,
                linewidth=0.8,
            )
        handles.append(
            Patch(
                facecolor=style.QPV_COLOUR,
                alpha=0.4,
                edgecolor=style.QPV_COLOUR,
                label=f"QPV 2024 ({len(layers.qpv)})",
            )
        )
        if layers.territory.level == "qpv":
            layers.qpv.buffer(300).boundary.plot(
                ax=ax, color=style.QPV_COLOUR, linewidth=0.8, linestyle="--"
            )
            handles.append(
                Line2D([], [], color=style.QPV_COLOUR, linestyle="--", label="Bande de 300 m")
            )
    if layers.mode == "points" and layers.points is not None and not layers.points.empty:
        pts = layers.points
        size = 14 if len(pts) < 500 else 6 if len(pts) < 5000 else 2
        codes = pts["family"].where(pts["family"].notna(), "autre")
        order = [c for c in layers.family_labels if c in set(codes)]
        order += sorted(set(codes) - set(order))  # codes ref_families does not list
        for code in order:
            group = pts[codes == code]
            colour = style.family_colour(code)
            ax.scatter(
                group.geometry.x, group.geometry.y, s=size, color=colour, linewidths=0, alpha=0.8
            )
            label = f"{layers.family_labels.get(code, code)} ({fmt.number(len(group))})"
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
            territory = terr.resolve(cur, territory)
        layers = load_layers(cur, territory)
        sources, synthetic = map_sources(cur), provenance.is_synthetic(cur)
    finally:
        cur.close()
    with matplotlib.rc_context(RC):
        fig = render_figure(layers, sources=sources, synthetic=synthetic)
    return figure_bytes(fig, fmt_name, dpi)
