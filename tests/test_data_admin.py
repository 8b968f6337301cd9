"""Building the warehouse from the app (st.progress, administrators only: sse_dash.access) and
the one-build-at-a-time lock."""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from sse_dash import config
from sse_dash.catalog import load_catalog
from sse_dash.ui import pages
from sse_dash.warehouse.build import BuildError, build, build_lock

APP = config.REPO_ROOT / pages.script("overview")
DEV_LABEL = "Données de développement (../shared/data, SIRENE synthétique)"


def test_second_build_in_same_folder_is_refused_and_base_untouched(tmp_path):
    base = tmp_path / config.WAREHOUSE_NAME
    base.write_bytes(b"previous base")
    with build_lock(tmp_path):
        with pytest.raises(BuildError, match="déjà en cours"):
            build(load_catalog(config.DEV_CATALOG), tmp_path)
    assert base.read_bytes() == b"previous base"
    assert not (tmp_path / (config.WAREHOUSE_NAME + ".tmp")).exists()


def test_build_from_the_app_when_base_is_missing(tmp_path, monkeypatch, shared_data):
    monkeypatch.setenv("SSE_DASH_ADMIN", "1")  # single-user install
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SSE_DASH_CATALOG", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert any("pas encore construite" in e.value for e in at.error)
    at.selectbox(key="build_missing_catalog").set_value(DEV_LABEL).run()
    at.selectbox(key="build_missing_scale").set_value("test").run()
    at.button(key="build_missing_run").click().run(timeout=300)
    assert not at.exception
    assert any("Base construite" in s.value for s in at.success), [e.value for e in at.error]
    assert (tmp_path / config.WAREHOUSE_NAME).exists()
    # the next visit shows the dashboard on the new base
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert not any("pas encore construite" in e.value for e in at.error)


def test_app_build_failure_is_a_french_message(tmp_path, monkeypatch):
    broken = tmp_path / "broken.toml"
    broken.write_text('[catalog]\nname = "x"\n[[dataset]]\nid = "a"\n', encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("SSE_DASH_ADMIN", "1")
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(data))
    monkeypatch.setenv("SSE_DASH_CATALOG", str(broken))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.selectbox(key="build_missing_catalog").set_value("Catalogue configuré (broken.toml)").run()
    at.button(key="build_missing_run").click().run(timeout=60)
    assert not at.exception
    assert any("obligatoire" in e.value for e in at.error)
    assert os.listdir(data) in ([], [".build.lock"])


def test_home_page_while_first_build_is_in_sirene_step(tmp_path, monkeypatch, shared_data):
    """During the first build the geography is published: the app works and says SIRENE is
    on its way."""
    from sse_dash.sirene import step

    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    shown = []

    def fake_sirene(con, catalog, ctx):
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        shown.append((bool(at.exception), [i.value for i in at.info]))

    monkeypatch.setattr(step, "run", fake_sirene)
    build(load_catalog(config.DEV_CATALOG), tmp_path)
    ((failed, infos),) = shown
    assert not failed
    assert any("Première construction en cours" in v for v in infos)
