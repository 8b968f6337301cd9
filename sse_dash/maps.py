"""Folium map builders (pure: no Streamlit) that work without internet access.

folium / branca / streamlit-folium load Leaflet and its plugins from public CDNs; offline or
behind an intranet proxy the map stays blank. Every asset is vendored in static/vendor/ (see
scripts/vendor_assets.sh) and `localize_assets()` rewrites the links to the local copies.
Points are drawn as circle markers on one canvas renderer from a compact array (50 k points
paint in ~1.5 s, plain Markers take minutes). All text that comes from data is HTML-escaped."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Sequence

import branca.element
import folium
import folium.elements
import folium.map
import folium.plugins
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from folium.elements import JSCSSMixin
from jinja2 import Template

from sse_dash import config
from sse_dash.style import MISSING_COLOUR, OKABE_ITO, QPV_COLOUR, SEQUENTIAL

# URL prefix of Streamlit's static serving (`[server] enableStaticServing = true`).
VENDOR_URL = "/app/static/vendor"

# CDN URL emitted by folium / branca / streamlit-folium -> file under static/vendor/
# (None = dropped: stylesheets for features the dashboard never uses).
VENDOR_FILES: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet-1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet-1.9.3/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": (
        "jquery-3.7.1/dist/jquery.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap-5.2.2/dist/js/bootstrap.bundle.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap-5.2.2/dist/css/bootstrap.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "awesome-markers-2.0.5/dist/leaflet.awesome-markers.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "awesome-markers-2.0.5/dist/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome-free-6.2.0/css/all.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "markercluster-1.1.0/dist/leaflet.markercluster.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "markercluster-1.1.0/dist/MarkerCluster.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "markercluster-1.1.0/dist/MarkerCluster.Default.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3-3.5.5/d3.min.js",
    "https://d3js.org/d3.v3.min.js": "d3-3.5.5/d3.min.js",
    "https://d3js.org/d3.v4.min.js": "d3-4.13.0/build/d3.min.js",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,
}
LEAFLET_IMAGES = f"{VENDOR_URL}/leaflet-1.9.3/dist/images/"
MAX_ZOOM = 18
FRANCE_BOUNDS = [[41.3, -5.2], [51.1, 9.6]]


def local_url(url: str) -> str | None:
    """Local URL for a known CDN asset; unknown URLs are returned unchanged, dropped ones None."""
    if url in VENDOR_FILES:
        target = VENDOR_FILES[url]
        return None if target is None else f"{VENDOR_URL}/{target}"
    return url


def localize_links(links: Iterable[str]) -> list[str]:
    """Rewrite a list of asset URLs (streamlit-folium's css_links / js_links)."""
    out = []
    for url in links:
        local = local_url(url)
        if local is not None and local not in out:
            out.append(local)
    return out


def external_links(links: Iterable[str]) -> list[str]:
    """URLs that would still leave the machine (for tests and a warning in the UI)."""
    return [u for u in links if u.startswith(("http://", "https://", "//"))]


def _walk(element: branca.element.Element):
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize_assets(m: folium.Map) -> folium.Map:
    """Point default_js / default_css of the map and of every plugin at static/vendor/."""
    for element in _walk(m):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            rewritten = []
            for name, url in links:
                local = local_url(url)
                if local is not None:
                    rewritten.append((name, local))
            setattr(element, attr, rewritten)  # instance attribute: the class stays untouched
    return m


class RawHtml(branca.element.Element):
    """Text already rendered by a macro, added to the page as is."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawHtml"
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


def _render_macro(self, **kwargs):
    """branca's MacroElement.render, with the rendered parts kept as RawHtml.

    Upstream wraps each part in Element(text), which compiles the text AGAIN as a Jinja
    template: data containing "{{" or "{%" (an association named « Asso {% if %} ») was
    evaluated or crashed the page, and compiling a 2 MB array of points took ~0.1 s per map."""
    figure = self.get_root()
    if not isinstance(figure, branca.element.Figure):
        raise TypeError("You cannot render this Element if it is not in a Figure.")
    macros = self._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html)):
        if macros.get(part) is not None:
            target.add_child(RawHtml(macros[part](self, kwargs)), name=self.get_name())
    if macros.get("script") is not None:
        figure.script.add_child(RawHtml(macros["script"](self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


branca.element.MacroElement.render = _render_macro


class _Script(folium.elements.MacroElement):
    """A bit of JavaScript run with the map script (streamlit-folium executes this part;
    <script> tags in the header are not executed inside its iframe)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str):
        super().__init__()
        self._name = "Script"
        self.code = code


