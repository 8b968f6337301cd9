"""Administration actions are off by default: a default deployment shows no rebuild button, no
catalogue choice and no server path on any page, whatever the URL says, and a build cannot be
started even by a forged widget event. Configuration turns them on (sse_dash.access)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import ui_warehouse
from app_support import run_page
from streamlit.testing.v1 import AppTest

from sse_dash.access import AdminPolicy
from sse_dash.ui import data_admin

PAGES = [
    "app.py",
    "pages/1_Territoire.py",
    "pages/2_Quartiers_prioritaires.py",
    "pages/3_Ecosysteme.py",
    "pages/4_Comparer.py",
    "pages/5_Adresse_en_QPV.py",
    "pages/6_Donnees_et_sources.py",
]
SOURCES = "pages/6_Donnees_et_sources.py"
# What a visitor could try in the address bar to reach the build.
HOSTILE = {
    "territoire": "dep:93",
    "admin": "1",
    "build": "1",
    "build_sources_run": "true",
    "build_missing_run": "true",
    "catalog": "/etc/passwd",
    "SSE_DASH_ADMIN": "1",
}


@pytest.fixture(autouse=True)
def default_deployment(monkeypatch):
    for name in ("SSE_DASH_ADMIN", "SSE_DASH_ADMINS", "SSE_DASH_AUTH_HEADER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def builds(monkeypatch) -> list:
    """Records any call of the warehouse build (it must never happen here)."""
    from sse_dash.warehouse import build as wb

    calls = []
    monkeypatch.setattr(wb, "build", lambda *a, **k: calls.append((a, k)))
    return calls


def everything_shown(at: AppTest) -> str:
    parts = [str(x.value) for x in [*at.markdown, *at.caption, *at.info, *at.error, *at.warning]]
    parts += [str(x.value) for x in [*at.success, *at.title, *at.header, *at.subheader]]
    parts += [str(getattr(x, "label", "")) for x in [*at.button, *at.selectbox, *at.expander]]
    parts += [str(x.label) for x in at.sidebar.selectbox]
    return "\n".join(parts)


def assert_no_admin_controls(at: AppTest, data_dir) -> None:
    keys = [b.key or "" for b in at.button] + [s.key or "" for s in at.selectbox]
    assert not [k for k in keys if k.startswith(("build_", "admin_"))], keys
    shown = everything_shown(at)
    for text in (
        "Lancer la construction",
        "Construire / mettre à jour",
        "Catalogue",
        "catalogue «",
    ):
        assert text not in shown, text
    assert str(data_dir) not in shown


def test_policy_is_off_unless_configured():
    assert not AdminPolicy.from_env({}).enabled
    for value in ("", "0", "no", "false", "non", "admin"):
        assert not AdminPolicy.from_env({"SSE_DASH_ADMIN": value}).enabled, value
    for value in ("1", "true", "OUI", " yes "):
        policy = AdminPolicy.from_env({"SSE_DASH_ADMIN": value})
        assert policy.enabled and policy.allows([]), value
    policy = AdminPolicy.from_env({"SSE_DASH_ADMINS": "Alice@Ville.fr, bob@ville.fr;sub-42"})
    assert policy.enabled and not policy.everyone
    assert policy.allows(["alice@ville.fr"]) and policy.allows([None, "SUB-42"])
    assert not policy.allows([]) and not policy.allows([None, "", "carol@ville.fr"])
    assert not policy.allows(["alice@ville.fr.evil.com", "bob"])


def test_only_a_plain_header_name_is_trusted():
    assert AdminPolicy.from_env({"SSE_DASH_AUTH_HEADER": "X-Forwarded-Email"}).header
    for bad in ("X-Email: x", "X Email", "a" * 80, "X-Email\r\nSet-Cookie"):
        assert AdminPolicy.from_env({"SSE_DASH_AUTH_HEADER": bad}).header is None


@pytest.mark.parametrize("page", PAGES)
def test_default_deployment_has_no_admin_controls_on_any_page(page, ui_app_env, builds):
    at = run_page(page, **HOSTILE)
    assert_no_admin_controls(at, ui_app_env)
    assert builds == []


def test_sources_page_says_who_updates_the_data(ui_app_env):
    at = run_page(SOURCES)
    assert any("mises à jour par l'administrateur" in i.value for i in at.info)
    assert any("Base construite le 2026-11-22" in c.value for c in at.sidebar.caption)


def test_missing_or_old_warehouse_shows_no_build_panel(tmp_path, monkeypatch, builds):
    import duckdb

    monkeypatch.setenv("SSE_DASH_TILES", "none")
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    for page in PAGES:
        at = run_page(page, **HOSTILE)
        assert_no_admin_controls(at, tmp_path)
    assert any("pas encore construite" in e.value for e in at.error)
    ui_warehouse.build(tmp_path / "sse.duckdb")
    con = duckdb.connect(str(tmp_path / "sse.duckdb"))
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    for page in ("app.py", SOURCES):
        at = run_page(page, **HOSTILE)
        assert_no_admin_controls(at, tmp_path)
        assert any("version antérieure" in e.value for e in at.error)
    assert builds == []


def _forged_build_event():
    """A script calling the build handler as if its button had been clicked."""
    from sse_dash import config
    from sse_dash.ui import data_admin

    data_admin.run_build(str(config.DEV_CATALOG), {"synth_scale": "test"})


def test_forged_build_event_is_refused(tmp_path, monkeypatch, builds):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    at = AppTest.from_function(_forged_build_event, default_timeout=60).run()
    assert not at.exception
    assert any("réservée à l'administrateur" in e.value for e in at.error)
    assert builds == [] and list(tmp_path.iterdir()) == []


def test_single_user_install_gets_the_panel_and_the_data_folder(ui_app_env, monkeypatch):
    monkeypatch.setenv("SSE_DASH_ADMIN", "1")
    at = run_page(SOURCES)
    assert at.button(key="build_sources_run").label == "Lancer la construction"
    assert any(str(ui_app_env) in c.value for c in at.sidebar.caption)


def test_listed_identity_is_administrator_others_are_not(ui_app_env, monkeypatch):
    monkeypatch.setenv("SSE_DASH_ADMINS", "alice@ville.fr")
    monkeypatch.setattr(data_admin, "_visitor_identities", lambda policy: ["Alice@Ville.fr"])
    assert [b for b in run_page(SOURCES).button if b.key == "build_sources_run"]
    monkeypatch.setattr(data_admin, "_visitor_identities", lambda policy: ["bob@ville.fr"])
    assert_no_admin_controls(run_page(SOURCES), ui_app_env)


def test_visitor_identities_come_from_st_login_and_the_trusted_header(monkeypatch):
    fake = SimpleNamespace(
        user={"is_logged_in": True, "email": "alice@ville.fr", "sub": "s-1"},
        context=SimpleNamespace(headers={"X-Forwarded-Email": "bob@ville.fr"}),
    )
    monkeypatch.setattr(data_admin, "st", fake)
    assert data_admin._visitor_identities(AdminPolicy()) == ["alice@ville.fr", "s-1"]
    trusted = AdminPolicy(identities=frozenset({"bob@ville.fr"}), header="X-Forwarded-Email")
    assert data_admin._visitor_identities(trusted)[-1] == "bob@ville.fr"
    fake.user = {"is_logged_in": False, "email": "alice@ville.fr"}
    assert data_admin._visitor_identities(AdminPolicy()) == []
