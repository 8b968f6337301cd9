"""AppTest of the shared page skeleton and of the QPV and « Données & sources » pages."""

from __future__ import annotations

import os

import pytest
import ui_warehouse
from app_support import run_page
from streamlit.testing.v1 import AppTest

from sse_dash.ui import pages

HOME = pages.script("overview")
TERRITORY_PAGE = pages.script("territory")
QPV_PAGE = pages.script("qpv")
ECOSYSTEM_PAGE = pages.script("ecosystem")
COMPARE_PAGE = pages.script("compare")
SOURCES_PAGE = pages.script("sources")


pytestmark = pytest.mark.usefixtures("ui_app_env")


run = run_page


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [e.value for e in at.error]
    parts += [h.value for h in at.header] + [h.value for h in at.subheader]
    parts += [t.value for t in at.title]
    return "\n".join(str(p) for p in parts)


def folium_maps(at: AppTest) -> list:
    return [e for e in at.get("iframe")] + [
        e for e in at.main if type(e).__name__ == "UnknownElement"
    ]


def test_home_default_shows_synthetic_banner_and_syncs_url():
    at = run()
    assert "Vue d'ensemble" in texts(at)
    assert "Données SIRENE synthétiques — chiffres fictifs, pour démonstration" in texts(at)
    assert at.query_params["territoire"] == "fr"


def test_no_banner_when_sirene_is_real(tmp_path, monkeypatch):
    ui_warehouse.build(tmp_path / "sse.duckdb", synthetic=False)
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    assert "chiffres fictifs" not in texts(run())


def test_missing_warehouse_gives_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path / "vide"))
    message = texts(run(QPV_PAGE))
    assert "pas encore construite" in message and "Administrateur du service" in message
    assert "python -m sse_dash data build" in message and str(tmp_path) not in message
    monkeypatch.setenv("SSE_DASH_ADMIN", "1")  # the administrator also sees where and how
    message = texts(run(QPV_PAGE))
    assert "make data-dev" in message and str(tmp_path / "vide") in message


@pytest.mark.parametrize("page", [HOME, ECOSYSTEM_PAGE])
def test_warehouse_of_an_older_schema_asks_for_a_rebuild(page, tmp_path, monkeypatch):
    import duckdb

    ui_warehouse.build(tmp_path / "sse.duckdb")
    con = duckdb.connect(str(tmp_path / "sse.duckdb"))
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    at = run(page)
    message = texts(at)
    assert "version antérieure" in message and "schéma 1" in message
    assert "python -m sse_dash data build" in message and not at.button
    monkeypatch.setenv("SSE_DASH_ADMIN", "1")
    at = run(page)
    assert [b for b in at.button if b.key == "build_old_schema_run"]


def test_qpv_page_for_a_departement_draws_its_qpv():
    at = run(QPV_PAGE, territoire="dep:93")
    assert "Seine-Saint-Denis (93) — 2 QPV 2024" in texts(at)
    assert at.selectbox(key="w_level").value == "departement"
    assert at.selectbox(key="w_territory").value == "dep:93"
    assert folium_maps(at), "no map component"


def test_qpv_page_france_lists_regions():
    at = run(QPV_PAGE)
    frames = [d.value for d in at.dataframe]
    regions = frames[0]
    assert dict(zip(regions["Région"], regions["QPV"], strict=True)) == {
        "Île-de-France": "2",
        "Occitanie": "1",
    }  # tables are shown formatted in the page's language (sse_dash.fmt.frame)


@pytest.mark.parametrize("bad", ["dep:ZZ", "<script>alert(1)</script>", "com:99999", "reg:"])
def test_bad_territory_in_url_falls_back_to_france(bad):
    at = run(QPV_PAGE, territoire=bad)
    message = texts(at)
    assert "inconnu ou mal formé" in message
    assert "<script>" not in message
    assert at.query_params["territoire"] == "fr"


def test_changing_level_and_territory_updates_url():
    at = run(QPV_PAGE, territoire="dep:93")
    at.selectbox(key="w_level").set_value("commune").run()
    assert not at.exception
    # the commune chosen by default is inside the current département
    assert at.query_params["territoire"].startswith("com:93")
    at.selectbox(key="w_territory").set_value("com:93066").run()
    assert at.query_params["territoire"] == "com:93066"
    assert "Saint-Denis (93066) — 1 QPV 2024" in texts(at)


def test_search_is_accent_insensitive():
    at = run(QPV_PAGE, territoire="com:93066")
    at.text_input(key="w_search").input("epinay").run()
    options = at.selectbox(key="w_territory").options
    assert "Épinay-sur-Seine (93031)" in options


def test_english_switch():
    at = run(QPV_PAGE, territoire="dep:93", lang="en")
    assert "Priority neighbourhoods" in texts(at)
    assert at.query_params["lang"] == "en"


def test_sources_page_lists_provenance_and_issues():
    at = run(SOURCES_PAGE)
    frames = [d.value for d in at.dataframe]
    provenance = frames[0]
    assert set(provenance["Identifiant"]) == {"qpv_2024", "sirene_synth"}
    synth = provenance.set_index("Identifiant").loc["sirene_synth"]
    assert synth["Synthétique"].startswith("oui") and synth["Lignes"] == "160"
    issues = frames[1]
    counts = dict(zip(issues["Type d'anomalie"], issues["Nombre"], strict=True))
    assert counts == {"Géométrie réparée": "2", "Géométrie vide": "1"}
    assert "SIRENE synthétique" in texts(at)


def test_rebuilt_warehouse_is_picked_up_without_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    ui_warehouse.build(tmp_path / "sse.duckdb", synthetic=True)
    assert "chiffres fictifs" in texts(run(SOURCES_PAGE))
    # rebuilt next to it and renamed into place (as `data build` does) while the app runs
    ui_warehouse.build(tmp_path / "new.duckdb", synthetic=False)
    os.replace(tmp_path / "new.duckdb", tmp_path / "sse.duckdb")
    assert "chiffres fictifs" not in texts(run(SOURCES_PAGE))


@pytest.mark.parametrize(
    "page",
    [
        HOME,
        TERRITORY_PAGE,
        QPV_PAGE,
        ECOSYSTEM_PAGE,
        COMPARE_PAGE,
        SOURCES_PAGE,
    ],
)
def test_pages_without_sirene_tables(page, tmp_path_factory, monkeypatch):
    """Warehouse built before the SIRENE step: every page still answers, in French."""
    path = tmp_path_factory.getbasetemp() / "no_sirene"
    if not (path / "sse.duckdb").exists():
        ui_warehouse.build(path / "sse.duckdb", sirene=False)
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(path))
    at = run(page, territoire="dep:93", qpv="QN09301M")
    assert "chiffres fictifs" not in texts(at)
    if page in (TERRITORY_PAGE, COMPARE_PAGE, HOME):
        assert "pas encore dans la base" in texts(at)


def test_home_data_tables_have_french_headers():
    """The families / sectors « Voir les données » tables name their columns for people
    (they showed the code names label / establishments / employees_est)."""
    at = run()
    headers = [list(df.value.columns) for df in at.dataframe]
    assert ["Catégorie", "Établissements", "Établissements employeurs", "Emplois estimés"] in (
        headers
    )
    assert not any({"label", "establishments", "employees_est"} & set(h) for h in headers)