def base_map(
    bounds: Sequence[Sequence[float]] | None = None,
    tiles: str | None | object = ...,
    attribution: str | None = None,
    height: str | int = "100%",
) -> folium.Map:
    """Empty map fitted to `bounds` ([[lat_min, lon_min], [lat_max, lon_max]]).

    `tiles` defaults to config.tile_url() (SSE_DASH_TILES; 'none' = no background tiles).
    Without tiles the data layers stay readable on a plain grey background."""
    if tiles is ...:
        tiles = config.tile_url()
    m = folium.Map(
        location=[46.6, 2.4],
        zoom_start=5,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # added below, metric only (Leaflet's default also shows miles)
        height=height,
        max_zoom=MAX_ZOOM,
    )
    m.options["maxZoom"] = MAX_ZOOM  # without a tile layer Leaflet has none: clusters throw
    m.add_child(_Script(f"L.Icon.Default.imagePath = {json.dumps(LEAFLET_IMAGES)};"))
    m.add_child(_Script(f"L.control.scale({{imperial: false}}).addTo({m.get_name()});"))
    if tiles:
        folium.TileLayer(
            tiles=str(tiles),
            attr=attribution or config.tile_attribution(),
            name="Fond de carte",
            max_zoom=MAX_ZOOM,
            control=False,
        ).add_to(m)
    m.fit_bounds(_clean_bounds(bounds) or FRANCE_BOUNDS)
    return localize_assets(m)


def _clean_bounds(bounds) -> list[list[float]] | None:
    if not bounds:
        return None
    try:
        (s, w), (n, e) = bounds
        values = [float(s), float(w), float(n), float(e)]
    except (TypeError, ValueError):
        return None
    if any(math.isnan(v) for v in values):
        return None
    return [[values[0], values[1]], [values[2], values[3]]]


def bounds_of(lat: Iterable[float], lon: Iterable[float]) -> list[list[float]] | None:
    """Bounding box of a set of points, padded a little so that points are not on the edge."""
    frame = pd.DataFrame({"lat": list(lat), "lon": list(lon)}).dropna()
    if frame.empty:
        return None
    pad = 0.01
    return [
        [frame.lat.min() - pad, frame.lon.min() - pad],
        [frame.lat.max() + pad, frame.lon.max() + pad],
    ]


def geojson_bounds(geometries: Iterable[str | None]) -> list[list[float]] | None:
    """Bounding box of GeoJSON geometry strings (None when there is none)."""
    import shapely

    texts = [g for g in geometries if isinstance(g, str) and g]
    if not texts:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(shapely.from_geojson(texts))
    if any(math.isnan(v) for v in (x0, y0, x1, y1)):
        return None
    return [[y0, x0], [y1, x1]]


