"""Limits and headers the reverse proxy adds in front of the app: checked on the shipped files
(the proxy itself is exercised by tests/test_deploy_proxy.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _megabytes(text: str) -> int:
    return int(re.fullmatch(r"([0-9]+)m", text).group(1))


def test_proxy_body_limits_follow_the_app_upload_limit():
    """A request bigger than the app accepts is refused by the proxy, before it is received
    (the proxies used to let 200 MB through to a 50 MB app)."""
    app = tomllib.loads((REPO / ".streamlit/config.toml").read_text())["server"]["maxUploadSize"]
    nginx = (REPO / "deploy/nginx/default.conf.template").read_text()
    ingress = (REPO / "deploy/k8s/ingress.yaml").read_text()
    limits = [
        re.search(r"client_max_body_size\s+([0-9]+m);", nginx).group(1),
        re.search(r'proxy-body-size:\s+"([0-9]+m)"', ingress).group(1),
    ]
    for limit in limits:
        assert app <= _megabytes(limit) <= app * 1.1, limit


def test_frame_and_content_policies_documented_and_set():
    doc = (REPO / "docs/deploy.md").read_text()
    nginx = (REPO / "deploy/nginx/default.conf.template").read_text()
    for header in ("X-Frame-Options", "Content-Security-Policy"):
        assert header in doc and f"add_header {header}" in nginx
    assert "frame-ancestors 'self'" in doc and "frame-ancestors 'self'" in nginx
