"""Maps: establishments whose point INSEE placed at random in their commune are drawn apart
(hollow, dashed, own layer and legend entry), never mixed with precisely located ones; a third
place listed by several sources says so in its tooltip."""

from __future__ import annotations

import pandas as pd

from sse_dash import maps
from sse_dash.dashboard import layers, mapviews


def _layers(m):
    return [c for c in m._children.values() if isinstance(c, maps.PointsLayer)]


def test_uncertain_establishments_have_their_own_hollow_layer():
    frame = pd.DataFrame(
        {
            "siret": ["1", "2", "3"],
            "name": ["Asso A", "Asso B", None],
            "family": ["association", "association", "cooperative"],
            "naf": ["94.99Z", "94.99Z", "88.99B"],
            "qpv24": ["QN09301M", None, None],
            "qpv24_status": ["oui", "non", "incertain"],
            "lon": [2.35, 2.36, 2.37],
            "lat": [48.93, 48.94, 48.95],
        }
    )
    m = mapviews.layered_map({"ets": frame}, tiles=None)
    precise, unsure = _layers(m)
    assert len(precise) == 2 and not precise.hollow
    assert len(unsure) == 1 and unsure.hollow
    assert unsure.layer_name == mapviews.UNCERTAIN_NOTE
    assert "QPV incertain" in unsure.rows[0][3]
    html = maps.map_html(m)
    assert 'dashArray: "2 2"' in html
    assert mapviews.UNCERTAIN_LEGEND in html  # legend entry
    # without the status column (older callers), one layer as before
    m = mapviews.layered_map({"ets": frame.drop(columns="qpv24_status")}, tiles=None)
    assert len(_layers(m)) == 1


def test_third_place_tooltip_names_its_other_sources():
    frame = pd.DataFrame(
        {
            "name": ["La Miel", "Atelier"],
            "kind": ["tiers_lieu", "fabrique_de_territoire"],
            "location_precision": ["adresse", "commune"],
            "also_in": ["Fabriques de territoire (ANCT)", None],
            "lon": [2.35, 2.4],
            "lat": [48.93, 48.9],
        }
    )
    layer = mapviews.draw(layers.get("tl"), frame)
    tips = [r[3] for r in layer.rows]
    assert tips[0] == "La Miel — Tiers-lieu — aussi dans : Fabriques de territoire (ANCT)"
    assert tips[1] == "Atelier — Fabrique de territoire (localisation approximative)"
