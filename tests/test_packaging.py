"""`pip install .` gives a working `python -m sse_dash` from any directory: every subpackage,
the SQL files and the catalogues are in the installed package, and the declared dependencies
are the runtime pins of requirements.txt.

The project is installed with pip (its build backend, setuptools, from the registry) into a
fresh venv (no system site-packages, no pip of its own). Its dependencies, already installed
for the tests, are made visible to that venv through a .pth file instead of being downloaded
again; `pip check` then checks them against the declared ones. The project itself can only
come from pip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import setuptools
from test_brief_support import build_fixture_warehouse

from sse_dash import config

ROOT = config.REPO_ROOT
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _source_files(folder: Path, patterns=("*.py", "*.sql", "*.toml")) -> set[str]:
    return {
        str(p.relative_to(folder))
        for pattern in patterns
        for p in folder.rglob(pattern)
        if "__pycache__" not in p.parts
    }


def test_every_subpackage_is_packaged():
    found = set(setuptools.find_packages(where=str(ROOT), include=["sse_dash*"]))
    assert set(PYPROJECT["tool"]["setuptools"]["packages"]) == found | {"sse_dash.catalogs"}


def test_declared_dependencies_are_the_runtime_requirements():
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    runtime = text.split("# tests and tooling")[0]
    pins = [line.strip() for line in runtime.splitlines() if line.strip()[:1].isalnum()]
    assert PYPROJECT["project"]["dependencies"] == pins


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Python of a fresh venv where `pip install` put the project (from a copy of the sources,
    so that the build leaves nothing in the repository)."""
    tmp = tmp_path_factory.mktemp("pip_install")
    src = tmp / "src"
    src.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", src)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("sse_dash", "catalogs"):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", str(src)],  # setuptools from the registry
        check=True,
        env=_clean_env(),
    )
    check = subprocess.run([*pip, "check"], capture_output=True, text=True, env=_clean_env())
    assert check.returncode == 0, check.stdout + check.stderr
    return python


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SSE_DASH_"))}
    return {**env, "SSE_DASH_TILES": "none", **extra}


def _run(python: Path, *args: str, cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), *args], cwd=cwd, capture_output=True, text=True, env=_clean_env(**env)
    )


def test_installed_package_has_its_modules_sql_and_catalogues(installed, tmp_path):
    where = _run(
        installed,
        "-c",
        "import sse_dash, sse_dash.config as c; print(sse_dash.__file__); "
        "print(c.OFFICIAL_CATALOG); print(c.IN_CHECKOUT)",
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    package_file, catalog, in_checkout = where.stdout.split()
    package = Path(package_file).parent
    assert str(package).startswith(str(installed.parent.parent)), package  # not the checkout
    assert in_checkout == "False" and Path(catalog) == package / "catalogs" / "official.toml"
    assert _source_files(package) == _source_files(ROOT / "sse_dash") | {
        f"catalogs/{p.name}" for p in (ROOT / "catalogs").glob("*.toml")
    }
    loaded = _run(
        installed,
        "-c",
        "from sse_dash import config, catalog; "
        "print(len(catalog.load_catalog(config.OFFICIAL_CATALOG).datasets))",
        cwd=tmp_path,
    )
    assert loaded.returncode == 0 and int(loaded.stdout) > 10, loaded.stderr


def test_installed_cli_works_from_any_directory(installed, tmp_path):
    helped = _run(installed, "-m", "sse_dash", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "data" in helped.stdout, helped.stderr
    missing = _run(installed, "-m", "sse_dash", "data", "status", cwd=tmp_path)
    assert missing.returncode == 2 and str(tmp_path / "data") in missing.stderr
    warehouse = build_fixture_warehouse(tmp_path / "sse.duckdb")
    out = tmp_path / "note.pptx"
    brief = _run(
        installed,
        *("-m", "sse_dash", "brief", "--territory", "dep:93", "--out", str(out)),
        *("--warehouse", str(warehouse)),
        cwd=tmp_path,
    )
    assert brief.returncode == 0, brief.stderr
    assert "Note de synthèse écrite" in brief.stdout and out.stat().st_size > 10_000
