"""The deployment topology of deploy/compose.yaml, proved on loopback without containers.

Three `streamlit run app.py` replicas share one data folder behind Debian's nginx, configured
by the very template the compose file mounts (deploy/nginx/default.conf.template). Thirty
browser tabs (headless chromium; six browser profiles of five tabs, two profiles per replica),
each its own Streamlit session, browse for a bounded minute: a page opened from its address,
then territory changes in the sidebar and page changes from the menu. `python -m sse_dash data
build` republishes the warehouse in the middle. Expected: no error anywhere (page, browser,
HTTP, server log, proxy log), each profile kept on one replica, every replica on the new
warehouse without restart. The p95 page time is printed and written to
bench/results_deploy_proxy.json, not asserted."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.request
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
SESSIONS = 30  # browser tabs, each its own Streamlit session (websocket)
USERS = 6  # browser profiles (cookies, cache) the tabs are spread over, two per replica
RAMP_S = 2.0  # tab n opens n × RAMP_S after the first: people arrive over a minute, not at once
RUN_S = 60  # the bounded minute of browsing, counted once every tab is open
REFRESH_AT_S = 15  # the warehouse build starts this long into the minute
THINK_S = (5.0, 12.0)  # a person reads the page before the next click: pause drawn in this range
AFTER_PUBLISH_S = 20  # browsing goes on at least this long after the new warehouse is out,
# however long the build takes (10-20 s on a quiet machine, minutes beside thirty tabs on two
# cores), but never longer than this after the minute starts
MAX_RUN_S = 600
PAGE_TIMEOUT_S = (
    420  # a page not done in seven minutes is an error (2 cores drawing 30 tabs: p95 ~4 min)
)
# (address, label in the sidebar menu)
PAGES = [
    ("/", "Vue d'ensemble"),
    ("/Territoire", "Territoire"),
    ("/Quartiers_prioritaires", "Quartiers prioritaires"),
    ("/Ecosysteme", "Écosystème"),
    ("/Comparer", "Comparer"),
]
# Départements and overseas départements the sessions choose from the list. The list also
# offers Polynésie française (987) and Nouvelle-Calédonie (988), which the app cannot open yet
# (it falls back to France): left out here, the load test is not about them.
DEP_RE = re.compile(r"\((\d\d|2[AB]|97[1-8])\)$")
DEPARTEMENTS = ["93", "75", "13", "69", "59", "31", "33", "44", "67", "34", "35", "06"]
COOKIE_SECRET = "loopback-test-cookie-secret-0123456789abcdef"
# A page is done when its script has run to the end: the app is not running, the page's title is
# shown and, after a territory change, the address carries the new territory (the app writes it
# while the script runs). The script-state attribute alone can miss a fast rerun (the browser
# may never paint its « running » state).
DONE = """([title, territory]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  if (!h1 || !h1.innerText.includes(title)) return false;
  // the sidebar caption says which warehouse served the page: wait for its text, which the
  // browser may paint after the container
  const caption = document.querySelector(
    '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]');
  if (!caption || !caption.textContent.includes('20')) return false;
  return territory === null || new URLSearchParams(location.search).get('territoire') === territory;
}"""
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
        self.t0 = time.monotonic() + SESSIONS * RAMP_S  # the minute starts with the last tab
        self.published_at: float | None = None
        self.refresh_done = False
        self.problems: list[str] = []
        self.pages: list[dict] = []

    def stop_at(self) -> float:
        """The minute, stretched until AFTER_PUBLISH_S after the publication when the build is
        slower than the minute (the checks need pages on the new warehouse)."""
        end = self.t0 + RUN_S
        if self.published_at is not None:
            end = max(end, self.published_at + AFTER_PUBLISH_S)
        elif not self.refresh_done:
            end = self.t0 + MAX_RUN_S
        return min(end, self.t0 + MAX_RUN_S)


async def _finish(
    page, run: Run, session: int, what: str, started: float, kind: str, done: tuple
) -> bool:
    """Wait until the page is done (DONE), then record its time and anything wrong on it."""
    try:
        await page.wait_for_function(DONE, arg=list(done), timeout=PAGE_TIMEOUT_S * 1000)
    except Exception:
        run.problems.append(f"session {session} : {what} jamais terminée")
        return False
    seconds = time.monotonic() - started
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        found = page.locator(selector)
        if await found.count():
            text = await found.first.inner_text()
            run.problems.append(f"session {session} : {what} : {text[:300]}")
    caption = page.locator(CAPTION)
    # text_content: the sidebar may be collapsed in a narrow window (inner_text is then empty)
    shown = (await caption.first.text_content() or "") if await caption.count() else ""
    admin = await page.get_by_text("Lancer la construction").count()
    run.pages.append(
        {"session": session, "what": what, "kind": kind, "started": started, "s": seconds,
         "finished": time.monotonic(), "caption": shown, "admin": bool(admin)}
    )  # fmt: skip
    return True


async def _switch_territory(page, run: Run, session: int, title: str, rng) -> bool:
    """Choose another département in the sidebar: a rerun of the same session."""
    combo = page.get_by_label("Choisir le territoire")
    await combo.click(timeout=PAGE_TIMEOUT_S * 1000)
    options = page.locator('[role="option"]')
    await options.first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
    choices = []
    for _attempt in range(100):  # the virtualised list may show its first rows a moment later
        # read in one go: the virtualised list re-renders while it scrolls to the current value,
        # so an option counted a moment ago may be gone when asked for its text
        shown = await options.evaluate_all(
            "els => els.map(e => [e.innerText, e.getAttribute('aria-selected') === 'true'])"
        )
        choices = [text for text, selected in shown if not selected and DEP_RE.search(text)]
        if choices:
            break
        await asyncio.sleep(0.3)
    label = rng.choice(choices)
    # typed into the box then Enter, as a keyboard user does (a click on an option of the
    # virtualised list can land while it scrolls to the current value, and select nothing)
    await combo.fill(label)
    await options.filter(has_text=label).first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
    territory = "dep:" + re.search(r"\((\w+)\)$", label).group(1)
    started = time.monotonic()
    await combo.press("Enter")
    what = f"choix « {label} »"
    return await _finish(page, run, session, what, started, "switch", (title, territory))


async def _open_page(page, run: Run, session: int, title: str) -> bool:
    """Another page from the sidebar menu: a page change within the session."""
    link = page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True)
    started = time.monotonic()
    await link.click(timeout=PAGE_TIMEOUT_S * 1000)
    return await _finish(page, run, session, f"page « {title} »", started, "page", (title, None))


async def _session(context, base: str, run: Run, session: int, shots: Path) -> None:
    """One tab (one Streamlit session) browsing until the run stops."""
    rng = random.Random(session)
    await asyncio.sleep(session * RAMP_S)
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
    current = session % len(PAGES)
    step = 0
    try:
        # a page opened from its address, then the session lives on: territory changes in the
        # sidebar, and now and then another page of the menu (same websocket, same replica)
        territory = f"dep:{rng.choice(DEPARTEMENTS)}"
        url = f"{base}{PAGES[current][0]}?territoire={territory}"
        started = time.monotonic()
        await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
        done = (PAGES[current][1], territory)
        ok = await _finish(page, run, session, url, started, "load", done)
        while ok and time.monotonic() < run.stop_at():
            await asyncio.sleep(rng.uniform(*THINK_S))
            step += 1
            if step % 3 == 0:
                current = (current + 1 + rng.randrange(len(PAGES) - 1)) % len(PAGES)
                ok = await _open_page(page, run, session, PAGES[current][1])
            else:
                ok = await _switch_territory(page, run, session, PAGES[current][1], rng)
    except Exception as exc:
        run.problems.append(f"session {session} : étape {step} : {str(exc)[:300]}")
    finally:
        if any(p.startswith(f"session {session} ") for p in run.problems):
            with contextlib.suppress(Exception):
                await page.screenshot(path=str(shots / f"session{session}.png"), full_page=True)
        await page.close()


async def _user(browser, base: str, cookie: str) -> object:
    """A browser profile (its own cookies and cache) whose affinity cookie is `cookie`."""
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    await context.add_cookies([{"name": "sse_route", "value": cookie, "url": base}])

    async def local_only(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(
            ("data:", "blob:", "about:")
        ):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", local_only)
    return context


def _switched_at(data_dir: Path) -> float:
    """When `sse.duckdb` was switched to the new version, on the monotonic clock of the page
    timings: the link's own mtime (written just before the atomic rename), not the moment this
    loop noticed it, which can come seconds later on a busy machine."""
    age = time.time() - os.lstat(data_dir / config.WAREHOUSE_NAME).st_mtime
    return time.monotonic() - max(age, 0.0)


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
                run.published_at = _switched_at(data_dir)
            await asyncio.sleep(0.2)
    if run.published_at is None and pub.current_version(data_dir) != before:
        run.published_at = _switched_at(data_dir)
    run.refresh_done = True
    return proc.returncode


async def _warm_up(browser, url: str) -> None:
    """One page per replica before the minute: module imports are not what is measured."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(url + "/Territoire?territoire=dep:93", wait_until="commit")
        await page.wait_for_function(
            DONE, arg=["Territoire", "dep:93"], timeout=PAGE_TIMEOUT_S * 1000
        )
    finally:
        await context.close()