def esc(value, quote: bool = True) -> str:
    """HTML-escaped text for popups and tooltips ('' for missing values)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=quote)


def _feature_collection(df: pd.DataFrame, geometry: str, properties: Sequence[str]) -> dict:
    features = []
    for record in df.to_dict("records"):
        geom = record.get(geometry)
        if geom is None or (isinstance(geom, float) and math.isnan(geom)):
            continue
        if isinstance(geom, str):
            geom = json.loads(geom)
        props = {p: record.get(p) for p in properties}
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def polygons_layer(
    df: pd.DataFrame,
    *,
    name: str,
    tooltip: str = "tooltip",
    geometry: str = "geometry",
    color: str = QPV_COLOUR,
    fill_opacity: float = 0.25,
    weight: float = 1.5,
    show: bool = True,
) -> folium.GeoJson:
    """Polygons (GeoJSON strings in `geometry`) with an escaped hover text from `tooltip`."""
    frame = df.copy()
    frame["_tip"] = [esc(v) for v in frame[tooltip]] if tooltip in frame else ""
    data = _feature_collection(frame, geometry, ["_tip"])
    style = {"color": color, "weight": weight, "fillColor": color, "fillOpacity": fill_opacity}
    return folium.GeoJson(
        data,
        name=name,
        style_function=lambda _feature: style,
        highlight_function=lambda _feature: {"weight": weight + 2, "fillOpacity": 0.5},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        show=show,
        overlay=True,
        smooth_factor=0.5,
    )


OUTLINE_COLOUR = "#333333"
SUBDIVISION_COLOUR = "#8c8c8c"


class BoundariesLayer(folium.map.Layer):
    """Boundary lines from GeoJSON geometry texts, written into the page as they are: the
    communes of a département (600 of them, ~0.5 MB) are neither parsed nor re-encoded on each
    rerun, as folium.GeoJson would do."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data_json }}, Object.assign(
            {{ this.options_json }},
            {style: function () { return {{ this.style_json }}; }}
        ));
        {% endmacro %}
        """
    )

    def __init__(self, geometries: Sequence[str | None], *, name: str, style: dict):
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "BoundariesLayer"
        features = [
            '{"type":"Feature","properties":{},"geometry":' + g + "}"
            for g in geometries
            if isinstance(g, str) and g.strip()
        ]
        data = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        self.data_json = data.replace("</", "<\\/")  # never closes the page's <script>
        self.style_json = json.dumps(style)
        self.options_json = json.dumps({"interactive": False, "smoothFactor": 1.0})
        self.count = len(features)


def boundaries_layer(
    geometries: Sequence[str | None],
    *,
    name: str,
    color: str = SUBDIVISION_COLOUR,
    weight: float = 1.0,
    dash: str | None = None,
) -> BoundariesLayer:
    """Boundary lines (no fill, no hover) drawn under the data, so that a map without tiles
    still shows where the territory and its communes are."""
    style = {"color": color, "weight": weight, "fill": False, "fillOpacity": 0, "dashArray": dash}
    return BoundariesLayer(geometries, name=name, style=style)


def qpv_layer(
    df: pd.DataFrame,
    *,
    name: str = "Quartiers prioritaires 2024",
    color: str = QPV_COLOUR,
    show: bool = True,
) -> folium.GeoJson:
    """QPV contours; `df` has code, name, geometry (GeoJSON) and optionally tooltip."""
    frame = df.copy()
    if "tooltip" not in frame:
        frame["tooltip"] = [f"{n} ({c})" for c, n in zip(frame["code"], frame["name"], strict=True)]
    return polygons_layer(frame, name=name, color=color, show=show)


class PointsLayer(folium.map.Layer):
    """Circle markers on a shared canvas renderer from a compact [lat, lon, class, tip] array
    (coordinates in 1e-5 degrees, ~1 m: integers are formatted 4x faster than floats)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var renderer = L.canvas({padding: 0.5});
            var colors = {{ this.colors_json }};
            var rows = {{ this.data_json }};
            var group = {% if this.cluster_zoom %}L.markerClusterGroup({
                disableClusteringAtZoom: {{ this.cluster_zoom }}, chunkedLoading: true,
                showCoverageOnHover: false
            }){% else %}L.featureGroup(){% endif %};
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var marker = L.circleMarker([r[0] / 1e5, r[1] / 1e5], {% if this.hollow %}{
                    renderer: renderer, radius: {{ this.radius }}, weight: 1.5,
                    dashArray: "2 2", color: colors[r[2]], fillColor: colors[r[2]],
                    fillOpacity: 0.1
                }{% else %}{
                    renderer: renderer, radius: {{ this.radius }}, weight: 1,
                    color: "#333333", fillColor: colors[r[2]], fillOpacity: 0.85
                }{% endif %});
                if (r[3]) { marker.bindTooltip(r[3]); }
                group.addLayer(marker);
            }
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        lat: pa.Array,
        lon: pa.Array,
        classes: pa.Array,
        tips: pa.Array,
        colors: list[str],
        *,
        name: str,
        radius: float,
        show: bool,
        hollow: bool = False,
        cluster_zoom: int | None = None,
    ):
        super().__init__(name=name, overlay=True, control=True, show=show)
        # grouped into counted clusters below this zoom (a région's 30,000 points), single
        # points from about the zoom of a commune on
        self.cluster_zoom = int(cluster_zoom) if cluster_zoom else None
        self._name = "PointsLayer"
        self.lat, self.lon, self.classes, self.tips = lat, lon, classes, tips
        self.radius = float(radius)
        self.hollow = bool(hollow)  # dashed outline, no fill: an approximate position
        self.data_json = _rows_json(lat, lon, classes, tips)
        self.colors_json = json.dumps(colors)

    def __len__(self) -> int:
        return len(self.lat)

    def __bool__(self) -> bool:
        return True  # a map element, even without points (len() would make it falsy)

    @property
    def rows(self) -> list[list]:
        """[lat, lon, class, tip] per point, as in the page (for tests and inspection)."""
        columns = (self.lat, self.lon, self.classes, self.tips)
        return [list(r) for r in zip(*(a.to_pylist() for a in columns), strict=True)]

    def bounds(self) -> list[list[float]] | None:
        if not len(self):
            return None
        return bounds_of(
            [pc.min(self.lat).as_py(), pc.max(self.lat).as_py()],
            [pc.min(self.lon).as_py(), pc.max(self.lon).as_py()],
        )


