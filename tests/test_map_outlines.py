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