async def _browse(
    base: str, replica_urls: list[str], cookies: list[str], data_dir: Path, logs: Path
) -> tuple[Run, int]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            await asyncio.gather(*(_warm_up(browser, url) for url in replica_urls))
            users = [await _user(browser, base, cookie) for cookie in cookies]
            run = Run()
            refresh = asyncio.create_task(_refresh(data_dir, run, logs / "refresh.log"))
            await asyncio.gather(
                *(_session(users[i % len(users)], base, run, i, logs) for i in range(SESSIONS)),
            )
            code = await refresh
        finally:
            await browser.close()
    return run, code


def affinity_cookies(base: str, access_log: Path, replicas: int, per_replica: int) -> list[str]:
    """Cookie values that nginx hashes `per_replica` to each replica, found by asking it (the
    hash is nginx's business): the browser profiles start with these, as returning users do."""
    for i in range(200):
        request = urllib.request.Request(
            f"{base}/_stcore/health", headers={"Cookie": f"sse_route=loopback-user-{i}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "sse_route" not in (response.headers.get("Set-Cookie") or "")
    by_replica: dict[str, list[str]] = {}
    for route, upstreams in access_log_routes(access_log).items():
        if route.startswith("loopback-user-"):
            assert len(upstreams) == 1
            by_replica.setdefault(next(iter(upstreams)), []).append(route)
    assert len(by_replica) == replicas, by_replica.keys()
    chosen = [r for routes in by_replica.values() for r in sorted(routes)[:per_replica]]
    assert len(chosen) == replicas * per_replica
    return chosen


def write_report(run: Run, cookies: list[str], seen: dict, wall: float) -> dict:
    """p50/p95 page times and the run's figures -> bench/results_deploy_proxy.json."""
    loads = [p["s"] for p in run.pages if p["kind"] == "load"]
    switches = [p["s"] for p in run.pages if p["kind"] == "switch"]
    changes = [p["s"] for p in run.pages if p["kind"] == "page"]
    published = run.published_at
    report = {
        "test": "tests/test_deploy_proxy.py",
        "replicas": REPLICAS,
        "sessions": SESSIONS,
        "browser_profiles": USERS,
        "wall_s": round(wall, 1),
        "refresh_published_after_s": round(published - run.t0, 1) if published else None,
        "page_loads": len(loads),
        "territory_switches": len(switches),
        "page_changes": len(changes),
        "pages_after_refresh": sum(p["started"] > (published or 1e18) for p in run.pages),
        "errors": len(run.problems),
        "first_errors": run.problems[:10],
        "sessions_per_replica": {},
    }
    for i in range(SESSIONS):
        for upstream in seen.get(cookies[i % len(cookies)], ()):
            per = report["sessions_per_replica"]
            per[upstream] = per.get(upstream, 0) + 1
    every = loads + switches + changes
    for name, values in (
        ("all", every),
        ("load", loads),
        ("territory_switch", switches),
        ("page_change", changes),
    ):
        if values:
            p50, p95 = np.percentile(values, [50, 95])
            report[f"p50_{name}_s"], report[f"p95_{name}_s"] = round(p50, 2), round(p95, 2)
    out = REPO / "bench" / "results_deploy_proxy.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print("\n" + json.dumps(report, ensure_ascii=False))
    return report


def test_first_response_sets_the_affinity_cookie_once(topology):
    base = topology["base"]
    with urllib.request.urlopen(base + "/", timeout=30) as first:
        cookie = first.headers.get("Set-Cookie") or ""
        assert first.headers.get("X-Frame-Options") == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in first.headers.get("Content-Security-Policy")
    match = re.match(r"sse_route=(\w+); Path=/; HttpOnly; SameSite=Lax$", cookie)
    assert match, cookie
    again = urllib.request.Request(base + "/", headers={"Cookie": f"sse_route={match[1]}"})
    with urllib.request.urlopen(again, timeout=30) as second:
        assert second.headers.get("Set-Cookie") is None


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(1800)
def test_thirty_sessions_three_replicas_and_a_refresh(topology):
    base, data_dir, logs = topology["base"], topology["data_dir"], topology["logs"]
    old_built = built_at(topology["first"])
    t_start = time.monotonic()
    urls = [server.url for server in topology["servers"]]
    cookies = affinity_cookies(base, logs / "access.log", REPLICAS, USERS // REPLICAS)
    run, code = asyncio.run(_browse(base, urls, cookies, data_dir, logs))
    seen = access_log_routes(logs / "access.log")
    write_report(run, cookies, seen, time.monotonic() - t_start)

    # no error anywhere
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
    before = [p for p in run.pages if p["finished"] < run.published_at]
    assert before
    stale_before = [p for p in before if old_built not in p["caption"]]
    assert not stale_before, (
        old_built,
        run.published_at,
        [(p["what"], p["caption"], p["finished"]) for p in stale_before[:3]],
    )

    # each browser profile stayed on one replica, and the sessions were spread over all of them
    assert all(len(seen[c]) == 1 for c in cookies), {c: seen.get(c) for c in cookies}
    used = {next(iter(seen[c])) for c in cookies}
    assert used == {urlparse(s.url).netloc for s in topology["servers"]}
