"""Real browser, no internet: the briefing pack and the static map are downloaded from the
Territoire page and from the QPV detail page, and the files open (python-pptx, PDF, PNG)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from test_browser import SCREENSHOT_DIR, Offline, browser, server  # noqa: F401

pytestmark = pytest.mark.browser


def _click_download(view, label: str) -> tuple[str, bytes]:
    button = view.page.get_by_role("button", name=label).first
    button.wait_for(timeout=120_000)
    button.scroll_into_view_if_needed()
    with view.page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _brief(view, fmt_label: str, fmt: str) -> tuple[str, bytes]:
    if fmt_label != "PowerPoint (.pptx)":
        view.page.get_by_text(fmt_label, exact=True).first.click()
        view.page.wait_for_timeout(2_000)  # the rerun swaps the « Préparer » button
    view.page.get_by_role("button", name="Préparer la note de synthèse").first.click()
    return _click_download(view, f"Télécharger la note ({fmt.upper()})")


def test_territory_page_pack_and_map_download_and_open(server, browser):  # noqa: F811
    from pptx import Presentation

    view = Offline(browser)
    try:
        view.page.goto(server + "/Territoire?territoire=dep:93", wait_until="domcontentloaded")
        name, data = _click_download(view, "Carte PNG")
        assert name == "carte-seine-saint-denis-93.png"
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        name, data = _brief(view, "PowerPoint (.pptx)", "pptx")
        assert name == "note-ess-seine-saint-denis-93.pptx"
        deck = Presentation(io.BytesIO(data))
        texts = [
            shape.text_frame.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_text_frame
        ]
        assert len(deck.slides) >= 3
        assert any("Seine-Saint-Denis" in text for text in texts)
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        view.page.get_by_text("Dossier de synthèse (PPTX / PDF)").first.scroll_into_view_if_needed()
        view.page.screenshot(path=str(SCREENSHOT_DIR / "territoire_dossier.png"))
        assert not view.errors, view.errors
    finally:
        view.close()


def test_qpv_detail_pack_and_map_download_and_open(server, browser):  # noqa: F811
    view = Offline(browser)
    try:
        view.page.goto(
            server + "/Quartiers_prioritaires?territoire=dep:93&qpv=QN09301M",
            wait_until="domcontentloaded",
        )
        name, data = _click_download(view, "Carte PDF")
        assert name.endswith(".pdf") and data.startswith(b"%PDF")
        name, data = _brief(view, "PDF", "pdf")
        assert name.startswith("note-ess-franc-moisin") and name.endswith(".pdf")
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
        view.page.screenshot(path=str(SCREENSHOT_DIR / "qpv_dossier.png"), full_page=True)
        assert not view.errors, view.errors
    finally:
        view.close()


def test_region_map_clusters_and_outline_without_tiles(server, browser):  # noqa: F811
    view = Offline(browser)
    try:
        view.page.goto(server + "/Territoire?territoire=reg:11", wait_until="domcontentloaded")
        frame = view.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        frame.locator(".marker-cluster").first.wait_for(timeout=30_000)
        assert frame.locator(".marker-cluster").count() >= 1
        iframe = view.page.locator('iframe[title="streamlit_folium.st_folium"]').first
        iframe.scroll_into_view_if_needed()
        view.page.wait_for_timeout(500)
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        view.page.screenshot(path=str(SCREENSHOT_DIR / "territoire_region_clusters.png"))
        assert not view.errors, view.errors
        assert not view.failed_local, view.failed_local
    finally:
        view.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_screenshots(server, browser, lang):  # noqa: F811
    """Screenshots looked at by eye: Territoire (département map with outline and communes),
    Comparer (reference markers), QPV list, in both languages."""
    view = Offline(browser)
    try:
        for name, url in (
            ("territoire_dep", "/Territoire?territoire=dep:93"),
            ("comparer", "/Comparer?territoire=com:93066&comparer=com:93066,com:31555"),
            ("qpv", "/Quartiers_prioritaires?territoire=dep:93"),
        ):
            view.page.goto(f"{server}{url}&lang={lang}", wait_until="domcontentloaded")
            view.page.get_by_role("heading").first.wait_for(timeout=60_000)
            view.page.wait_for_timeout(4_000)
            view.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}_{lang}.png"), full_page=True)
        assert not view.errors, view.errors
    finally:
        view.close()


LABEL_CUT = """els => els.filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
    .map(e => e.textContent)"""


def test_kpi_labels_are_not_cut(server, browser):  # noqa: F811
    view = Offline(browser)
    try:
        view.context.pages[0].set_viewport_size({"width": 1100, "height": 900})
        view.page.goto(server + "/?territoire=dep:93", wait_until="domcontentloaded")
        label = view.page.get_by_text("Part en QPV ou à moins de 300 m").first
        label.wait_for(timeout=60_000)
        view.page.wait_for_timeout(1_000)
        cut = view.page.locator("[data-testid='stMetricLabel'] *").evaluate_all(LABEL_CUT)
        assert not cut, cut
        view.page.screenshot(path=str(SCREENSHOT_DIR / "kpi_labels.png"))
    finally:
        view.close()
