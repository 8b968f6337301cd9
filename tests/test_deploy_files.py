"""The deployment files keep their promises (docs/deploy.md): the image installs only the
runtime set and checks /_stcore/health, the compose file and the Kubernetes manifests mount the
warehouse read-only in the app and read-write in the refresh job, keep browsers on one replica,
and the monthly schedule computes the right dates."""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
K8S = REPO / "deploy" / "k8s"
DEV_ONLY = ("pytest", "pytest-timeout", "hypothesis", "playwright", "ruff", "pyyaml")


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            names.add(re.split(r"[=<>\[ ]", line)[0].lower())
    return names


def test_runtime_requirements_hold_no_test_tooling_and_dev_includes_them():
    runtime = requirement_names(REPO / "requirements.txt")
    dev = requirement_names(REPO / "requirements-dev.txt")
    assert not runtime & set(DEV_ONLY)
    assert set(DEV_ONLY) <= dev
    assert "-r requirements.txt" in (REPO / "requirements-dev.txt").read_text()
    assert {"streamlit", "duckdb", "duckdb-extension-spatial", "kaleido"} <= runtime


def test_makefile_installs_runtime_for_run_and_both_for_test():
    text = (REPO / "Makefile").read_text()
    assert re.search(r"^run: setup ", text, re.M)
    assert re.search(r"^test: setup-dev$", text, re.M)
    assert "-r requirements.txt" in text and "-r requirements-dev.txt" in text
    ci = (REPO / ".ci" / "run").read_text()
    assert "nginx" in ci and ci.rstrip().endswith("make test")


def test_dockerfile_shape():
    text = (REPO / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "pip install -r requirements.txt" in text and "-r requirements-dev" not in text
    assert re.search(r"apt-get install .*chromium .*fonts-", text)
    assert "HEALTHCHECK" in text and "/_stcore/health" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert 'VOLUME ["/data"]' in text
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    for path in ("tests", ".venv", "*.duckdb", ".streamlit/secrets.toml", "deploy/.env"):
        assert path in ignored, path
    assert "static" not in ignored and (REPO / "static" / "vendor").is_dir()


def test_compose_services():
    compose = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())
    app, refresh = compose["services"]["app"], compose["services"]["refresh"]
    assert app["deploy"]["replicas"] in (3, "${SSE_DASH_REPLICAS:-3}")
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]
    assert "SSE_DASH_ADMIN" not in app["environment"]  # never everyone on a shared server
    assert refresh["healthcheck"] == {"disable": True}
    assert compose["services"]["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


def manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") != "Kustomization":
                docs[doc["kind"]] = doc
    return docs


def test_kubernetes_manifests():
    m = manifests()
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    deploy = m["Deployment"]
    assert deploy["spec"]["replicas"] >= 2
    pod = deploy["spec"]["template"]["spec"]
    (app,) = pod["containers"]
    assert app["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert {"name": "data", "mountPath": "/data", "readOnly": True} in app["volumeMounts"]
    assert pod["volumes"][0]["persistentVolumeClaim"]["readOnly"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    labels = deploy["spec"]["template"]["metadata"]["labels"]
    assert m["Service"]["spec"]["selector"].items() <= labels.items()
    assert m["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadWriteMany"]
    notes = m["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    job = m["CronJob"]["spec"]
    assert job["concurrencyPolicy"] == "Forbid"
    assert len(job["schedule"].split()) == 5 and job["schedule"].split()[3:] == ["*", "*"]
    (refresh,) = job["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert refresh["command"] == ["python", "-m", "sse_dash", "data", "build"]
    assert refresh["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]


@pytest.fixture(scope="module")
def refresh():
    spec = importlib.util.spec_from_file_location("refresh", REPO / "deploy" / "refresh.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-29T20:00", "2026-12-03T03:00"),
        ("2026-12-03T02:59", "2026-12-03T03:00"),
        ("2026-12-03T03:00", "2027-01-03T03:00"),
        ("2026-12-31T23:59", "2027-01-03T03:00"),
        ("2027-01-01T00:00", "2027-01-03T03:00"),
    ],
)
def test_next_monthly_run(refresh, now, expected):
    when = refresh.next_run(datetime.fromisoformat(now).replace(tzinfo=UTC), 3, 3)
    assert when == datetime.fromisoformat(expected).replace(tzinfo=UTC)


def test_next_run_day_is_kept_within_every_month(refresh):
    feb = refresh.next_run(datetime(2027, 1, 31, 12, tzinfo=UTC), 31, 25)
    assert feb == datetime(2027, 2, 28, 23, tzinfo=UTC)
