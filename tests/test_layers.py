"""The layer registry (sse_dash.dashboard.layers): every layer loads from the warehouse and
draws; pages offer layers from the registry; a new entry is enough for a new layer."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import ui_warehouse

from sse_dash import db, maps, style
from sse_dash.dashboard import layers, mapviews, points, sse
from sse_dash.dashboard import territory as terr


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = ui_warehouse.build(tmp_path_factory.mktemp("layers") / "sse.duckdb")
    c = db.open_warehouse(path)
    yield c
    c.close()


def test_establishment_tips():
    names = pd.Series(["Asso", None, "", "N" * 60, "Coop  " + "x" * 50], dtype="object")
    nafs = pd.Series(["88.99B", "94.99Z", None, "", "01.11Z"], dtype="object")
    tips = layers.establishment_tips(names, nafs).to_pylist()
    assert tips[0] == "Asso — 88.99B"
    assert tips[1] == "(nom non diffusible) — 94.99Z"
    assert tips[2] == "(nom non diffusible)"
    assert tips[3] == "N" * (layers.MAX_TIP_NAME - 1) + "…"
    assert len(tips[4].split(" — ")[0]) == layers.MAX_TIP_NAME and tips[4].endswith("01.11Z")


def test_every_warehouse_layer_loads_and_draws(con):
    d93 = terr.from_key(con, "dep:93")
    frames = {layer.id: layers.load(con, layer.id, d93) for layer in layers.LAYERS if layer.loader}
    assert set(frames) == {"qpv", "qpv15", "ets", "tl", "ptce"}
    assert all(len(frame) for frame in frames.values()), {k: len(v) for k, v in frames.items()}
    html = maps.map_html(mapviews.layered_map(frames, family_labels=sse.labels(con, "family")))
    for layer in layers.LAYERS:
        if layer.id in frames:
            assert json.dumps(layer.label) in html, layer.id  # layer-control entry
    with pytest.raises(ValueError, match="session"):
        layers.load(con, "adr", d93)
    with pytest.raises(ValueError, match="couche inconnue"):
        layers.load(con, "<script>", d93)
    with pytest.raises(ValueError, match="couche inconnue"):
        mapviews.layered_map({"nope": frames["tl"]})


def test_establishments_of_a_qpv_are_those_in_or_near_it(con):
    """The « ets » layer of a QPV territory (static maps) is the QPV page's detail."""
    ets = ui_warehouse.establishments()
    q = terr.resolve(con, "qpv:QN09301M")
    frame = layers.load(con, "ets", q)
    expected = ets[
        (ets.qpv24 == "QN09301M") | ((ets.qpv24_nearest == "QN09301M") & ets.near_qpv300)
    ]
    assert set(frame.siret) == set(expected[expected.lon.notna()].siret)


def test_family_legend_follows_ref_families_and_the_style_colours(con):
    labels = sse.labels(con, "family")
    frame = pd.DataFrame({"family": ["mutuelle", "association", "inconnue", "association"]})
    items = layers.legend_items(layers.get("ets"), frame, labels)
    assert items == [
        (style.FAMILY_COLOURS["association"], "Associations"),
        (style.FAMILY_COLOURS["mutuelle"], "Mutuelles"),
        (style.UNKNOWN_FAMILY_COLOUR, "inconnue"),
    ]
    # the points carry the same colour per family as the legend (one palette for all)
    ets = pd.DataFrame(
        {"lon": [2.3, 2.4], "lat": [48.9, 48.9], "family": ["mutuelle", "societe_ess"]}
    )
    layer = mapviews.draw(layers.get("ets"), ets, family_labels=labels)
    colours = json.loads(layer.colors_json)
    assert [colours[r[2]] for r in layer.rows] == [
        style.FAMILY_COLOURS["mutuelle"],
        style.FAMILY_COLOURS["societe_ess"],
    ]


def test_pages_offer_registry_layers():
    assert list(layers.offered(layers.TERRITORY_PAGE)) == ["ets", "qpv", "tl", "ptce"]
    assert layers.offered(layers.ECOSYSTEM_PAGE, "en")["tl"] == "Third places"
    # drawing: contours first, 2015 under 2024, then points
    assert [x.id for x in layers.drawing_order()] == ["qpv15", "qpv", "ets", "tl", "ptce", "adr"]


def test_a_new_layer_is_one_registry_entry(con, monkeypatch):
    """A layer added to LAYERS from one query (here the PTCE query, under another id and
    colour) is offered by the pages it names, loads, draws with its colour and legend, and
    fills the table."""
    new = layers.Layer(
        "ptce_bis",
        "PTCE (copie)",
        "points",
        "#123456",
        layers.query_loader("ui_points_ptce"),
        layers.name_tooltips,
        pages=frozenset({layers.ECOSYSTEM_PAGE}),
    )
    monkeypatch.setattr(layers, "LAYERS", (*layers.LAYERS, new))
    assert "ptce_bis" in layers.offered(layers.ECOSYSTEM_PAGE)
    d93 = terr.from_key(con, "dep:93")
    frame = layers.load(con, "ptce_bis", d93)
    pd.testing.assert_frame_equal(frame, points.ptce(con, d93))
    html = maps.map_html(mapviews.layered_map({"ptce_bis": frame}, lang="fr"))
    assert json.dumps("PTCE (copie)") in html and "#123456" in html
    assert "PTCE Plaine (localisation approximative)" in html  # hover text
    table = mapviews.layers_table({"ptce_bis": frame})
    assert set(table["Couche"]) == {"PTCE (copie)"} and len(table) == len(frame)
