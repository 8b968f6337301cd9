"""The deployment topology on loopback, without containers: Debian's nginx configured by the
same template as deploy/compose.yaml (deploy/nginx/default.conf.template) in front of several
`streamlit run app.py` processes."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import free_port

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "deploy" / "nginx" / "default.conf.template"
COMPOSE = REPO / "deploy" / "compose.yaml"
_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def template_variables(text: str | None = None) -> set[str]:
    """The `${NAME}` variables of the template (what envsubst fills in)."""
    return set(_VAR_RE.findall(TEMPLATE.read_text() if text is None else text))


def render(values: dict[str, str], text: str | None = None) -> str:
    """The template with its variables replaced, as the nginx image's envsubst does; every
    variable must be given (nginx would otherwise read `${NAME}` literally)."""
    text = TEMPLATE.read_text() if text is None else text
    missing = template_variables(text) - set(values)
    if missing:
        raise KeyError(f"variables manquantes : {sorted(missing)}")
    return _VAR_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def nginx_binary() -> str:
    """Debian's nginx; skipped when absent, except in CI (.ci/run installs it)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx est requis en CI (apt-get install -y nginx)")
        pytest.skip("nginx absent")
    return found


def main_config(folder: Path, site: str) -> Path:
    """An nginx.conf that keeps everything (pid, logs, temporary files) in `folder` and
    includes `site` at http level, as the nginx image includes conf.d/*.conf."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
{temp}
    default_type application/octet-stream;
    include {folder / "site.conf"};
}}
"""
    )
    return conf


def check_config(conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on `conf`."""
    return subprocess.run(
        [nginx_binary(), "-t", "-q", "-c", str(conf), "-p", str(conf.parent)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@contextlib.contextmanager
def nginx(conf: Path, health_url: str) -> Iterator[subprocess.Popen]:
    """nginx in the foreground on `conf`; ready once `health_url` answers through it."""
    proc = subprocess.Popen(
        [nginx_binary(), "-c", str(conf), "-p", str(conf.parent), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(0.3)
        if proc.poll() is not None:
            pytest.fail("nginx s'est arrêté : " + (conf.parent / "error.log").read_text())
        wait_healthy(health_url, conf.parent / "error.log", tries=150)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Replica:
    url: str
    proc: subprocess.Popen
    log: Path

    def open_files(self) -> set[str]:
        """Names of the files this server process has open (Linux /proc)."""
        names = set()
        for fd in Path(f"/proc/{self.proc.pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                names.add(Path(os.readlink(fd)).name)
        return names


@contextlib.contextmanager
def replicas(count: int, data_dir: Path, log_dir: Path, **env: str) -> Iterator[list[Replica]]:
    """`count` dashboard servers on loopback ports, all reading `data_dir`; started together,
    yielded once each answers /_stcore/health."""
    full_env = dict(os.environ, SSE_DASH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO), **env)
    started: list[Replica] = []
    try:
        for i in range(count):
            port = free_port()
            cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
            cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
            log = log_dir / f"replica{i}.log"
            with open(log, "w") as out:
                proc = subprocess.Popen(
                    cmd, cwd=REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT
                )
            started.append(Replica(f"http://127.0.0.1:{port}", proc, log))
        for replica in started:
            wait_healthy(replica.url + "/_stcore/health", replica.log)
        yield started
    finally:
        for replica in started:
            replica.proc.terminate()
        for replica in started:
            try:
                replica.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                replica.proc.kill()


def wait_healthy(url: str, log: Path, tries: int = 300) -> None:
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} ne répond pas : " + log.read_text()[-3000:])


def access_log_routes(path: Path) -> dict[str, set[str]]:
    """Route cookie -> the replicas nginx sent its requests to (from the sse_dash log format)."""
    routes: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        route = re.search(r" route=(\S+)", line)
        upstream = re.search(r" upstream=(\S+)$", line)
        if route and upstream and upstream.group(1) != "-":
            routes.setdefault(route.group(1), set()).add(upstream.group(1))
    return routes
