"""Shared harness for the real-browser tests: Debian's chromium (never a downloaded browser)
and a `streamlit run app.py` on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sse_dash.ui import pages

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def require_chromium() -> None:
    """Skip without chromium, except in CI where the browser tests must run."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} est requis en CI (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} absent")
    pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(
    data_dir: Path, log_path: Path, *, unset: tuple[str, ...] = (), **env: str
) -> Iterator[str]:
    """The dashboard served from `data_dir` on 127.0.0.1; yields its base URL. `unset` removes
    variables from the server's environment (not from the tests')."""
    port = free_port()
    full_env = dict(os.environ, SSE_DASH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO), **env)
    for name in unset:
        full_env.pop(name, None)
    entry = pages.script("overview")
    cmd = [sys.executable, "-m", "streamlit", "run", entry, "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail("streamlit n'a pas démarré : " + log_path.read_text())
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
