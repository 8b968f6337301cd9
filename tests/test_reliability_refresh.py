"""Interrupted refresh: a download or a warehouse build killed with SIGKILL (no Python cleanup
runs) leaves the previous good copy byte-identical, and the next run recovers."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sse_dash import db, fetch
from sse_dash.ui import pages

REPO = Path(__file__).resolve().parent.parent
CHUNK = 64 * 1024
BODY = hashlib.sha256(b"seed").digest() * (8 * 1024 * 1024 // 32)  # 8 MiB, deterministic
BODY_SHA = hashlib.sha256(BODY).hexdigest()
OLD = b"previous good copy\n" * 100


class SlowHandler(BaseHTTPRequestHandler):
    """Serves BODY with Range support; slowly while `server.slow` is set (64 KiB / 20 ms)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        srv = self.server
        srv.calls.append(dict(self.headers))
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(BODY) - 1}/{len(BODY)}")
        else:
            self.send_response(200)
        self.send_header("ETag", '"v2"')
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(BODY) - start))
        self.end_headers()
        try:
            for pos in range(start, len(BODY), CHUNK):
                self.wfile.write(BODY[pos : pos + CHUNK])
                if srv.slow:
                    time.sleep(0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed


@pytest.fixture
def slow_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    srv.daemon_threads = True
    srv.calls = []
    srv.slow = True
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/data.bin", srv
    srv.shutdown()
    srv.server_close()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    pytest.fail(f"délai dépassé : {what}")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_download_killed_midway_keeps_previous_file_then_resumes(slow_server, tmp_path):
    url, srv = slow_server
    dest = tmp_path / "data.bin"
    dest.write_bytes(OLD)
    old_meta = {"source": url, "sha256": hashlib.sha256(OLD).hexdigest(), "etag": '"v1"'}
    fetch.meta_path(dest).write_text(json.dumps(old_meta), encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from sse_dash.fetch import download; "
        "download(sys.argv[1], Path(sys.argv[2]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, url, str(dest)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    part = fetch.part_path(dest)
    try:
        wait_for(lambda: part.exists() and part.stat().st_size >= 1024 * 1024, 60, ".part ≥ 1 Mo")
        assert proc.poll() is None, "the download ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    # the previous copy and its description are untouched; the bytes received are kept aside
    assert dest.read_bytes() == OLD
    assert json.loads(fetch.meta_path(dest).read_text(encoding="utf-8")) == old_meta
    received = part.stat().st_size
    assert 0 < received < len(BODY)
    assert part.read_bytes() == BODY[:received]

    srv.slow = False
    got = fetch.download(url, dest)
    assert not got.from_cache
    assert got.sha256 == BODY_SHA == sha(dest)
    assert srv.calls[-1].get("Range") == f"bytes={received}-"  # resumed, not restarted
    assert not part.exists()
    assert json.loads(fetch.meta_path(dest).read_text(encoding="utf-8"))["sha256"] == BODY_SHA


def _tables(path: Path) -> dict[str, int]:
    con = db.open_warehouse(path)
    try:
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


@pytest.mark.slow
def test_build_killed_midway_keeps_the_warehouse_and_the_app_serves(dev_warehouse, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    wh = data_dir / "sse.duckdb"
    shutil.copy2(dev_warehouse, wh)
    before_sha, before_tables = sha(wh), _tables(wh)
    assert before_tables["qpv"] > 0
    env = dict(os.environ, SSE_DASH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    log = open(tmp_path / "build.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "sse_dash", "data", "build", "--catalog", "catalogs/dev.toml"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    tmp = data_dir / "sse.duckdb.tmp"
    try:
        # kill while it is writing the new warehouse (the temporary file exists and grows)
        wait_for(lambda: tmp.exists() or proc.poll() is not None, 120, "sse.duckdb.tmp créé")
        time.sleep(1.0)
        assert proc.poll() is None, "the build finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    assert proc.returncode == -signal.SIGKILL
    assert sha(wh) == before_sha
    assert _tables(wh) == before_tables

    from streamlit.testing.v1 import AppTest

    old = {k: os.environ.get(k) for k in ("SSE_DASH_DATA_DIR", "SSE_DASH_TILES")}
    os.environ.update(SSE_DASH_DATA_DIR=str(data_dir), SSE_DASH_TILES="none")
    try:
        for page in (None, pages.script("qpv")):
            at = AppTest.from_file(str(REPO / pages.script("overview")), default_timeout=120)
            at.query_params["territoire"] = "dep:93"
            if page:
                at.switch_page(page)
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            shown = "\n".join(str(m.value) for m in [*at.markdown, *at.subheader, *at.title])
            assert "pas encore construite" not in shown
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
