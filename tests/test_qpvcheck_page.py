"""AppTest of pages/5_Adresse_en_QPV.py on the dev warehouse (real QPV contours)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sse_dash import config, db
from sse_dash.ui import pages
from sse_dash.ui import state as S

PAGE = str(config.REPO_ROOT / pages.script("address_check"))


@pytest.fixture()
def app(dev_data_dir, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    return at


@pytest.fixture(scope="module")
def inside_point(dev_warehouse):
    """A point inside a real QPV 2024 (from the warehouse itself), with its code and name."""
    con = db.open_warehouse(dev_warehouse)
    try:
        code, name, lon, lat = con.execute(
            """SELECT code, name, ST_X(p), ST_Y(p) FROM (
                 SELECT code, name, ST_PointOnSurface(geom) p FROM qpv
                 WHERE geography = '2024' AND geom IS NOT NULL AND dep_code = '93'
                 ORDER BY code LIMIT 1)"""
        ).fetchone()
    finally:
        con.close()
    return code, name, lon, lat


def texts(at) -> str:
    parts = [e.value for e in (*at.success, *at.info, *at.error, *at.warning)]
    parts += [str(e.value) for e in at.markdown]
    parts += [t.value.to_string() for t in at.table]
    return "\n".join(str(p) for p in parts)


def check(at, text):
    at.text_input(key=S.W_QC_TEXT).input(text)
    submit = [b for b in at.button if b.label == "Vérifier"][0]
    submit.click()
    at.run()
    return at


def test_default_render(app):
    assert not app.exception
    assert app.title[0].value == "Adresse en QPV ?"
    assert [t.label for t in app.tabs] == ["Une adresse", "Un fichier d'adresses"]
    assert app.text_input(key=S.W_QC_TEXT).value == ""
    assert "200" in texts(app) and "50 Mo" in texts(app)


def test_coordinates_show_the_right_qpv(app, inside_point):
    code, name, lon, lat = inside_point
    at = check(app, f"{lon:.6f}, {lat:.6f}")
    assert not at.exception
    assert any(code in s.value and "Dans un QPV 2024" in s.value for s in at.success)
    assert code in texts(at)


def test_swapped_coordinates_are_corrected(app, inside_point):
    code, _, lon, lat = inside_point
    at = check(app, f"{lat:.6f} ; {lon:.6f}")
    assert any(code in s.value for s in at.success)
    assert any("inversées" in i.value for i in at.info)


@pytest.mark.parametrize("text", ["120 ; 80", "abc", "1 2 3"])
def test_bad_coordinates_french_message(app, text):
    at = app
    at.radio(key=S.W_QC_GEOCODER + "_1").set_value("none")
    at = check(at, text)
    assert not at.exception
    assert at.error
    message = at.error[0].value
    assert any(w in message for w in ("Coordonnées", "Saisissez", "géocodeur"))
    assert not at.success


def upload(at, name: str, content: bytes):
    at.file_uploader(key=S.W_QC_FILE).upload(name, content, "text/csv")
    at.run()
    return at


def test_batch_upload_run_download_and_keep_layer(app, inside_point):
    code, _, lon, lat = inside_point
    content = (
        f"nom;longitude;latitude\n<b>Asso</b>;{lon:.6f};{lat:.6f}\n".replace(".", ",")
        + "Sans coordonnées;;\n"
        + f"Inversée;{lat:.6f};{lon:.6f}\n"
    ).encode("cp1252")
    at = upload(app, "structures.csv", content)
    assert not at.exception
    assert at.radio(key=S.W_QC_MODE).value == "lonlat"
    run = [b for b in at.button if b.label == "Lancer la vérification"][0]
    run.click()
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Lignes"] == "3" and metrics["Localisées"] == "2"
    assert metrics["En QPV 2024"] == "2"
    labels = [b.label for b in at.get("download_button")]
    assert "Télécharger (CSV)" in labels and "Télécharger (Excel)" in labels
    keep = [b for b in at.button if b.label == "Garder comme couche de carte"][0]
    keep.click()
    at.run()
    layer = at.session_state[S.SESSION_POINT_LAYER]
    assert len(layer) == 2 and set(layer.columns) >= {"lon", "lat", "tooltip"}
    assert code in layer.tooltip.iloc[0]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("vide.csv", b"", "vide"),
        ("entete.csv", b"adresse;cp\n", "en-t\u00eate"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 20, "binaire"),
    ],
)
def test_batch_bad_files_french_message(app, name, content, message):
    at = upload(app, name, content)
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_batch_without_usable_columns(app):
    at = upload(app, "autre.csv", b"nom;montant\nA;12\n")
    assert not at.exception
    assert any("Aucune colonne" in w.value for w in at.warning)


def run_batch_button(at):
    run = [b for b in at.button if b.label in ("Lancer la vérification", "Start the check")][0]
    run.click()
    at.run()
    return at


def test_a_control_character_keeps_the_batch_and_its_downloads(app, inside_point, caplog):
    """A single \\x0b in a cell used to fail the whole batch (no downloads) and to put the
    cell's text in the server log."""
    _, _, lon, lat = inside_point
    content = f"nom;longitude;latitude\nconfidentiel\x0bcellule;{lon:.6f};{lat:.6f}\n".encode()
    at = upload(app, "controle.csv", content)
    with caplog.at_level("DEBUG"):
        at = run_batch_button(at)
    assert not at.exception and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert "Télécharger (CSV)" in labels and "Télécharger (Excel)" in labels
    assert "confidentiel" not in caplog.text


