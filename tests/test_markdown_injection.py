"""Markdown injection from data names: a territory, QPV, commune, third place or PTCE named
``[Vérifier](https://evil.example) ![x](https://evil.example/t.png) :red[ALERTE]`` is shown as
text by every element that renders Markdown (subheaders, captions, alerts, st.table, metric
and widget labels): no link, no image, no coloured directive. Checked on the Markdown each page
sends (AppTest, on a warehouse whose names carry the payload) and in headless chromium, where
the page must make no request to evil.example. Plotly labels, which render a few HTML tags
(``<a href>``), are checked too."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import ui_warehouse
from browser_support import ARGS, CHROMIUM, require_chromium, streamlit_app
from streamlit.testing.v1 import AppTest

from sse_dash import db
from sse_dash.ui import pages
from sse_dash.ui import state as S
from sse_dash.ui.markdown import md, md_frame

EVIL = (
    "[Vérifier](https://evil.example) ![x](https://evil.example/t.png) :red[ALERTE] "
    "**gras** www.evil.example <a href='https://evil.example/a'>lien</a>"
)
# Tables whose names the pages show (the territories view reads the first four).
NAMED = ["regions", "departements", "epci", "communes", "qpv", "third_places", "ptce"]


@pytest.fixture(scope="module")
def evil_dir(tmp_path_factory) -> Path:
    path = ui_warehouse.build(tmp_path_factory.mktemp("markdown") / "sse.duckdb")
    con = db.connect(path)
    try:
        for table in NAMED:
            con.execute(f"UPDATE {table} SET name = name || ' ' || ?", [EVIL])
    finally:
        con.close()
    return path.parent


@pytest.fixture
def evil_env(evil_dir, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(evil_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    return evil_dir


def live_markdown(text: str) -> list[str]:
    """Markdown constructs left live in `text`: what remains once every backslash-escaped
    character is taken out, and still opens a link, an image, a directive or emphasis."""
    bare = re.sub(r"\\.", "", text)
    found = [
        s for s in ("[", "](", "![", ":red", "https://", "www.", "**gras**", "<a") if s in bare
    ]
    return found


def markdown_texts(at: AppTest) -> list[str]:
    """Every text the page hands to an element that renders Markdown."""
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "success", "info"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [str(e.value) for e in (*at.warning, *at.error)]
    for m in at.metric:
        texts += [m.label, str(m.value)]
    for table in at.table:
        frame = table.value
        texts += [str(v) for v in frame.to_numpy().ravel()] + [str(c) for c in frame.columns]
        texts += [str(i) for i in frame.index]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "number_input", "checkbox"):
        texts += [w.label for w in getattr(at, kind)]
    texts += [o for r in at.radio for o in map(str, r.options)]
    texts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    return texts


def run(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ui_warehouse_repo() / pages.script("overview")), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    if page != pages.script("overview"):
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ui_warehouse_repo() -> Path:
    return Path(__file__).resolve().parent.parent


def plotly_specs(at: AppTest) -> list[str]:
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if type(proto).__name__ == "PlotlyChart":
            found.append(proto.spec)
        children = getattr(node, "children", None)
        stack.extend(children.values() if isinstance(children, dict) else [])
    return found


def assert_inert(at: AppTest, *, expect_name: bool = True) -> None:
    for spec in plotly_specs(at):  # Plotly renders <a href> in labels and hovers
        assert "<a href" not in spec and "\\u003ca href" not in spec.lower()
    texts = markdown_texts(at)
    named = [x for x in texts if "evil" in x]
    if expect_name:
        assert named, "the page shows no data name through Markdown: nothing was checked"
    for text in named:
        assert not live_markdown(text), (live_markdown(text), text)


SCENARIOS = {
    "territory": {"territoire": "dep:93"},
    "qpv": {"territoire": "dep:93", "qpv": "QN09301M"},
    "ecosystem-tl": {"territoire": "dep:93", "question": "tl_near_qpv", "distance": "5000"},
    "ecosystem-qpv": {"territoire": "dep:93", "question": "qpv_without_sse"},
    "ecosystem-ptce": {"territoire": "dep:93", "question": "sse_near_ptce", "secteur": "Q"},
    "compare": {"territoire": "com:93066", "comparer": "com:93066,com:93008"},
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_names_are_shown_as_text(evil_env, scenario):
    page = pages.script(scenario.split("-")[0])
    at = run(page, **SCENARIOS[scenario])
    assert_inert(at, expect_name=scenario != "ecosystem-qpv")  # that answer names no place


@pytest.mark.parametrize("page", [p.script for p in pages.PAGES], ids=[p.id for p in pages.PAGES])
def test_every_page_with_evil_names(evil_env, page):
    at = run(page, territoire="dep:93")
    assert_inert(at, expect_name=False)


def test_address_check_single_result(evil_env):
    """The QPV found for a point: st.success and the st.table of the answer."""
    at = run(pages.script("address_check"))
    at.text_input(key=S.W_QC_TEXT).input("2.355, 48.935")
    next(b for b in at.button if b.label == "Vérifier").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("QN09301M" in s.value for s in at.success), [s.value for s in at.success]
    assert_inert(at)


def test_md_leaves_ordinary_names_alone_and_escapes_the_rest():
    for name in ("Seine-Saint-Denis (93)", "L'Abreuvoir", "Saint-Denis", "Franc-Moisin"):
        assert md(name) == name
    assert not live_markdown(md(EVIL))
    assert md("- liste") == "\\- liste" and md("12. rue") == "12\\. rue"
    assert md("a\nb\x0bc") == "a b c"
    assert md(None) == ""
    frame = md_frame(__import__("pandas").DataFrame({"[a](x)": ["[b](y)", 3]}, index=["[c]", "d"]))
    assert not any(live_markdown(str(v)) for v in [*frame.columns, *frame.index, frame.iloc[0, 0]])
    assert frame.iloc[1, 0] == 3


# ---------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def evil_server(evil_dir):
    require_chromium()
    with streamlit_app(evil_dir, evil_dir / "streamlit.log", SSE_DASH_TILES="none") as base:
        yield base


@pytest.mark.browser
def test_browser_makes_no_request_to_a_name_s_address(evil_server, tmp_path):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.route(
                "**/*",
                lambda route: route.continue_()
                if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost")
                or route.request.url.startswith(("data:", "blob:", "about:"))
                else route.abort(),
            )
            links = []
            for path, wait in (
                ("/Quartiers_prioritaires?territoire=dep:93&qpv=QN09301M", "géographie 2024"),
                ("/Territoire?territoire=dep:93", "Établissements ESS"),
                ("/Ecosysteme?territoire=dep:93&question=tl_near_qpv", "tiers-lieux de"),
            ):
                page.goto(evil_server + path)
                page.get_by_text(wait).first.wait_for(timeout=90_000)
                page.wait_for_timeout(1500)
                shot = tmp_path / f"{len(shots)}.png"
                page.screenshot(path=str(shot), full_page=False)
                shots.append(shot)
                links += page.eval_on_selector_all(
                    "a[href*='evil']:not([href^='#']), img[src*='evil']",
                    "els => els.map(e => e.outerHTML)",
                )
                body = page.inner_text("body").replace("\u200b", "")
                assert "[Vérifier](https://evil.example)" in body, path  # shown as text
        finally:
            browser.close()
    print("screenshots:", *shots)
    assert links == []
    assert not [u for u in requests if "evil" in u], requests
