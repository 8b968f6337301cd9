"""Concurrency: one `streamlit run app.py` on the dev warehouse, 20 browser sessions at once
(one headless chromium, one tab per session) browsing two pages each, while 20 threads run
single « Adresse en QPV ? » checks. Expect 0 errors; the p95 page time is printed, not asserted."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from browser_support import ARGS, CHROMIUM, require_chromium, streamlit_app

from sse_dash import db
from sse_dash.qpvcheck import engine
from sse_dash.ui import pages

pytestmark = [pytest.mark.slow, pytest.mark.browser]


SESSIONS = 20
# every page of the app; the territory pages on dep:93, the home page on France
QUERY = {"overview": "?territoire=fr", "address_check": "", "sources": ""}
PAGES = [f"/{page.url_path}{QUERY.get(page.id, '?territoire=dep:93')}" for page in pages.PAGES]
TOTAL_TIMEOUT_S = 480  # a loaded 2-core box (other jobs, CI neighbours) needs minutes
# Records when the script run that follows the first « running » state ends.
DONE_SCRIPT = """
(() => {
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    const s = app.getAttribute('data-test-script-state');
    if (s === 'running') window.__sawRunning = true;
    if (s === 'notRunning' && window.__sawRunning && window.__doneAt === undefined) {
      window.__doneAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, attributes: true, childList: true});
})();
"""


@pytest.fixture(scope="module")
def server(dev_data_dir, tmp_path_factory):
    require_chromium()
    log_path = tmp_path_factory.mktemp("concurrency") / "streamlit.log"
    with streamlit_app(dev_data_dir, log_path, SSE_DASH_TILES="none") as base:
        yield base, log_path


def _sample_points(path: Path, n: int) -> list[tuple[float, float]]:
    """QPV label points (inside) and the same shifted ~1 km (mostly outside)."""
    con = db.open_warehouse(path)
    try:
        rows = con.execute(
            "SELECT lon, lat FROM qpv WHERE geography = '2024' AND lon IS NOT NULL ORDER BY code"
        ).fetchall()
    finally:
        con.close()
    rng = np.random.default_rng(7)
    pick = [rows[i] for i in rng.integers(0, len(rows), n)]
    return [(lo + (0.012 if i % 2 else 0.0), la) for i, (lo, la) in enumerate(pick)]


def _single_checks(ref, pts) -> list[tuple]:
    out = []
    for lon, lat in pts:
        r = engine.check_coordinates(ref, lon, lat)
        out.append((r.code, r.in_qpv, round(r.distance_m, 3)))
    return out


def test_twenty_sessions_and_parallel_single_checks(server, dev_warehouse):
    from playwright.sync_api import sync_playwright

    base, log_path = server
    ref = engine.get_reference(dev_warehouse)
    pts = _sample_points(dev_warehouse, 100)
    t_start = time.monotonic()
    expected = _single_checks(ref, pts)  # sequential answers, compared with the parallel ones
    t_checks = time.monotonic() - t_start
    check_errors: list[str] = []
    check_results: dict[int, list] = {}

    def checker(i: int):
        try:
            check_results[i] = _single_checks(ref, pts[i::SESSIONS])
        except Exception as exc:  # counted, not raised from a thread
            check_errors.append(repr(exc))

    page_times: list[float] = []
    problems: list[str] = []
    deadline = time.monotonic() + TOTAL_TIMEOUT_S
    pool = ThreadPoolExecutor(max_workers=SESSIONS)
    futures = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            tabs = []
            for i in range(SESSIONS):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route(
                    "**/*",
                    lambda route: route.continue_()
                    if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost")
                    or route.request.url.startswith(("data:", "blob:", "about:"))
                    else route.abort(),
                )
                context.add_init_script(DONE_SCRIPT)
                page = context.new_page()
                page.on("pageerror", lambda exc, i=i: problems.append(f"session {i}: {exc}"))
                tabs.append(page)
            for round_ in range(2):
                for i, page in enumerate(tabs):
                    url = base + PAGES[(i + 3 * round_) % len(PAGES)]
                    page.goto(url, wait_until="commit", timeout=60_000)
                if round_ == 0:  # single checks run while the sessions load
                    futures = [pool.submit(checker, i) for i in range(SESSIONS)]
                for i, page in enumerate(tabs):
                    left_ms = max(1_000, (deadline - time.monotonic()) * 1000)
                    try:
                        page.wait_for_function(
                            "() => window.__doneAt !== undefined", timeout=left_ms
                        )
                    except Exception:
                        problems.append(f"session {i}, tour {round_}: page jamais terminée")
                        continue
                    page_times.append(page.evaluate("() => window.__doneAt") / 1000)
                    n_exc = page.locator('[data-testid="stException"]').count()
                    if n_exc:
                        text = page.locator('[data-testid="stException"]').first.inner_text()
                        problems.append(f"session {i}, tour {round_}: {text[:300]}")
        finally:
            browser.close()
            for f in futures:
                f.result(timeout=120)
            pool.shutdown()

    merged = [None] * len(pts)
    for i, res in check_results.items():
        merged[i::SESSIONS] = res
    p50, p95 = np.percentile(page_times, [50, 95]) if page_times else (float("nan"),) * 2
    print(
        f"\n{SESSIONS} sessions × 2 pages : {len(page_times)} pages terminées, "
        f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(page_times, default=float('nan')):.2f} s ; "
        f"{len(pts)} vérifications ponctuelles en {SESSIONS} fils "
        f"(séquentiel : {t_checks:.1f} s ; test complet : {time.monotonic() - t_start:.0f} s)"
    )
    assert not problems, problems[:5]
    assert not check_errors, check_errors[:5]
    assert len(page_times) == 2 * SESSIONS
    assert merged == expected
    log = log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