def test_failures_are_logged_without_their_message(caplog):
    from sse_dash.ui.address_check import log_failure

    try:
        raise ValueError("12 rue Secrète 75001 Paris cannot be used in worksheets")
    except ValueError as exc:
        with caplog.at_level("ERROR"):
            log_failure("batch XLSX output failed", exc)
    assert "ValueError" in caplog.text and "test_qpvcheck_page.py" in caplog.text
    assert "Secrète" not in caplog.text


def test_file_messages_in_english(dev_data_dir, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    wide = (";".join(f"c{i}" for i in range(600)) + "\n" + ";".join(["1"] * 600) + "\n").encode()
    at = upload(at, "large.csv", wide)
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("Too many columns (600)") and "500 columns" in message
    mac = "nom;longitude;latitude\nÉpicerie;2,35;48,85\nCrèche;2,36;48,86\n".encode("mac_roman")
    at = upload(at, "mac.csv", mac)
    assert any("Encoding recognised: Mac Roman" in i.value for i in at.info)


def test_mac_roman_note_and_accents_on_the_page(app):
    mac = "nom;longitude;latitude\nÉpicerie;2,35;48,85\nCrèche;2,36;48,86\n".encode("mac_roman")
    at = upload(app, "mac.csv", mac)
    assert any("Mac Roman" in i.value for i in at.info)
    assert at.dataframe[0].value.nom.tolist() == ["Épicerie", "Crèche"]


def test_results_table_shows_added_numbers_in_the_page_language(app, inside_point):
    """The results on screen: added distances with the language's separators and « — » when
    missing, coordinates with 6 decimals; the user's own columns exactly as read."""
    from sse_dash.ui.address_check import results_view

    _, _, lon, lat = inside_point
    content = (
        "code_postal;longitude;latitude\n"
        f"93200;{lon:.6f};{lat:.6f}\n"
        f"13001;{lon:.6f};{lat + 0.3:.6f}\n"
        "75001;;\n"
    ).encode()
    at = upload(app, "structures.csv", content)
    [b for b in at.button if b.label == "Lancer la vérification"][0].click()
    at.run()
    assert not at.exception
    res = at.session_state[S.SESSION_QC_JOB].result
    distance = next(c for c in res.result_columns if c.startswith("distance"))
    far = res.df[distance].max()
    assert far > 1000
    french = results_view(res, lang="fr").to_html()
    english = results_view(res, lang="en").to_html()
    assert f"{int(round(far)):,}".replace(",", "\u202f") in french
    assert f"{int(round(far)):,}" in english
    assert "—" in french
    assert ">None<" not in french and ">None<" not in english  # the row without coordinates
    # what the data grid gets: no missing value in the added columns (it would draw « None »)
    shown = results_view(res, lang="fr").data[res.result_columns]
    assert not shown.isna().any().any() and (shown == "—").any().any()
    assert ">93200<" in french and ">93\u202f200<" not in french  # the user's column untouched
    assert f"{lon:.6f}".replace(".", ",") in french and f"{lon:.6f}" in english
