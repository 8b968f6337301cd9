"""UI benchmarks for `python -m sse_dash bench` (registered in sse_dash.benchmarks):
page run times under AppTest on the current warehouse, and browser paint time of a map with
many establishments (offline, vendored Leaflet)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sse_dash import config, maps
from sse_dash.dashboard import mapviews

PAGES = (
    ("Vue d'ensemble", "app.py", {}),
    ("Territoire", "pages/1_Territoire.py", {"territoire": "dep:93"}),
    ("Quartiers prioritaires", "pages/2_Quartiers_prioritaires.py", {"territoire": "dep:93"}),
    ("Écosystème", "pages/3_Ecosysteme.py", {"territoire": "dep:93"}),
    ("Comparer", "pages/4_Comparer.py", {"territoire": "dep:93", "comparer": "dep:93,dep:75"}),
    ("Données & sources", "pages/6_Donnees_et_sources.py", {}),
)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def _run_page(script: str, params: dict) -> float:
    from streamlit.testing.v1 import AppTest

    t0 = time.perf_counter()
    at = AppTest.from_file(str(config.REPO_ROOT / "app.py"), default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    if script != "app.py":
        at.switch_page(script)
    at.run()
    if at.exception:
        raise RuntimeError(f"{script}: {at.exception[0].value}")
    return time.perf_counter() - t0


def bench_pages() -> list[dict]:
    """Each page twice under AppTest: cold (empty caches) then warm (cached queries)."""
    if not config.warehouse_path().exists():
        raise RuntimeError("base absente : lancez `make data-dev`")
    out = []
    for label, script, params in PAGES:
        cold = _run_page(script, params)
        warm = _run_page(script, params)
        out.append(
            {
                "name": f"page {label}",
                "params": params,
                "cold_s": round(cold, 2),
                "warm_s": round(warm, 2),
            }
        )
    return out


def bench_browser_paint(n_points: int = 50_000) -> dict:
    """Time from navigation to painted canvas for `n_points` establishments in headless
    chromium, every request outside the machine refused."""
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(0)
    ets = pd.DataFrame(
        {
            "lon": rng.uniform(2.25, 2.45, n_points),
            "lat": rng.uniform(48.82, 48.95, n_points),
            "name": [f"Association numéro {i}" for i in range(n_points)],
            "family": rng.choice(mapviews.FAMILY_ORDER, n_points),
            "naf": "94.99Z",
        }
    )
    m = mapviews.layered_map(establishments=ets, tiles=None)
    html = maps.map_html(m)
    vendor = (config.REPO_ROOT / "static" / "vendor").as_uri()
    html = html.replace(maps.VENDOR_URL, vendor)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                context = browser.new_context(viewport={"width": 1200, "height": 800})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                )
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(page_path.as_uri())
                page.wait_for_function(
                    """() => { const c = document.querySelector('.leaflet-overlay-pane canvas');
                    if (!c) return false;
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    for (let i = 3; i < d.length; i += 400) { if (d[i] > 0) return true; }
                    return false; }""",
                    timeout=120_000,
                )
                paint = time.perf_counter() - t0
            finally:
                browser.close()
    return {
        "name": f"carte {n_points:,} établissements (canvas)".replace(",", " "),
        "points": n_points,
        "paint_s": round(paint, 2),
        "html_mb": round(len(html.encode()) / 1e6, 2),
        "target_s": 3.0,
    }
