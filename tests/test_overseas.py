"""Overseas collectivités (COG 975, 977, 978, 986, 987, 988): keys accepted in URLs and on the
command line, found in the dev warehouse with their QPV, mapped in their local projection."""

from __future__ import annotations

import pytest

from sse_dash import db, style
from sse_dash.dashboard import qpv
from sse_dash.dashboard import territory as terr
from sse_dash.export import static_map

COLLECTIVITIES = ("975", "977", "978", "986", "987", "988")


@pytest.mark.parametrize("code", COLLECTIVITIES)
def test_keys_of_collectivities_parse(code):
    assert terr.parse_key(f"dep:{code}") == ("departement", code)
    assert terr.parse_key(f"reg:{code}") == ("region", code)


def test_qpv_codes_of_polynesia_parse():
    assert terr.parse_key("qpv:QN98701M") == ("qpv", "QN98701M")
    assert qpv.valid_code("QN98701M") == "QN98701M"


def test_malformed_keys_still_refused():
    for bad in ("dep:999x", "dep:9870", "reg:1", "reg:960", "qpv:QN98", "dep:96A"):
        assert terr.parse_key(bad) is None, bad


def test_maps_of_collectivities_use_their_local_projection():
    polynesia = terr.Territory("departement", "987", "Polynésie française", dep_code="987")
    assert static_map.crs_for(polynesia) == "EPSG:3297"
    region = terr.Territory("region", "988", "Nouvelle-Calédonie", region_code="988")
    assert static_map.crs_for(region) == "EPSG:3163"
    assert style.map_epsg_for("93", "11") == 2154


@pytest.fixture(scope="module")
def con(dev_warehouse):
    connection = db.open_warehouse(dev_warehouse)
    yield connection
    connection.close()


def test_polynesia_opens_with_its_qpv(con):
    found = terr.from_key(con, "dep:987")
    assert found is not None and found.name == "Polynésie française"
    assert terr.from_key(con, "reg:987") is not None
    assert len(qpv.contours(con, found)) > 0
    assert terr.from_key(con, "qpv:QN98701M", ("qpv",)) is not None


@pytest.mark.parametrize("code", ("975", "977", "978", "986", "988"))
def test_other_collectivities_are_known(con, code):
    assert terr.from_key(con, f"dep:{code}") is not None


def test_qpv_page_of_polynesia_by_url(dev_data_dir, monkeypatch):
    from app_support import run_page

    from sse_dash.ui import pages

    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    at = run_page(pages.script("qpv"), territoire="dep:987")
    headers = [h.value for h in at.subheader]
    assert any(h.startswith("Polynésie française (987) — ") for h in headers), headers
    assert not any("inconnu" in w.value for w in at.warning)


def test_pack_of_polynesia_goes_out_without_a_map(con, tmp_path):
    from pptx import Presentation

    from sse_dash.export import brief

    out = tmp_path / "987.pptx"
    report = brief.build_brief(con, "dep:987", out)
    assert report["pages"] >= 8
    pictures = [
        sh for slide in Presentation(str(out)).slides for sh in slide.shapes if sh.shape_type == 13
    ]
    assert len(pictures) == 4  # the four charts; no map page without a contour


def test_territory_page_of_polynesia_says_no_static_map(dev_data_dir, monkeypatch):
    from app_support import run_page

    from sse_dash.ui import pages

    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    at = run_page(pages.script("territory"), territoire="dep:987")
    assert any("pas de carte statique" in c.value for c in at.caption)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Carte PNG" not in labels


def test_zones_present_and_their_bounds():
    assert style.zones_present(["11", "93", "974"]) == ["metropole", "reunion"]
    assert style.zones_present(["01", "02", "04", "987"]) == [
        "metropole",
        "antilles",
        "reunion",
        "polynesie",
    ]
    assert style.zones_present(["75"]) == ["metropole"]
    (s, w), (n, e) = style.zone_bounds("reunion")
    assert s < -21.0 < n and w < 55.5 < e


def test_national_map_zooms_on_an_overseas_part(dev_data_dir, monkeypatch):
    """The national choropleth offers each overseas part of France that it draws, and fits
    the map to the one chosen (?zone=reunion), in French and English."""
    import json

    from app_support import run_page
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")

    def fitted(at: AppTest) -> str:
        def walk(node):
            for child in getattr(node, "children", {}).values():
                yield child
                yield from walk(child)

        for element in walk(at.main):
            proto = getattr(element, "proto", None)
            if type(proto).__name__ == "ComponentInstance" and "st_folium" in proto.component_name:
                script = json.loads(proto.json_args)["script"]
                return script[script.index("fitBounds(") :][:120]
        raise AssertionError("no map")

    at = run_page(territoire="fr", maille="departement", zone="reunion")
    box = next(s for s in at.selectbox if s.label == "Partie de la France")
    assert box.value == "reunion"
    assert {"France métropolitaine", "Guyane", "La Réunion", "Mayotte"} <= set(box.options)
    assert json.dumps(style.zone_bounds("reunion")) in fitted(at)
    home = run_page(territoire="fr", maille="departement")
    assert "46." in fitted(home) or "51." in fitted(home)  # metropolitan France by default
    english = run_page(territoire="fr", maille="region", zone="antilles", lang="en")
    box = next(s for s in english.selectbox if s.label == "Part of France")
    assert box.value == "antilles"
    assert "Metropolitan France" in english.selectbox[0].options or "Metropolitan France" in (
        box.options
    )
