"""Real-browser checks: the app renders and its maps draw with no internet at all (every
non-loopback request is aborted), using the vendored Leaflet assets."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
import ui_warehouse
from browser_support import ARGS, CHROMIUM, require_chromium, streamlit_app

from sse_dash.ui import pages

pytestmark = pytest.mark.browser


SCREENSHOT_DIR = Path(os.environ.get("SSE_DASH_SCREENSHOTS", "/tmp/sse_dash_screenshots"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data_dir = tmp_path_factory.mktemp("browser_wh")
    ui_warehouse.build(data_dir / "sse.duckdb")
    # default OSM tiles: blocked in the browser, the data layers must still draw
    with streamlit_app(data_dir, data_dir / "streamlit.log", unset=("SSE_DASH_TILES",)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Offline:
    """A browser page where every request leaving the loopback interface is aborted."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1100})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.failed_local: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "requestfailed",
            lambda req: self.failed_local.append(req.url)
            if urlparse(req.url).hostname in ("127.0.0.1", "localhost")
            else None,
        )

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


def test_home_renders_offline(server, browser):
    view = Offline(browser)
    try:
        view.page.goto(server + "/", wait_until="domcontentloaded")
        view.page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        assert view.page.get_by_text("Vue d'ensemble").first.is_visible()
        assert view.page.get_by_text("chiffres fictifs").first.is_visible()
        assert not view.errors, view.errors
    finally:
        view.close()


def test_qpv_map_draws_with_local_assets_only(server, browser):
    view = Offline(browser)
    try:
        view.page.goto(server + "/Quartiers_prioritaires?territoire=dep:93")
        frame = view.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
        container = frame.locator(".leaflet-container")
        container.wait_for(timeout=60_000)
        # the QPV polygons are drawn (canvas renderer) and the legend control is there
        frame.locator(".leaflet-overlay-pane canvas").first.wait_for(timeout=30_000)
        assert "Quartiers prioritaires 2024" in frame.locator(".sse-legend").inner_text()
        view.page.wait_for_timeout(500)
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        view.page.screenshot(path=str(SCREENSHOT_DIR / "qpv_offline.png"), full_page=True)
        assert not view.errors, view.errors
        assert not view.failed_local, view.failed_local
        # nothing but map tiles tried to leave the machine
        others = [u for u in view.blocked if "tile.openstreetmap.org" not in u]
        assert not others, others
    finally:
        view.close()


PAINTED_PIXELS = """c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
    return n;
}"""


def test_territory_map_draws_points_and_layer_control(server, browser):
    view = Offline(browser)
    try:
        view.page.goto(server + "/Territoire?territoire=com:93066&couches=ets,qpv,tl,ptce")
        frame = view.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        control = frame.locator(".leaflet-control-layers")
        control.wait_for(timeout=30_000)
        labels = control.inner_text()
        for layer in ("Établissements ESS", "Quartiers prioritaires 2024", "Tiers-lieux", "PTCE"):
            assert layer in labels, labels
        canvas = frame.locator(".leaflet-overlay-pane canvas").first
        canvas.wait_for(timeout=30_000)
        view.page.wait_for_timeout(500)
        assert canvas.evaluate(PAINTED_PIXELS) > 100  # circles and polygons painted
        iframe = view.page.locator('iframe[title="streamlit_folium.st_folium"]').first
        iframe.scroll_into_view_if_needed()
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        view.page.screenshot(path=str(SCREENSHOT_DIR / "territoire_offline.png"))
        assert not view.errors, view.errors
        assert not view.failed_local, view.failed_local
        others = [u for u in view.blocked if "tile.openstreetmap.org" not in u]
        assert not others, others
    finally:
        view.close()


