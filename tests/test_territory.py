"""One Territory for the pages, the exports and the CLI (sse_dash.dashboard.territory): keys,
validation, QPV territories, parents and references."""

from __future__ import annotations

import pytest
import ui_warehouse

from sse_dash import db
from sse_dash.dashboard import territory as terr


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = ui_warehouse.build(tmp_path_factory.mktemp("terr") / "sse.duckdb")
    c = db.open_warehouse(path)
    yield c
    c.close()


def test_territory_ids_from_levels(con):
    """The key of a territory is the id the exports take (« dep:93 », « qpv:QN09301M »);
    France is not a briefing-pack territory."""
    assert terr.Territory("departement", "93", "x").key == "dep:93"
    assert terr.Territory("epci", "200054781", "x").key == "epci:200054781"
    assert terr.Territory("qpv", "QN09301M", "x").key == "qpv:QN09301M"
    for key in ("dep:93", "epci:200057867", "com:93066", "reg:11", "qpv:QN09301M"):
        assert terr.resolve(con, key).key == key
    with pytest.raises(terr.UnknownTerritory):
        terr.resolve(con, "fr")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ville:paris", "non reconnu"),
        ("dep:ZZ", "invalide"),
        ("dep:99", "introuvable"),
        ("qpv:QN09399Z", "absent de la géographie prioritaire 2024"),
        ("qpv:QP093001", "absent de la géographie prioritaire 2024"),  # a 2015 QPV
        ("x" * 50, "trop long"),
    ],
)
def test_export_keys_are_refused_in_french(con, text, message):
    with pytest.raises(terr.UnknownTerritory, match=message):
        terr.resolve(con, text)
    assert terr.from_key(con, text) is None


def test_one_parser_for_pages_and_exports(con):
    assert terr.check_key(" dep:2a ") == terr.parse_key("dep:2a") == ("departement", "2A")
    assert terr.check_key("dep:1") == ("departement", "01")
    assert terr.parse_key("qpv:qn09301m") == ("qpv", "QN09301M")
    # the pages' selector has no QPV level: a QPV key in the URL is not a page territory
    assert terr.from_key(con, "qpv:QN09301M") is None
    assert terr.from_key(con, "qpv:QN09301M", ("qpv",)).name == "Franc-Moisin & Bel-Air"


def test_qpv_territory_parent_and_references(con):
    q = terr.resolve(con, "qpv:QN09301M")
    assert (q.level, q.population, q.commune_code, q.dep_code) == ("qpv", 9000, "93066", "93")
    assert q.label == "Franc-Moisin & Bel-Air (QN09301M)"
    assert q.level_label == "Quartier prioritaire (QPV 2024)"
    assert terr.parent(con, q).key == "com:93066"
    assert [r.key for r in terr.references(con, q)] == ["com:93066", "fr"]
    assert [r.key for r in terr.references(con, terr.resolve(con, "com:93031"))] == [
        "dep:93",
        "fr",
    ]
    assert [r.key for r in terr.references(con, terr.resolve(con, "reg:11"))] == ["fr"]
    assert terr.references(con, terr.france(con)) == []
    bounds = terr.bounds(con, q)
    assert bounds == [[48.93, 2.35], [48.94, 2.36]]
    assert '"Polygon"' in terr.outline(con, q)


def test_commune_shapes_made_at_build_read_as_converted_live(tmp_path):
    """The commune outlines come from commune_shapes (made at build time) and read exactly as
    the live conversion, which a base without that table, or without a commune's row, uses."""
    from sse_dash import queries

    path = ui_warehouse.build(tmp_path / "sse.duckdb")
    keys = ("dep:93", "reg:11", "epci:200054781", "com:93066")
    with db.open_warehouse(path) as c:
        assert c.execute("SELECT count(*) FROM commune_shapes").fetchone()[0] > 0
        expected = {}
        for key in keys:
            t = terr.resolve(c, key)
            expected[key] = queries.df(c, "ui_geom_communes_live", terr.filter_params(t))
            assert len(expected[key]) > 0
            assert terr.communes(c, t).equals(expected[key]), key
    with db.connect(path) as c:
        c.execute("DELETE FROM commune_shapes WHERE code = '93066'")  # a missing row
    with db.open_warehouse(path) as c:
        assert terr.communes(c, terr.resolve(c, "dep:93")).equals(expected["dep:93"])
    with db.connect(path) as c:
        c.execute("DROP TABLE commune_shapes")  # a base built before the table
    with db.open_warehouse(path) as c:
        for key in keys:
            assert terr.communes(c, terr.resolve(c, key)).equals(expected[key]), key
