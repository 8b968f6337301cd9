"""The deployment topology of deploy/compose.yaml, proved on loopback without containers.

Three `streamlit run app.py` replicas share one data folder behind Debian's nginx, configured
by the very template the compose file mounts (deploy/nginx/default.conf.template). Thirty
browser sessions (headless chromium, one context each) browse for a bounded minute, opening
pages and switching territories in the sidebar; `python -m sse_dash data build` republishes the
warehouse in the middle. Expected: no error anywhere (page, browser, HTTP, server log, proxy
log), each session kept on one replica, every replica on the new warehouse without restart.
The p95 page time is printed and written to bench/results_deploy_proxy.json, not asserted."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
import yaml
from browser_support import ARGS, CHROMIUM, free_port, require_chromium
from proxy_support import (
    COMPOSE,
    REPO,
    TEMPLATE,
    access_log_routes,
    check_config,
    main_config,
    nginx,
    render,
    replicas,
    template_variables,
)

from sse_dash import config, db
from sse_dash.warehouse import publish as pub

REPLICAS = 3
SESSIONS = 30
RUN_S = 60  # the bounded minute of browsing
REFRESH_AT_S = 12  # the warehouse build starts this long into the minute
AFTER_PUBLISH_S = 12  # browsing goes on at least this long after the new warehouse is out...
MAX_RUN_S = 150  # ...but never longer than this
PAGE_TIMEOUT_S = 90
PAGES = ["/", "/Territoire", "/Quartiers_prioritaires", "/Ecosysteme", "/Comparer"]
DEPARTEMENTS = ["93", "75", "13", "69", "59", "31", "33", "44", "67", "34", "35", "06"]
COOKIE_SECRET = "loopback-test-cookie-secret-0123456789abcdef"
# Records when the script run that follows the next « running » state ends.
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
RESET_SCRIPT = (
    "() => { window.__sawRunning = false; window.__doneAt = undefined; "
    "window.__t0 = performance.now(); }"
)
CAPTION = '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]'


def site_values(port: int, upstreams: list[str], log: Path) -> dict[str, str]:
    return {
        "SSE_LISTEN": f"127.0.0.1:{port}",
        "SSE_UPSTREAM_SERVERS": " ".join(f"server {u};" for u in upstreams),
        "SSE_ACCESS_LOG": str(log),
        "SSE_CSP_TILES": "'self'",
    }


# ------------------------------------------------------------------ the template itself
def test_compose_proxy_fills_every_template_variable():
    compose = yaml.safe_load(COMPOSE.read_text())
    proxy = compose["services"]["proxy"]
    assert any(TEMPLATE.name in v and "/etc/nginx/templates/" in v for v in proxy["volumes"])
    given = {k for k in proxy["environment"] if k.startswith("SSE_")}
    assert given == template_variables()
    assert compose["services"]["app"]["volumes"] == ["warehouse:/data:ro"]
    assert compose["services"]["refresh"]["volumes"] == ["warehouse:/data"]
    assert compose["services"]["refresh"]["command"] == ["python", "deploy/refresh.py"]


def test_rendered_template_is_a_valid_nginx_config(tmp_path):
    compose = yaml.safe_load(COMPOSE.read_text())
    values = dict(compose["services"]["proxy"]["environment"])
    values["SSE_CSP_TILES"] = "https://tile.openstreetmap.org"
    # `app` only resolves inside the compose network; everything else as compose sets it
    values["SSE_UPSTREAM_SERVERS"] = values["SSE_UPSTREAM_SERVERS"].replace("app:", "127.0.0.1:")
    values["SSE_LISTEN"] = f"127.0.0.1:{free_port()}"
    values["SSE_ACCESS_LOG"] = str(tmp_path / "access.log")
    result = check_config(main_config(tmp_path, render(values)))
    assert result.returncode == 0, result.stderr
    with pytest.raises(KeyError, match="SSE_LISTEN"):
        render({k: v for k, v in values.items() if k != "SSE_LISTEN"})


# ------------------------------------------------------------------ the topology under load
@pytest.fixture(scope="module")
def topology(dev_warehouse, tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("deploy_proxy")
    data_dir = root / "data"
    data_dir.mkdir()
    shutil.copyfile(dev_warehouse, data_dir / "staged.duckdb")  # follows the link
    first = pub.publish(data_dir / "staged.duckdb", data_dir)
    logs = root / "logs"
    logs.mkdir()
    env = {"SSE_DASH_TILES": "none", "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET}
    with replicas(REPLICAS, data_dir, logs, **env) as servers:
        port = free_port()
        upstreams = [urlparse(r.url).netloc for r in servers]
        site = render(site_values(port, upstreams, logs / "access.log"))
        conf = main_config(root / "nginx", site)
        assert check_config(conf).returncode == 0
        base = f"http://127.0.0.1:{port}"
        with nginx(conf, base + "/_stcore/health"):
            yield {
                "base": base,
                "data_dir": data_dir,
                "first": first,
                "servers": servers,
                "logs": logs,
                "nginx_dir": root / "nginx",
                "root": root,
            }


def built_at(path: Path) -> str:
    con = db.open_warehouse(path)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()[0]
    finally:
        con.close()


class Run:
    """Shared state of the browsing minute."""

    def __init__(self):
        self.t0 = time.monotonic()
        self.published_at: float | None = None
        self.refresh_done = False
        self.problems: list[str] = []
        self.pages: list[dict] = []

    def stop_at(self) -> float:
        end = self.t0 + RUN_S
        if not self.refresh_done:
            end = self.t0 + MAX_RUN_S
        elif self.published_at is not None:
            end = max(end, self.published_at + AFTER_PUBLISH_S)
        return min(end, self.t0 + MAX_RUN_S)


async def _finish(page, run: Run, session: int, what: str, started: float, kind: str):
    """Wait for the script run, then record its time and anything wrong on the page."""
    try:
        await page.wait_for_function(
            "() => window.__doneAt !== undefined", timeout=PAGE_TIMEOUT_S * 1000
        )
    except Exception:
        run.problems.append(f"session {session} : {what} jamais terminée")
        return False
    if kind == "load":
        seconds = await page.evaluate("() => window.__doneAt") / 1000
    else:
        seconds = await page.evaluate("() => window.__doneAt - window.__t0") / 1000
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        found = page.locator(selector)
        if await found.count():
            text = await found.first.inner_text()
            run.problems.append(f"session {session} : {what} : {text[:300]}")
    caption = page.locator(CAPTION)
    shown = await caption.first.inner_text() if await caption.count() else ""
    admin = await page.get_by_text("Lancer la construction").count()
    run.pages.append(
        {"session": session, "what": what, "kind": kind, "started": started, "s": seconds,
         "caption": shown, "admin": bool(admin)}
    )  # fmt: skip
    return True


async def _switch_territory(page, run: Run, session: int, rng: random.Random) -> bool:
    """Choose another département in the sidebar: a rerun of the same session."""
    await page.evaluate(RESET_SCRIPT)
    started = time.monotonic()
    await page.get_by_label("Choisir le territoire").click(timeout=PAGE_TIMEOUT_S * 1000)
    options = page.locator('[role="option"]')
    await options.first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
    choices = [
        i
        for i in range(await options.count())
        if await options.nth(i).get_attribute("aria-selected") != "true"
    ]
    label = await options.nth(rng.choice(choices)).inner_text()
    await options.filter(has_text=label).first.click()
    return await _finish(page, run, session, f"choix « {label} »", started, "switch")


async def _session(browser, base: str, run: Run, session: int) -> str | None:
    rng = random.Random(session)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})

    async def local_only(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(
            ("data:", "blob:", "about:")
        ):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", local_only)
    await context.add_init_script(DONE_SCRIPT)
    page = await context.new_page()
    page.on("pageerror", lambda exc: run.problems.append(f"session {session} : JS {exc}"))
    page.on(
        "console",
        lambda msg: run.problems.append(f"session {session} : CSP {msg.text[:200]}")
        if msg.type == "error" and "Content Security Policy" in msg.text
        else None,
    )
    page.on(
        "response",
        lambda r: run.problems.append(f"session {session} : HTTP {r.status} {r.url}")
        if r.status >= 500
        else None,
    )
    step = 0
    try:
        while time.monotonic() < run.stop_at():
            if step % 3 == 0:
                path = PAGES[(session + step // 3) % len(PAGES)]
                url = f"{base}{path}?territoire=dep:{rng.choice(DEPARTEMENTS)}"
                started = time.monotonic()
                try:
                    await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
                except Exception as exc:
                    run.problems.append(f"session {session} : {url} : {exc}")
                    break
                if not await _finish(page, run, session, url, started, "load"):
                    break
            else:
                try:
                    if not await _switch_territory(page, run, session, rng):
                        break
                except Exception as exc:
                    run.problems.append(f"session {session} : choix du territoire : {exc}")
                    break
            step += 1
        cookies = await context.cookies()
        return next((c["value"] for c in cookies if c["name"] == "sse_route"), None)
    finally:
        await context.close()


async def _refresh(data_dir: Path, run: Run, log: Path) -> int:
    """`data build` into the shared folder, as the compose `refresh` service runs it."""
    await asyncio.sleep(max(0.0, run.t0 + REFRESH_AT_S - time.monotonic()))
    before = pub.current_version(data_dir)
    env = dict(os.environ, SSE_DASH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "sse_dash", "data", "build", "--catalog", "catalogs/dev.toml"]
    cmd += ["--synth-scale", "test"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            if run.published_at is None and pub.current_version(data_dir) != before:
                run.published_at = time.monotonic()
            await asyncio.sleep(0.2)
    if run.published_at is None and pub.current_version(data_dir) != before:
        run.published_at = time.monotonic()
    run.refresh_done = True
    return proc.returncode


async def _browse(base: str, data_dir: Path, logs: Path) -> tuple[Run, list, int]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            run = Run()
            refresh = asyncio.create_task(_refresh(data_dir, run, logs / "refresh.log"))
            routes = await asyncio.gather(
                *(_session(browser, base, run, i) for i in range(SESSIONS)),
                return_exceptions=True,
            )
            code = await refresh
        finally:
            await browser.close()
    return run, routes, code


def write_report(run: Run, routes: list, seen: dict, wall: float) -> dict:
    """p50/p95 page times and the run's figures -> bench/results_deploy_proxy.json."""
    cookies = [r for r in routes if isinstance(r, str)]
    loads = [p["s"] for p in run.pages if p["kind"] == "load"]
    switches = [p["s"] for p in run.pages if p["kind"] == "switch"]
    published = run.published_at
    report = {
        "test": "tests/test_deploy_proxy.py",
        "replicas": REPLICAS,
        "sessions": SESSIONS,
        "wall_s": round(wall, 1),
        "refresh_published_after_s": round(published - run.t0, 1) if published else None,
        "page_loads": len(loads),
        "territory_switches": len(switches),
        "pages_after_refresh": sum(p["started"] > (published or 1e18) for p in run.pages),
        "errors": len(run.problems),
        "sessions_per_replica": {},
    }
    for cookie in cookies:
        for upstream in seen.get(cookie, ()):
            per = report["sessions_per_replica"]
            per[upstream] = per.get(upstream, 0) + 1
    for name, values in (("all", loads + switches), ("load", loads), ("switch", switches)):
        if values:
            p50, p95 = np.percentile(values, [50, 95])
            report[f"p50_{name}_s"], report[f"p95_{name}_s"] = round(p50, 2), round(p95, 2)
    out = REPO / "bench" / "results_deploy_proxy.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print("\n" + json.dumps(report, ensure_ascii=False))
    return report


