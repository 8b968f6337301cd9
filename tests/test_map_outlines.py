"""Maps readable without tiles: the territory outline and its communes' limits under the data."""

from __future__ import annotations

import json

import pandas as pd

from sse_dash.dashboard import mapviews

SQUARE = json.dumps(
    {"type": "Polygon", "coordinates": [[[2.3, 48.9], [2.4, 48.9], [2.4, 49.0], [2.3, 48.9]]]}
)


def test_outline_and_subdivisions_are_drawn_first():
    qpv = pd.DataFrame({"code": ["QN09301M"], "name": ["Q"], "geometry": [SQUARE]})
    m = mapviews.layered_map(
        {"qpv": qpv},
        outline=SQUARE,
        subdivisions=pd.DataFrame({"geometry": [SQUARE, SQUARE]}),
        tiles=None,
    )
    html = m.get_root().render()
    assert '"interactive": false' in html
    assert html.count('"dashArray"') >= 2
    names = [child.layer_name for child in m._children.values() if hasattr(child, "layer_name")]
    assert names.index("Limites des communes") < names.index("Contour du territoire")
    assert names.index("Contour du territoire") < len(names) - 1  # the QPV come after


def _ets(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "siret": [f"{i:014d}" for i in range(n)],
            "name": ["Asso"] * n,
            "family": ["association"] * n,
            "lat": [48.9 + i * 1e-4 for i in range(n)],
            "lon": [2.35] * n,
            "location_precision": ["precise"] * n,
            "qpv24_status": ["non"] * n,
            "naf_section": ["Q"] * n,
            "size_class": ["NN"] * n,
            "commune_code": ["93066"] * n,
        }
    )


def test_region_scale_points_are_clustered_until_commune_zoom():
    from sse_dash import maps

    clustered = mapviews.layered_map({"ets": _ets(30)}, tiles=None, cluster=True)
    html = maps.map_html(clustered)
    assert "L.markerClusterGroup(" in html
    assert f"disableClusteringAtZoom: {maps.COMMUNE_ZOOM}" in html
    assert "leaflet.markercluster.js" in html and "cdnjs" not in html  # vendored copy
    plain = maps.map_html(mapviews.layered_map({"ets": _ets(30)}, tiles=None))
    assert "L.markerClusterGroup(" not in plain
