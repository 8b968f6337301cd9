"""The single-address map before any check: metropolitan France at a useful zoom, refitted
once its frame has a size, with the régions' limits drawn (readable without tiles)."""

from __future__ import annotations

import json

import pytest
import ui_warehouse

from sse_dash import db, maps
from sse_dash.qpvcheck import maps as qmaps


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = ui_warehouse.build(tmp_path_factory.mktemp("addrmap") / "sse.duckdb")
    connection = db.open_warehouse(path)
    yield connection
    connection.close()


def test_empty_map_is_france_with_regions(con):
    html = qmaps.single_map(con, None).get_root().render()
    assert json.dumps(maps.FRANCE_BOUNDS) in html  # refit on resize to metropolitan France
    assert '"interactive": false' in html


def test_geocoder_down_asks_for_coordinates_or_a_click():
    from sse_dash.qpvcheck import InputError, engine
    from sse_dash.qpvcheck.geocoder import GeocoderError

    class Down:
        def search(self, text):
            raise GeocoderError("Géocodage impossible : service injoignable.")

    with pytest.raises(InputError) as caught:
        engine.check_text(None, "12 rue de la République 93200 Saint-Denis", Down())
    french = caught.value.text("fr")
    assert "Saisissez les coordonnées" in french and "cliquez sur la carte" in french
    assert "plus tard" not in french
    english = caught.value.text("en")
    assert "coordinates" in english and "click" in english


def test_batch_with_geocoder_down_says_what_to_do(tmp_path):
    import pandas as pd
    from fixtures.qpvcheck import warehouse as wh

    from sse_dash.qpvcheck import engine
    from sse_dash.qpvcheck import mapping as mp
    from sse_dash.qpvcheck.geocoder import IgnGeocoder

    ref = engine.get_reference(wh.build(tmp_path / "sse.duckdb"))
    df = pd.DataFrame({"adresse": ["1 rue de Paris 93200 Saint-Denis", "2 rue de Lyon Paris"]})
    down = IgnGeocoder("http://127.0.0.1:9", retries=0, backoff=0, timeout=2)
    res = engine.run_batch(ref, df, mp.ColumnMapping("address", address="adresse"), down)
    texts = [n.text("fr") if hasattr(n, "text") else str(n) for n in res.notes]
    assert any("2 adresses non géocodées" in n and "longitude et latitude" in n for n in texts)
    english = [n.text("en") for n in res.notes if hasattr(n, "text")]
    assert any("longitude and latitude" in n for n in english)