def html_text(values: pa.Array) -> pa.Array:
    """Vectorised `esc(value, quote=False)`: & < > escaped, nulls become ''."""
    values = pc.fill_null(values, "")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, char, entity)
    return values


def _json_strings(values: pa.Array) -> pa.Array:
    """JSON string literals (control characters become spaces: hover text only). "</" is
    broken up so that even unescaped text could never close the <script> holding them."""
    values = pc.replace_substring(values, "\\", "\\\\")
    values = pc.replace_substring(values, '"', '\\"')
    values = pc.replace_substring(values, "</", "<\\/")
    values = pc.replace_substring_regex(values, r"[\x00-\x1f]", " ")
    return pc.binary_join_element_wise('"', values, '"', "")


def _json_coordinates(values: pa.Array) -> pa.Array:
    """Degrees as integers of 1e-5 degree (the page divides), as text."""
    scaled = np.round(values.to_numpy(zero_copy_only=False) * 1e5).astype("int64")
    return pc.cast(pa.array(scaled), pa.string())


def _rows_json(lat: pa.Array, lon: pa.Array, classes: pa.Array, tips: pa.Array) -> str:
    """The [[lat, lon, class, "tip"], …] array, built by Arrow in C++: json.dumps of 50,000
    Python lists took ~0.13 s per map. Only the tips hold text, and _json_strings makes them
    safe inside a <script>."""
    if not len(lat):
        return "[]"
    text = pa.string()
    rows = pc.binary_join_element_wise(
        "[",
        _json_coordinates(lat),
        ",",
        _json_coordinates(lon),
        ",",
        pc.cast(classes, text),
        ",",
        _json_strings(tips),
        "]",
        "",
    )
    one_list = pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows)
    return "[" + pc.binary_join(one_list, ",")[0].as_py() + "]"


def text_array(values) -> pa.Array:
    """Arrow text of a Series without a Python loop when pandas already stores it in Arrow
    (iterating 50,000 Arrow-backed strings in Python cost ~50 ms per map)."""
    if isinstance(values, pd.Series):
        values = values.array
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), pa.string())
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())


def points_layer(
    df: pd.DataFrame,
    *,
    name: str,
    lon: str = "lon",
    lat: str = "lat",
    tooltip: str | None = "tooltip",
    category: str | None = None,
    categories: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    color: str = OKABE_ITO[0],
    radius: float = 4,
    max_points: int = 60_000,
    show: bool = True,
    hollow: bool = False,
    cluster_zoom: int | None = None,
) -> PointsLayer:
    """Points with an escaped tooltip; coloured by `category` (values listed in `categories`,
    colours in `colors`) or with one `color`. Rows without coordinates are skipped; beyond
    `max_points` the first ones are kept (the caller says so in the page)."""
    frame = df.dropna(subset=[lon, lat]).head(max_points)
    n = len(frame)
    if category and categories:
        palette = list(colors or OKABE_ITO)
        index = {c: i % len(palette) for i, c in enumerate(categories)}
        positions = pc.index_in(text_array(frame[category]), value_set=pa.array(list(categories)))
        ordinals = pa.array([index[c] for c in categories], pa.int64())
        classes = pc.fill_null(pc.take(ordinals, positions), 0)
    else:
        palette = [color]
        classes = pa.array(np.zeros(n, dtype="int64"))
    # Text content only (never an attribute): quotes need no escaping, which saves bytes.
    tips = (
        html_text(text_array(frame[tooltip]))
        if tooltip and tooltip in frame
        else pa.array([""] * n, pa.string())
    )
    lats = pa.array(frame[lat].astype("float64").round(5).to_numpy())
    lons = pa.array(frame[lon].astype("float64").round(5).to_numpy())
    kind = ClusteredPointsLayer if cluster_zoom else PointsLayer
    return kind(
        lats,
        lons,
        classes,
        tips,
        palette,
        name=name,
        radius=radius,
        show=show,
        hollow=hollow,
        cluster_zoom=cluster_zoom,
    )


