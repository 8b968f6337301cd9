"""Map builders without Streamlit: offline assets, layers present, escaping, size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import folium.plugins
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from sse_dash import maps, style
from sse_dash.dashboard import mapviews

REPO = Path(__file__).resolve().parent.parent
EVIL = "<script>alert(1)</script>"
SQUARE = json.dumps(
    {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.8]]]}
)


def asset_links(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)


def test_every_vendored_file_exists():
    for target in maps.VENDOR_FILES.values():
        if target is not None:
            assert (REPO / "static" / "vendor" / target).is_file(), target
    assert (REPO / "static" / "vendor" / "leaflet-1.9.3/dist/images/marker-icon.png").is_file()


@pytest.mark.parametrize(
    "element",
    [
        folium.Map(tiles=None),
        folium.plugins.MarkerCluster(),
        folium.plugins.FastMarkerCluster([[48.8, 2.3]]),
    ],
    ids=["map", "markercluster", "fastmarkercluster"],
)
def test_folium_assets_are_all_vendored(element):
    links = [url for _, url in element.default_js + element.default_css]
    assert links, "folium no longer declares assets: update sse_dash.maps"
    assert not maps.external_links(maps.localize_links(links))


def test_streamlit_folium_hard_coded_d3_is_rewritten():
    links = [
        "https://d3js.org/d3.v4.min.js",
        "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
    ]
    assert maps.localize_links(links) == [
        "/app/static/vendor/d3-4.13.0/build/d3.min.js",
        "/app/static/vendor/d3-3.5.5/d3.min.js",
    ]


def test_base_map_without_tiles_uses_local_assets_only():
    m = maps.base_map(tiles=None)
    html = maps.map_html(m)
    links = asset_links(html)
    assert links and all(u.startswith("/app/static/vendor/") for u in links), links
    assert "tile.openstreetmap.org" not in html
    assert m.options["maxZoom"] == 18
    assert "L.Icon.Default.imagePath" in html and maps.LEAFLET_IMAGES in html


def test_base_map_tiles_follow_the_environment(monkeypatch):
    monkeypatch.setenv("SSE_DASH_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    assert "tiles.example.org" in maps.map_html(maps.base_map())
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    assert "tiles.example.org" not in maps.map_html(maps.base_map())


def test_localize_leaves_the_folium_classes_untouched():
    maps.base_map(tiles=None)
    assert folium.Map.default_js[0][1].startswith("https://")


def test_qpv_layer_escapes_names():
    df = pd.DataFrame({"code": ["QN09301M"], "name": [EVIL], "geometry": [SQUARE]})
    m = maps.base_map(tiles=None)
    maps.qpv_layer(df).add_to(m)
    html = maps.map_html(m)
    assert "<script>alert(1)" not in html
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html  # escaped, then JSON-encoded by folium
    assert "QN09301M" in html


def test_points_layer_escapes_and_colours_by_category():
    df = pd.DataFrame(
        {
            "lon": [2.35, 2.36, np.nan],
            "lat": [48.9, 48.91, 48.92],
            "tooltip": [EVIL, "Café & co", "sans coordonnées"],
            "family": ["association", "cooperative", "association"],
        }
    )
    layer = maps.points_layer(
        df, name="ESS", category="family", categories=["association", "cooperative"]
    )
    assert [r[2] for r in layer.rows] == [0, 1]  # the row without coordinates is skipped
    assert layer.rows[0][3] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    m = maps.base_map(tiles=None)
    layer.add_to(m)
    html = maps.map_html(m)
    assert "<script>alert(1)" not in html and "L.canvas(" in html
    assert "Café &amp; co" in html


def test_points_layer_caps_points_and_fits_5_mb():
    n = 50_000
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "lon": rng.uniform(2.2, 2.5, n),
            "lat": rng.uniform(48.8, 49.0, n),
            "tooltip": [f"Association de quartier numéro {i} — Associations" for i in range(n)],
        }
    )
    m = maps.base_map(tiles=None)
    layer = maps.points_layer(df, name="ESS", max_points=40_000)
    layer.add_to(m)
    assert len(layer.rows) == 40_000
    assert len(maps.map_html(m).encode()) < 5_000_000


def test_choropleth_classes_and_legend():
    values = [1.0, 2.0, 3.0, 4.0, 100.0, None]
    df = pd.DataFrame(
        {
            "code": list("abcdef"),
            "name": [EVIL, "b", "c", "d", "e", "f"],
            "v": values,
            "geometry": [SQUARE] * 6,
        }
    )
    layer, legend = maps.choropleth_layer(df, "v", name="x", legend_title="Titre")
    colours = [f["properties"]["_color"] for f in layer.data["features"]]
    assert colours[0] == maps.SEQUENTIAL[0] and colours[4] == maps.SEQUENTIAL[-1]
    assert colours[5] == maps.MISSING_COLOUR
    assert "Donnée manquante" in legend.html_json
    m = maps.base_map(tiles=None)
    layer.add_to(m)
    legend.add_to(m)
    html = maps.map_html(m)
    assert "<script>alert(1)" not in html and "sse-legend" in html


def test_classify_handles_constant_and_empty():
    assert maps.classify([]) == []
    assert maps.classify([5, 5, 5]) == [5.0, 5.0]
    assert maps.class_color(5, [5.0, 5.0]) in maps.SEQUENTIAL


def test_layered_map_has_each_layer_and_a_control():
    qpv = pd.DataFrame({"code": ["QN1"], "name": ["Q"], "geometry": [SQUARE]})
    ets = pd.DataFrame(
        {
            "lon": [2.35],
            "lat": [48.85],
            "name": [EVIL],
            "family": ["association"],
            "naf": ["88.99B"],
        }
    )
    tl = pd.DataFrame(
        {
            "lon": [2.36],
            "lat": [48.86],
            "name": ["TL"],
            "kind": ["tiers_lieu"],
            "location_precision": ["adresse"],
        }
    )
    pt = pd.DataFrame({"lon": [2.37], "lat": [48.87], "name": ["P"], "theme": ["Alimentation"]})
    adr = pd.DataFrame({"lon": [2.38], "lat": [48.88], "tooltip": ["1 rue X"]})
    m = mapviews.layered_map({"qpv": qpv, "ets": ets, "tl": tl, "ptce": pt, "adr": adr}, tiles=None)
    html = maps.map_html(m)
    for label in (
        "Quartiers prioritaires 2024",
        "Établissements ESS",
        "Tiers-lieux",
        "PTCE",
        "Adresses vérifiées",
    ):
        assert json.dumps(label) in html, label  # layer-control entry
    assert "L.control.layers" in html
    assert "<script>alert(1)" not in html


def test_worst_case_establishment_map_stays_under_5_mb():
    """50 000 establishments with long names + QPV: the map sent to the browser is < 5 MB."""
    n = 50_000
    rng = np.random.default_rng(2)
    ets = pd.DataFrame(
        {
            "lon": rng.uniform(2.2, 2.5, n),
            "lat": rng.uniform(48.8, 49.0, n),
            "name": ["ASSOCIATION DEPARTEMENTALE POUR LA SAUVEGARDE DE L'ENFANCE ET DE L'ADULTE"]
            * n,
            "family": rng.choice(list(style.FAMILY_COLOURS), n),
            "naf": "88.99B",
        }
    )
    qpv = pd.DataFrame({"code": ["QN1"] * 200, "name": ["Q"] * 200, "geometry": [SQUARE] * 200})
    m = mapviews.layered_map({"qpv": qpv, "ets": ets}, tiles=None)
    assert len(maps.map_html(m).encode()) < 5_000_000


def test_scale_bar_is_metric_only():
    from sse_dash import maps

    html = maps.map_html(maps.base_map(tiles=None))
    assert html.count("L.control.scale(") == 1  # ours only, not folium's imperial+metric one
    assert "L.control.scale({imperial: false})" in html


JINJA = ["Asso {{ 7*7 }}", "Coop {% if %}", "Mut {# x", "Fond {{ self.__init__ }}"]


def _jinja_layers_map():
    n = len(JINJA)
    ets = pd.DataFrame(
        {
            "lon": [2.35 + i / 100 for i in range(n)],
            "lat": [48.85] * n,
            "name": JINJA,
            "family": ["association"] * n,
            "naf": ["88.99B"] * n,
        }
    )
    qpv = pd.DataFrame({"code": ["QN1"], "name": [JINJA[0]], "geometry": [SQUARE]})
    tl = pd.DataFrame(
        {
            "lon": [2.36],
            "lat": [48.86],
            "name": [JINJA[1]],
            "kind": ["tiers_lieu"],
            "location_precision": ["adresse"],
        }
    )
    return mapviews.layered_map({"qpv": qpv, "ets": ets, "tl": tl}, tiles=None)


def test_text_from_data_is_never_run_as_a_jinja_template():
    """Found while profiling: branca compiled each rendered part again as a Jinja template,
    so a name with "{{" was evaluated and one with "{%" crashed the whole map."""
    html = maps.map_html(_jinja_layers_map())
    for name in JINJA:
        assert name in html or json.dumps(name)[1:-1] in html, name
    assert "Asso 49" not in html


def test_streamlit_folium_rendering_keeps_jinja_text_literal():
    """The same text through streamlit-folium's own script extraction (what the page sends)."""
    import streamlit_folium

    m = _jinja_layers_map()
    maps.localize_assets(m)
    m.get_root().render()
    script = streamlit_folium._get_map_string(m)
    assert "Coop {% if %}" in script and "Asso {{ 7*7 }}" in script


