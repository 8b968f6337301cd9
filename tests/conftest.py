"""Shared fixtures. `dev_warehouse` builds the dev catalogue (real data in ../shared/data) once
per test session; tests needing it are skipped when that folder is absent, except in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sse_dash import config

# Tests never ask the real data.gouv.fr API (tests of the resolution point it at a loopback server).
os.environ.setdefault("SSE_DASH_DATAGOUV_API", "none")

OFFICIAL_FIXTURES = Path(__file__).parent / "fixtures" / "official"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = config.shared_data_dir()
    if not (path / "admin").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"Données de développement absentes en CI : {path}")
        pytest.skip(
            f"données de développement absentes ({path}) : tests sur données réelles ignorés"
        )
    return path


@pytest.fixture(scope="session")
def dev_warehouse(shared_data, tmp_path_factory) -> Path:
    """Path of sse.duckdb built from catalogs/dev.toml (synthetic SIRENE at scale `test`)."""
    from sse_dash.catalog import load_catalog
    from sse_dash.warehouse.build import build

    data_dir = tmp_path_factory.mktemp("dev_data")
    return build(load_catalog(config.DEV_CATALOG), data_dir, options={"synth_scale": "test"})


@pytest.fixture(scope="session")
def dev_data_dir(dev_warehouse) -> Path:
    return dev_warehouse.parent


@pytest.fixture
def official_fixtures() -> Path:
    return OFFICIAL_FIXTURES


@pytest.fixture(scope="session")
def ui_warehouse_dir(tmp_path_factory) -> Path:
    """Data dir holding the small page-test warehouse (tests/ui_warehouse.py), built once for
    every AppTest file (the pages only read it)."""
    import ui_warehouse

    path = tmp_path_factory.mktemp("ui_pages")
    ui_warehouse.build(path / "sse.duckdb")
    return path


@pytest.fixture
def ui_app_env(ui_warehouse_dir, monkeypatch) -> Path:
    """Pages under AppTest read the page-test warehouse, without map tiles."""
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(ui_warehouse_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    return ui_warehouse_dir
