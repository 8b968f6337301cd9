"""Display a folium map in Streamlit with local Leaflet assets only.

streamlit-folium injects <script>/<link> tags for every default_js/default_css URL and, when a
branca colormap is present, hard-codes d3 from two CDNs; if one of them fails to load, the map
stays blank without any error. `show_map` rewrites every link to static/vendor/ before the
component receives it (sse_dash.maps.localize_links)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import folium
import streamlit_folium

from sse_dash import maps

log = logging.getLogger(__name__)

_ORIGINAL_COMPONENT = streamlit_folium._component_func


def _local_component(*args, **kwargs):
    """streamlit-folium's component call with css_links / js_links rewritten to local files."""
    for name in ("css_links", "js_links"):
        if name in kwargs and kwargs[name] is not None:
            kwargs[name] = maps.localize_links(kwargs[name])
            remaining = maps.external_links(kwargs[name])
            if remaining:
                log.warning("Ressources de carte externes non réécrites : %s", remaining)
    return _ORIGINAL_COMPONENT(*args, **kwargs)


streamlit_folium._component_func = _local_component


def _no_bounds():
    return [[None, None], [None, None]]


def show_map(
    m: folium.Map,
    key: str,
    *,
    height: int = 520,
    returned_objects: Iterable[str] = (),
):
    """Render `m` with a fixed key; by default nothing is sent back (no rerun on pan/zoom)."""
    returned_objects = list(returned_objects)
    maps.localize_assets(m)
    if "bounds" not in returned_objects:
        # st_folium computes the bounds of every layer only to put them in its default return
        # value: for the home choropleth that walked 130,000 coordinates (0.15 s) per rerun.
        m.get_bounds = _no_bounds
    return streamlit_folium.st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=returned_objects,
    )