TRICKY = [
    'Asso "guillemets"',
    "anti\\slash",
    "tab\tet\nretour",
    "</script><script>alert(1)</script>",
    "É & Ü — 中文 \u2028 fin",
    "",
    None,
]


def test_points_json_is_valid_and_matches_the_rows():
    """The Arrow-built JSON array parses back to the escaped rows (control characters become
    spaces), whatever the text contains."""
    n = len(TRICKY)
    df = pd.DataFrame(
        {
            "lon": [2.0 + i / 7 for i in range(n)],
            "lat": [48.0 + i / 3 for i in range(n)],
            "tooltip": TRICKY,
            "family": ["cooperative", "association", None, "x", "mutuelle", "cooperative", "x"],
        }
    )
    layer = maps.points_layer(
        df, name="ESS", category="family", categories=["association", "cooperative", "mutuelle"]
    )
    parsed = json.loads(layer.data_json)
    assert len(parsed) == len(layer) == n
    assert [r[2] for r in parsed] == [1, 0, 0, 0, 2, 1, 0]
    assert [r[0] for r in parsed] == [round((48.0 + i / 3) * 1e5) for i in range(n)]
    assert [r[1] for r in parsed] == [round((2.0 + i / 7) * 1e5) for i in range(n)]
    assert "r[0] / 1e5, r[1] / 1e5" in layer._template.module.script(layer, {})
    assert parsed[0][3] == 'Asso "guillemets"' and parsed[1][3] == "anti\\slash"
    assert parsed[2][3] == "tab et retour"
    assert parsed[3][3] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert parsed[4][3] == "É &amp; Ü — 中文 \u2028 fin"
    assert parsed[5][3] == parsed[6][3] == ""
    assert "</" not in layer.data_json
    assert layer.bounds() == maps.bounds_of(
        [r[0] / 1e5 for r in parsed], [r[1] / 1e5 for r in parsed]
    )
    # even text that was not HTML-escaped cannot close the <script> holding the array
    raw = maps._json_strings(pa.array(['</script><script>alert("x")', "a\\b\n"]))
    assert "</" not in "".join(raw.to_pylist())
    assert [json.loads(v) for v in raw.to_pylist()] == ['</script><script>alert("x")', "a\\b "]


def test_points_layer_without_points():
    df = pd.DataFrame({"lon": [np.nan], "lat": [np.nan], "tooltip": ["x"]})
    layer = maps.points_layer(df, name="vide")
    assert len(layer) == 0 and layer.data_json == "[]" and layer.bounds() is None
    assert layer  # still a map element: an empty layer is not "falsy"