class ClusteredPointsLayer(JSCSSMixin, PointsLayer):
    """PointsLayer grouped with Leaflet.markercluster (vendored, see VENDORED)."""

    default_js = folium.plugins.MarkerCluster.default_js
    default_css = folium.plugins.MarkerCluster.default_css


COMMUNE_ZOOM = 13  # points shown one by one from this zoom on


def classify(values: Sequence[float], n_classes: int = 5) -> list[float]:
    """Quantile class breaks (distinct, increasing) for a choropleth; [] if no data."""
    series = pd.Series(values, dtype="float64").dropna()
    if series.empty:
        return []
    qs = series.quantile([i / n_classes for i in range(n_classes + 1)]).tolist()
    breaks: list[float] = []
    for q in qs:
        if not breaks or q > breaks[-1]:
            breaks.append(float(q))
    if len(breaks) == 1:
        breaks.append(breaks[0])
    return breaks


def class_palette(n: int, palette: Sequence[str] = SEQUENTIAL) -> list[str]:
    """`n` colours spread over the sequential palette (light to dark)."""
    if n <= 0:
        return []
    if n == 1:
        return [palette[-2]]
    step = (len(palette) - 1) / (n - 1)
    return [palette[min(round(i * step), len(palette) - 1)] for i in range(n)]


def class_color(value, breaks: Sequence[float], palette: Sequence[str] = SEQUENTIAL) -> str:
    """Colour of `value` given class `breaks`; grey for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or len(breaks) < 2:
        return MISSING_COLOUR
    colours = class_palette(len(breaks) - 1, palette)
    for i, colour in enumerate(colours):
        if value <= breaks[i + 1]:
            return colour
    return colours[-1]


class Legend(folium.elements.MacroElement):
    """Legend as a Leaflet control (works inside streamlit-folium, unlike branca's d3 one)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "sse-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;"
                    + "font:12px/1.4 sans-serif;border-radius:4px;box-shadow:0 0 4px #888";
                div.innerHTML = {{ this.html_json }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: Sequence[tuple[str, str]]):
        super().__init__()
        self._name = "Legend"
        parts = [f"<b>{esc(title)}</b>"]
        for colour, label in items:
            parts.append(
                f'<div><span style="display:inline-block;width:12px;height:12px;'
                f'background:{esc(colour)};border:1px solid #555;margin-right:4px"></span>'
                f"{esc(label)}</div>"
            )
        self.html_json = json.dumps("".join(parts), ensure_ascii=False).replace("</", "<\\/")


def legend(title: str, items: Sequence[tuple[str, str]]) -> Legend:
    """Legend for categorical layers: (colour, label) pairs."""
    return Legend(title, items)


def choropleth_layer(
    df: pd.DataFrame,
    value: str,
    *,
    name: str,
    legend_title: str,
    label: str = "name",
    geometry: str = "geometry",
    value_format: Callable[[float], str] = str,
    n_classes: int = 5,
) -> tuple[folium.GeoJson, Legend]:
    """Areas coloured by quantile classes of `value`, with a hover text « name : value » and
    a legend; returns (layer, legend) to add to the map."""
    frame = df.copy()
    values = pd.to_numeric(frame[value], errors="coerce")
    breaks = classify(values.tolist(), n_classes)
    frame["_color"] = [class_color(v, breaks) for v in values]
    frame["_tip"] = [
        f"{esc(n)} : {esc(value_format(v)) if not pd.isna(v) else '–'}"
        for n, v in zip(frame[label], values, strict=True)
    ]
    data = _feature_collection(frame, geometry, ["_tip", "_color"])
    layer = folium.GeoJson(
        data,
        name=name,
        style_function=lambda f: {
            "color": "#555555",
            "weight": 0.6,
            "fillColor": f["properties"]["_color"],
            "fillOpacity": 0.8,
        },
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        overlay=True,
        smooth_factor=0.5,
    )
    colours = class_palette(len(breaks) - 1)
    items = [
        (colours[i], f"{value_format(breaks[i])} – {value_format(breaks[i + 1])}")
        for i in range(len(breaks) - 1)
    ]
    if values.isna().any():
        items.append((MISSING_COLOUR, "Donnée manquante"))
    return layer, Legend(legend_title, items)


def add_layer_control(m: folium.Map) -> folium.Map:
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """Standalone HTML of the map (tests, size checks, exports)."""
    localize_assets(m)
    return m.get_root().render()
