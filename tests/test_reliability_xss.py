"""XSS: names coming from open data (establishments, third places, PTCE, QPV, communes, family
labels) or from the geocoder carry script payloads; the map HTML must show them as text.

Checked twice: on the HTML the builders produce (escaped, nothing executable), and in headless
chromium, where every tooltip is opened and a payload that ran would set `window.__xss` or open
a dialog."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import ui_warehouse
from browser_support import ARGS, CHROMIUM, REPO, require_chromium, streamlit_app

from sse_dash import db, maps
from sse_dash.dashboard import mapviews, points, qpv, sse
from sse_dash.dashboard import territory as terr
from sse_dash.qpvcheck import maps as qmaps
from sse_dash.qpvcheck.engine import RESULT_COLUMNS

PAYLOADS = [
    "<script>window.__xss = 1; alert(1)</script>",
    '"><img src=x onerror="window.__xss = 2; alert(2)">',
    "</script><script>window.__xss = 3</script>",
    "<svg onload=window.__xss=4>",
    "' onmouseover='window.__xss=5",
]
# Fragments that would be live markup if a payload reached the page unescaped.
DANGEROUS = ["<script>window.__xss", "<img src=x", "<svg onload", "</script><script>"]


def payload(i: int) -> str:
    return f"Nom {i} {PAYLOADS[i % len(PAYLOADS)]}"


@pytest.fixture(scope="module")
def xss_db(tmp_path_factory) -> Path:
    """The UI fixture warehouse with every displayed name replaced by a payload."""
    path = ui_warehouse.build(tmp_path_factory.mktemp("xss") / "sse.duckdb")
    con = db.connect(path)
    try:
        keys_of = {
            "qpv": "code",
            "third_places": "id",
            "ptce": "id",
            "establishments": "siret",
            "communes": "code",
        }
        for table, key in keys_of.items():
            keys = [r[0] for r in con.execute(f"SELECT {key} FROM {table} ORDER BY 1").fetchall()]
            for i, k in enumerate(keys):
                con.execute(f"UPDATE {table} SET name = ? WHERE {key} = ?", [payload(i), k])
        con.execute("UPDATE ptce SET theme = ?", [PAYLOADS[1]])
        con.execute("UPDATE ref_families SET label_fr = label_fr || ' ' || ?", [PAYLOADS[0]])
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def con(xss_db):
    c = db.open_warehouse(xss_db)
    yield c
    c.close()


def assert_escaped(html: str, expect_names: int = 1) -> None:
    # JSON escapes inside the map script decode back to these characters in the browser
    for escaped, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ("\\/", "/")):
        html = html.replace(escaped, char)
    for fragment in DANGEROUS:
        assert fragment not in html, fragment
    # the names are there, as text
    assert html.count("&lt;script&gt;") + html.count("&lt;img") >= expect_names


def dep93(con) -> terr.Territory:
    found = terr.from_key(con, "dep:93")
    assert found is not None
    return found


def layered(con) -> str:
    t = dep93(con)
    m = mapviews.layered_map(
        {
            "qpv": qpv.contours(con, t),
            "qpv15": qpv.contours(con, t, "2015"),
            "ets": sse.map_points(con, t),
            "tl": points.third_places(con, t),
            "ptce": points.ptce(con, t),
            "adr": pd.DataFrame({"lon": [2.35], "lat": [48.93], "tooltip": [PAYLOADS[2]]}),
        },
        bounds=terr.bounds(con, t),
        family_labels=sse.labels(con, "family"),
        tiles=None,
    )
    return maps.map_html(m)


def test_layered_map_escapes_every_name(con):
    html = layered(con)
    assert_escaped(html, expect_names=5)
    # family labels reach the legend escaped (the legend is built with innerHTML)
    legend = next(line for line in html.splitlines() if 'div.innerHTML = "' in line)
    assert maps.esc(PAYLOADS[0]) in legend


def test_qpv_map_and_choropleth_escape_names(con):
    t = dep93(con)
    contours = qpv.contours(con, t)
    assert contours["name"].str.contains("<").any()
    assert_escaped(maps.map_html(mapviews.layered_map({"qpv": contours}, tiles=None)))
    areas = sse.choropleth(con, "commune", within=t)
    assert areas["name"].str.contains("<").any()
    m = mapviews.choropleth_map(areas, "count", legend_title=PAYLOADS[0], tiles=None)
    assert_escaped(maps.map_html(m), expect_names=2)


def test_address_check_maps_escape_geocoder_labels_and_qpv_names(con):
    """A geocoder label or a QPV name with a payload, on the batch results map."""
    cols = {c: c for c in RESULT_COLUMNS}
    codes = [r[0] for r in con.execute("SELECT code FROM qpv WHERE geography = '2024'").fetchall()]
    n = 6
    df = pd.DataFrame(
        {
            "libelle_geocode": [PAYLOADS[i % len(PAYLOADS)] for i in range(n - 1)] + [None],
            "lon": np.linspace(2.34, 2.37, n),
            "lat": np.linspace(48.92, 48.94, n),
            "en_qpv_2024": ["oui", "non"] * (n // 2),
            "code_qpv": [codes[0], None] * (n // 2),
            "nom_qpv": [PAYLOADS[1], None] * (n // 2),
            "qpv_le_plus_proche": [codes[0]] * n,
            "distance_m": [0.0, 120.0] * (n // 2),
        }
    )
    m, drawn, located = qmaps.batch_map(con, df, cols)
    assert drawn == located == n
    assert_escaped(maps.map_html(m), expect_names=n - 1)


def test_points_layer_cannot_close_its_script_block():
    """Even text that is not escaped by the caller cannot end the <script> holding the data."""
    layer = maps.PointsLayer(
        pa.array([48.9]),
        pa.array([2.3]),
        pa.array([0]),
        pa.array(["</script><script>window.__xss=9</script>"]),
        ["#000000"],
        name="x",
        radius=3,
        show=True,
    )
    m = maps.base_map(tiles=None)
    layer.add_to(m)
    html = maps.map_html(m)
    assert "</script><script>window.__xss=9" not in html


# ------------------------------------------------------------------------------ browser


def standalone(html: str, path: Path) -> Path:
    """The map HTML as a local file using the vendored assets from the repository."""
    vendor = (REPO / "static" / "vendor").as_uri()
    path.write_text(html.replace(maps.VENDOR_URL, vendor), encoding="utf-8")
    return path


OPEN_ALL_TOOLTIPS = """
() => {
  const mapName = Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].eachLayer);
  const m = window[mapName];
  let opened = 0;
  const visit = (layer) => {
    if (layer.getLayers) { layer.getLayers().forEach(visit); }
    if (layer.getTooltip && layer.getTooltip()) {
      const ll = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
      layer.openTooltip(ll); opened += 1;
      // the hover handler of folium's GeoJsonTooltip renders its own content
      layer.fire('mouseover', {latlng: ll, target: layer});
    }
    if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened += 1; }
  };
  m.eachLayer(visit);
  const text = Array.from(document.querySelectorAll('.leaflet-tooltip, .leaflet-popup, .sse-legend'))
    .map(e => e.innerText).join('\\n');
  return {opened, text};
}
"""


@pytest.mark.browser
def test_browser_runs_no_payload(con, tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    page_file = standalone(layered(con), tmp_path / "xss_map.html")
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route(
                "**/*",
                lambda route: route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort(),
            )
            page.goto(page_file.as_uri())
            page.wait_for_selector(".leaflet-container", timeout=30_000)
            page.wait_for_selector(".sse-legend", timeout=30_000)
            result = page.evaluate(OPEN_ALL_TOOLTIPS)
            page.mouse.move(500, 300)
            page.wait_for_timeout(300)
            flag = page.evaluate("() => window.__xss")
        finally:
            browser.close()
    assert not errors, errors
    assert result["opened"] >= 10
    # the payloads are on screen, as plain text, exactly as in the data
    assert "<script>window.__xss = 1; alert(1)</script>" in result["text"]
    assert '"><img src=x onerror=' in result["text"]
    assert flag is None
    assert dialogs == []


@pytest.mark.browser
def test_payload_detector_is_not_vacuous(tmp_path):
    """The same check sees a payload that does run (a map built with raw, unescaped HTML)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    m = maps.base_map(tiles=None)
    maps._Script(  # a deliberately unsafe element: raw HTML put in the page by script
        f"document.body.insertAdjacentHTML('beforeend', {json.dumps(PAYLOADS[1])});"
    ).add_to(m)
    page_file = standalone(maps.map_html(m), tmp_path / "unsafe.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_file.as_uri())
            page.wait_for_selector(".leaflet-container", timeout=30_000)
            page.wait_for_function("() => window.__xss !== undefined", timeout=10_000)
            flag = page.evaluate("() => window.__xss")
        finally:
            browser.close()
    assert flag == 2
    assert dialogs == ["2"]


# ------------------------------------------------------------------ the running app, in chromium
@pytest.fixture(scope="module")
def xss_server(xss_db):
    """`streamlit run app.py` on the payload warehouse (loopback, free port)."""
    require_chromium()
    with streamlit_app(
        xss_db.parent, xss_db.parent / "streamlit.log", SSE_DASH_TILES="none"
    ) as base:
        yield base


@pytest.mark.browser
def test_app_qpv_page_shows_payloads_as_text(xss_server, con):
    """QPV page of the app: names in headers, captions, selectbox, map tooltips."""
    from playwright.sync_api import sync_playwright

    code = con.execute("SELECT min(code) FROM qpv WHERE geography = '2024'").fetchone()[0]
    name = con.execute("SELECT name FROM qpv WHERE code = ?", [code]).fetchone()[0]
    assert "<" in name
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route(
                "**/*",
                lambda route: route.continue_()
                if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost")
                or route.request.url.startswith(("data:", "blob:", "about:"))
                else route.abort(),
            )
            page.goto(f"{xss_server}/Quartiers_prioritaires?territoire=dep:93&qpv={code}")
            page.get_by_text(f"{name} ({code})").first.wait_for(timeout=90_000)
            frames = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            frames.first.locator(".leaflet-container").wait_for(timeout=90_000)
            tooltips = []
            for frame in page.frames:
                if frame.url.startswith("about:") or frame == page.main_frame:
                    continue
                if frame.evaluate("() => !!document.querySelector('.leaflet-container')"):
                    tooltips.append(frame.evaluate(OPEN_ALL_TOOLTIPS))
            page.wait_for_timeout(500)
            flags = [f.evaluate("() => window.__xss === undefined") for f in page.frames]
            body = page.inner_text("body")
        finally:
            browser.close()
    assert tooltips and sum(t["opened"] for t in tooltips) >= 1
    assert any(PAYLOADS[0] in t["text"] or PAYLOADS[1] in t["text"] for t in tooltips), tooltips
    assert f"{name} ({code})" in body  # the subheader shows the payload as text
    assert all(flags), flags
    assert dialogs == []
