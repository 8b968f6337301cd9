"""AppTest of pages/5_Adresse_en_QPV.py on the dev warehouse (real QPV contours)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sse_dash import config, db
from sse_dash.ui import state as S

PAGE = str(config.REPO_ROOT / "pages" / "5_Adresse_en_QPV.py")


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