@pytest.mark.slow
@pytest.mark.browser
def test_thirty_sessions_three_replicas_and_a_refresh(topology):
    base, data_dir, logs = topology["base"], topology["data_dir"], topology["logs"]
    old_built = built_at(topology["first"])
    t_start = time.monotonic()
    run, routes, code = asyncio.run(_browse(base, data_dir, logs))
    seen = access_log_routes(logs / "access.log")
    write_report(run, routes, seen, time.monotonic() - t_start)

    # no error anywhere
    crashed = [r for r in routes if isinstance(r, BaseException)]
    assert not crashed, crashed[:3]
    assert not run.problems, run.problems[:5]
    for server in topology["servers"]:
        assert server.proc.poll() is None, "a replica stopped"
        text = server.log.read_text()
        assert "Traceback" not in text, text[-3000:]
    proxy_errors = [
        line
        for line in (topology["nginx_dir"] / "error.log").read_text().splitlines()
        if any(level in line for level in ("[error]", "[crit]", "[alert]", "[emerg]"))
    ]
    assert not proxy_errors, proxy_errors[:5]

    # the refresh published a new version, and every replica serves it without a restart
    assert code == 0, (logs / "refresh.log").read_text()[-3000:]
    assert run.published_at is not None
    new_version = pub.current_version(data_dir)
    assert new_version != topology["first"].name
    new_built = built_at(data_dir / config.WAREHOUSE_NAME)
    assert new_built != old_built
    for server in topology["servers"]:
        opened = {n for n in server.open_files() if n.endswith(".duckdb")}
        assert new_version in opened, f"{server.url} : {opened} (publié : {new_version})"

    # every page started after the publication shows the new warehouse; nobody is administrator
    assert run.pages and not any(p["admin"] for p in run.pages)
    after = [p for p in run.pages if p["started"] > run.published_at]
    assert after, "no page after the refresh"
    stale = [p for p in after if new_built not in p["caption"]]
    assert not stale, stale[:3]
    before = [p for p in run.pages if p["started"] < run.published_at]
    assert before and all(old_built in p["caption"] for p in before[:5])

    # each browser stayed on one replica, and the sessions were spread over all of them
    cookies = [r for r in routes if isinstance(r, str)]
    assert len(cookies) == SESSIONS
    assert all(len(seen[c]) == 1 for c in cookies), {c: seen.get(c) for c in cookies}
    used = {next(iter(seen[c])) for c in cookies}
    assert used == {urlparse(s.url).netloc for s in topology["servers"]}
