"""Real browser (offline): a click on the « Adresse en QPV ? » map checks that point. AppTest
cannot click inside the folium iframe, hence this test."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from browser_support import ARGS, CHROMIUM, require_chromium, streamlit_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(dev_data_dir, tmp_path_factory):
    require_chromium()
    log_path = tmp_path_factory.mktemp("qc_browser") / "streamlit.log"
    with streamlit_app(
        dev_data_dir, log_path, SSE_DASH_TILES="none", SSE_DASH_GEOCODER_URL="http://127.0.0.1:9"
    ) as base:
        yield base


@pytest.fixture(scope="module")
def inside_point(dev_warehouse):
    """A point inside a real QPV 2024, taken from the warehouse itself."""
    from sse_dash import db

    con = db.open_warehouse(dev_warehouse)
    try:
        return con.execute(
            """SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom) p
               FROM qpv WHERE geography = '2024' AND geom IS NOT NULL AND dep_code = '93'
               ORDER BY code LIMIT 1)"""
        ).fetchone()
    finally:
        con.close()


def test_map_click_checks_the_point(server, inside_point):
    from playwright.sync_api import sync_playwright

    code, lon, lat = inside_point

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        blocked = []

        def route(r):
            if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        try:
            page.goto(f"{server}/Adresse_en_QPV", timeout=90_000)
            page.fill('input[aria-label="Adresse ou coordonnées"]', f"{lon:.6f} ; {lat:.6f}")
            page.get_by_role("button", name="Vérifier").click()
            alert = page.locator('[data-testid="stAlert"]', has_text="QPV 2024")
            alert.first.wait_for(timeout=60_000)
            assert "Dans un QPV 2024" in alert.first.inner_text()
            assert code in alert.first.inner_text()
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
            frame.locator(".leaflet-container").wait_for(timeout=60_000)
            table = page.locator('[data-testid="stTable"]').first
            coords_before = table.inner_text()
            # the map is centred on the checked point: a click far off-centre is another point
            frame.locator(".leaflet-container").click(position={"x": 40, "y": 420})
            page.wait_for_function(
                "(before) => { const t = document.querySelector('[data-testid=\"stTable\"]');"
                " return t && t.innerText !== before; }",
                arg=coords_before,
                timeout=60_000,
            )
            assert (
                "QPV 2024"
                in page.locator('[data-testid="stAlert"]', has_text="QPV 2024").first.inner_text()
            )
            assert "Coordonnées" in page.locator('[data-testid="stTable"]').first.inner_text()
        finally:
            context.close()
            browser.close()