@pytest.mark.parametrize(
    ("lang", "heading", "box", "titles"),
    [
        ("fr", "Poids de l'ESS", "Statistique publiée",
         ("indice 100 en 2010", "Part de l'ESS par secteur")),
        ("en", "Weight of the SSE", "Published statistic",
         ("index 100 in 2010", "SSE share by sector")),
    ],
)  # fmt: skip
def test_weight_section_draws_in_french_and_english(server, browser, lang, heading, box, titles):
    """The « Poids de l'ESS » section as a browser shows it: its heading, the published ITDD
    box apart, and its two Plotly charts drawn (offline), in the page's language."""
    view = Offline(browser)
    try:
        view.page.goto(server + f"/Territoire?territoire=dep:93&lang={lang}")
        section = view.page.get_by_role("heading", name=heading)
        section.wait_for(timeout=90_000)
        section.scroll_into_view_if_needed()
        view.page.get_by_text(box, exact=True).first.wait_for(timeout=30_000)
        for title in titles:
            drawn = view.page.locator("svg .gtitle", has_text=title).first
            drawn.wait_for(timeout=30_000)
            assert drawn.bounding_box()["width"] > 50
        lines = view.page.locator(".js-plotly-plot .scatterlayer path.js-line")
        assert lines.count() >= 2  # the SSE and all-establishments index lines
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        view.page.screenshot(path=str(SCREENSHOT_DIR / f"poids_ess_{lang}.png"))
        assert not view.errors, view.errors
        assert not view.failed_local, view.failed_local
    finally:
        view.close()


def test_sidebar_link_keeps_the_territory(server, browser):
    view = Offline(browser)
    try:
        view.page.goto(server + "/Territoire?territoire=dep:93")
        view.page.get_by_text("Seine-Saint-Denis (93)").first.wait_for(timeout=60_000)
        view.page.locator('[data-testid="stSidebar"] a', has_text="Quartiers prioritaires").click()
        view.page.get_by_text("Seine-Saint-Denis (93) — 2 QPV 2024").wait_for(timeout=60_000)
        assert "territoire=dep%3A93" in view.page.url or "territoire=dep:93" in view.page.url
        assert not view.errors, view.errors
    finally:
        view.close()


def test_every_listed_page_opens_from_the_sidebar(server, browser):
    """The sidebar of the real app lists the pages of sse_dash.ui.pages, in order, at their
    URL paths, and each link opens its page (title shown, territory kept)."""
    view = Offline(browser)
    try:
        view.page.goto(server + "/?territoire=dep:93")
        sidebar = view.page.locator('[data-testid="stSidebar"]')
        view.page.locator("h1", has_text=pages.PAGES[0].title).first.wait_for(timeout=60_000)
        sidebar.locator("a").nth(len(pages.PAGES) - 1).wait_for(timeout=60_000)
        texts = sidebar.locator("a").all_inner_texts()
        assert len(texts) == len(pages.PAGES), texts
        assert all(p.title in t for p, t in zip(pages.PAGES, texts, strict=True)), texts
        for page in pages.PAGES:
            link = sidebar.locator("a", has_text=page.title).first
            href = urlparse(link.evaluate("a => a.href"))  # resolved against the page
            assert href.path == "/" + page.url_path, (page.id, href)
            link.click()
            view.page.locator("h1", has_text=page.title).first.wait_for(timeout=60_000)
            assert urlparse(view.page.url).path == "/" + page.url_path, view.page.url
            assert "territoire=dep" in view.page.url, (page.id, view.page.url)
        assert not view.errors, view.errors
    finally:
        view.close()


def _download(view, url: str, label: str) -> tuple[str, bytes]:
    view.page.goto(url, wait_until="domcontentloaded")
    button = view.page.get_by_role("button", name=label).first
    button.wait_for(timeout=60_000)
    with view.page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_download_buttons_deliver_files(server, browser):
    """A council-briefing export, clicked in the real browser with no internet: the CSV opens in
    French Excel (BOM, `;`) and the chart image is a PNG rendered server-side."""
    view = Offline(browser)
    try:
        name, data = _download(view, server + "/Donnees_et_sources", "Tableau CSV")
        assert name.endswith(".csv")
        assert data.startswith(b"\xef\xbb\xbf")
        header = data.decode("utf-8-sig").splitlines()[0]
        assert ";" in header
        name, data = _download(view, server + "/?territoire=dep:93", "Image PNG")
        assert name.endswith(".png")
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        assert not view.errors, view.errors
    finally:
        view.close()
