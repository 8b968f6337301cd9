"""« oui », « non » or « incertain »: the location's precision (geocoding result type and score)
against the distance to the QPV contour, one rule (sse_dash.qpv_index.answers) for the single
check, the batch, the files written and the page, in French and English. The expected answers
follow from the fixture's squares and the precision table, not from hard-coded results."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from fixtures.qpvcheck import warehouse as wh
from fixtures.qpvcheck.fake_ign import KNOWN, FakeIgn
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from sse_dash import config, db
from sse_dash.export.tables import to_csv_bytes, to_xlsx_bytes
from sse_dash.qpv_index import FAR_SPACING_M, Assignment, answers
from sse_dash.qpvcheck import engine, precision
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck import maps as qmaps
from sse_dash.qpvcheck.geocoder import IgnGeocoder
from sse_dash.ui import state as S

M_LAT = 1 / 111_200  # degrees of latitude per metre
NORTH = 48.886  # north edge of QN07501M (box 2.380–2.390 × 48.880–48.886)

# query -> (point, type, score, expected QPV answer, expected 300 m answer)
CASES = {
    "1 rue du centre 75019 paris": ((2.385, 48.883), "housenumber", 0.95, "oui", "oui"),
    "20 rue du bord 75019 paris": (
        (2.385, NORTH - 20 * M_LAT),
        "housenumber",
        0.95,
        "incertain",
        "oui",
    ),
    "30 rue du bord 75019 paris": (
        (2.385, NORTH + 30 * M_LAT),
        "housenumber",
        0.95,
        "incertain",
        "oui",
    ),
    "100 rue du bord 75019 paris": (
        (2.385, NORTH + 100 * M_LAT),
        "housenumber",
        0.95,
        "non",
        "oui",
    ),
    "280 rue du bord 75019 paris": (
        (2.385, NORTH + 280 * M_LAT),
        "housenumber",
        0.95,
        "non",
        "incertain",
    ),
    "rue du centre 75019 paris": ((2.385, 48.883), "street", 0.9, "incertain", "incertain"),
    "1 rue du centre 75019 pari": ((2.385, 48.883), "housenumber", 0.6, "incertain", "incertain"),
    "lyon": ((4.83, 45.76), "municipality", 0.85, "non", "non"),
    "paris": ((2.35, 48.86), "municipality", 0.9, "incertain", "incertain"),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return wh.build(tmp_path_factory.mktemp("precision") / "sse.duckdb")


@pytest.fixture(scope="module")
def ref(warehouse):
    return engine.get_reference(warehouse)


@pytest.fixture()
def fake(monkeypatch):
    for query, ((lon, lat), kind, score, _, _) in CASES.items():
        city = "69123" if query == "lyon" else "75056"
        monkeypatch.setitem(KNOWN, query, (query.title(), score, kind, lon, lat, city))
    with FakeIgn() as server:
        yield server


def geocoder(fake):
    return IgnGeocoder(fake.url, backoff=0.001, retries=0, sleep=lambda s, c: None)


# ------------------------------------------------------------------------ the table and rule
def test_precision_table():
    level, low = precision.levels(
        ["housenumber", "street", "locality", "municipality", "housenumber", "street", None],
        [0.95, 0.9, 0.9, 0.9, 0.5, 0.79, np.nan],
    )
    assert level.tolist() == [
        "housenumber", "street", "locality", "municipality", "street", "municipality", None,
    ]  # fmt: skip
    assert low.tolist() == [False, False, False, False, True, True, False]
    radius = precision.radii(level, lambda rows: np.full(rows.size, 1234.0))
    assert radius.tolist() == [50, 500, 500, 1234, 500, 1234, np.inf]
    assert precision.label("street", True) == "voie (score faible)"


def _assignment(inside, distance, edge, approx=False):
    n = len(inside)
    return Assignment(
        zone=np.zeros(n, dtype=np.int8),
        inside=np.array(inside, dtype=object),
        nearest=np.array(["Q"] * n, dtype=object),
        distance_m=np.array(distance, dtype=float),
        edge_m=np.array(edge, dtype=float),
        error_m=np.array([FAR_SPACING_M / 2 if approx else 0.0] * n),
    )


def test_answers_compare_radius_with_the_contour():
    found = _assignment(
        ["Q", "Q", None, None, None], [0, 0, 40, 60, 320], [49, 51, np.nan, np.nan, np.nan]
    )
    member, near = answers(found, 50.0)
    assert member.tolist() == ["incertain", "oui", "incertain", "non", "non"]
    assert near.tolist() == ["oui", "oui", "oui", "oui", "incertain"]
    exact, near0 = answers(found, 0.0)  # coordinates: never uncertain
    assert exact.tolist() == ["oui", "oui", "non", "non", "non"]
    assert near0.tolist() == ["oui", "oui", "oui", "oui", "non"]
    member, _ = answers(found, np.nan)  # no location at all
    assert member.tolist() == [None] * 5


def test_answers_use_a_lower_bound_where_the_distance_is_approximate():
    far = _assignment([None], [500 + FAR_SPACING_M / 2 - 5], [np.nan], approx=True)
    assert answers(far, 500.0)[0].tolist() == ["incertain"]  # may be 495 m in truth
    sure = _assignment([None], [500 + FAR_SPACING_M / 2 - 5], [np.nan], approx=False)
    assert answers(sure, 500.0)[0].tolist() == ["non"]


# ------------------------------------------------------------------------ single and batch
@pytest.mark.parametrize("query", list(CASES))
def test_single_check_answers(ref, fake, query):
    _, kind, score, member, near = CASES[query]
    r = engine.check_text(ref, query, geocoder(fake))
    assert (r.answer, r.near_answer) == (member, near)
    assert r.in_qpv == (member == "oui") and r.within_300 == (near == "oui")
    assert (r.code is not None) == (member == "oui")
    assert (
        r.summary_fr().split(" :")[0]
        == {"oui": "Oui", "non": "Non", "incertain": "Incertain"}[member]
    )


def test_coordinates_are_exact(ref):
    for lon, lat, member in ((2.385, NORTH - 1 * M_LAT, "oui"), (2.385, NORTH + 1 * M_LAT, "non")):
        r = engine.check_coordinates(ref, lon, lat)
        assert r.answer == member and r.precision_m == 0
        assert r.precision_label == "coordonnées"


def test_batch_answers_files_and_columns(ref, fake):
    df = pd.DataFrame({"adresse": list(CASES), "id": range(len(CASES))})
    res = engine.run_batch(ref, df, mp.ColumnMapping("address", address="adresse"), geocoder(fake))
    out = res.df
    # the user's columns, then the fourteen result columns scripts rely on, then the new ones
    assert list(out.columns[:2]) == ["adresse", "id"]
    assert list(out.columns[2:16]) == engine.RESULT_COLUMNS[:14]
    assert list(out.columns[16:]) == ["precision_localisation", "rayon_precision_m"]
    expected = [(c[3], c[4]) for c in CASES.values()]
    assert list(zip(out.en_qpv_2024, out.a_moins_de_300m, strict=True)) == expected
    # one rule: the batch says what the single check says
    for i, query in enumerate(CASES):
        single = engine.check_text(ref, query, geocoder(fake))
        assert (single.answer, single.near_answer) == expected[i]
    uncertain = out.en_qpv_2024 == "incertain"
    assert (
        out.code_qpv[uncertain].isna().all()
        and out.code_qpv[out.en_qpv_2024 == "oui"].notna().all()
    )
    assert out.precision_localisation.tolist()[:3] == ["numéro"] * 3
    assert out.precision_localisation[6] == "voie (score faible)"
    assert out.rayon_precision_m.tolist()[:6] == [50, 50, 50, 50, 50, 500]
    s = res.summary
    assert s["in_qpv"] == 1 and s["uncertain"] == int(uncertain.sum()) == 5
    assert any("Incertain" in line for line in engine.summary_lines(s))
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(out).decode("utf-8-sig")), delimiter=";"))
    assert [r["en_qpv_2024"] for r in rows] == [e[0] for e in expected]
    assert rows[5]["rayon_precision_m"] == "500"
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(out))).active
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["precision_localisation", "rayon_precision_m"]
    column = header.index("en_qpv_2024")
    assert [row[column].value for row in ws.iter_rows(min_row=2)] == [e[0] for e in expected]


def test_batch_of_coordinates_is_never_uncertain(ref):
    rng = np.random.default_rng(3)
    lat = NORTH + rng.uniform(-5, 5, 200) * M_LAT  # all within 5 m of the contour
    df = pd.DataFrame({"lon": "2.385", "lat": lat.astype(str)})
    out = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat")).df
    assert set(out.en_qpv_2024) == {"oui", "non"}
    assert (out.en_qpv_2024 == "oui").tolist() == (lat <= NORTH + 0.05 * M_LAT).tolist()
    assert set(out.precision_localisation) == {"coordonnées"} and set(out.rayon_precision_m) == {0}


def test_maps_show_uncertain_points(ref, fake, warehouse):
    con = db.open_warehouse(warehouse)
    try:
        r = engine.check_text(ref, "rue du centre 75019 paris", geocoder(fake))
        html = qmaps.single_map(con, r, "en").get_root().render()
        assert qmaps.UNCERTAIN_COLOR in html and '"radius": 500' in html
        assert "Uncertain" in html and "Incertain" not in html
        df = pd.DataFrame({"adresse": list(CASES)})
        res = engine.run_batch(
            ref, df, mp.ColumnMapping("address", address="adresse"), geocoder(fake)
        )
        names = dict(zip(engine.RESULT_COLUMNS, res.result_columns, strict=True))
        m, drawn, _ = qmaps.batch_map(con, res.df, names, lang="fr")
        html = m.get_root().render()
        assert qmaps.UNCERTAIN_COLOR in html and "incertain : localisé à 500 m près (voie)" in html
        layer = qmaps.layer_frame(res.df, names, "en")
        assert "uncertain: located to within 50 m (house number)" in " ".join(layer.tooltip)
    finally:
        con.close()


# ------------------------------------------------------------------------ the page
PAGE = str(config.REPO_ROOT / "pages" / "5_Adresse_en_QPV.py")


@pytest.fixture()
def page_point(dev_warehouse, monkeypatch):
    """A street-level address whose point is inside a real QPV, closer than 500 m to its edge."""
    con = db.open_warehouse(dev_warehouse)
    try:
        code, lon, lat = con.execute(
            """SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom) p
               FROM qpv WHERE geography = '2024' AND dep_code = '93' ORDER BY code LIMIT 1)"""
        ).fetchone()
    finally:
        con.close()
    monkeypatch.setitem(
        KNOWN,
        "rue du quartier 93200 saint-denis",
        ("Rue du Quartier", 0.9, "street", lon, lat, "93066"),
    )
    return code


def _page(dev_data_dir, monkeypatch, fake, lang):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    monkeypatch.setenv("SSE_DASH_GEOCODER_URL", fake.url)
    at = AppTest.from_file(PAGE, default_timeout=120)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    return at


@pytest.mark.parametrize(
    "lang,word,yes,level",
    [
        ("fr", "Incertain", "incertain", "voie, à 500 m près"),
        ("en", "Uncertain", "uncertain", "street, to within 500 m"),
    ],
)
def test_page_single_check_says_uncertain(
    dev_data_dir, monkeypatch, fake, page_point, lang, word, yes, level
):
    at = _page(dev_data_dir, monkeypatch, fake, lang)
    at.text_input(key=S.W_QC_TEXT).input("rue du quartier 93200 saint-denis")
    [b for b in at.button if b.label in ("Vérifier", "Check")][0].click()
    at.run()
    assert not at.exception and not at.success
    assert any(word in w.value and page_point in w.value for w in at.warning)
    table = at.table[0].value
    values = dict(zip(table.index, table.iloc[:, 0], strict=True))
    assert yes in values.values() and level in values.values()
    if lang == "en":
        texts = " ".join(w.value for w in at.warning) + " ".join(map(str, values.values()))
        for french in ("Incertain", "localisée", "voie", "près", "limite"):
            assert french not in texts


def test_page_batch_counts_uncertain_rows_apart(dev_data_dir, monkeypatch, fake, page_point):
    at = _page(dev_data_dir, monkeypatch, fake, "en")
    content = b"adresse\nrue du quartier 93200 saint-denis\nnulle part\n"
    at.file_uploader(key=S.W_QC_FILE).upload("adresses.csv", content, "text/csv")
    at.run()
    [b for b in at.button if b.label == "Start the check"][0].click()
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Uncertain"] == "1" and metrics["In a 2024 QPV"] == "0"
    assert any("« uncertain » row" in w.value for w in at.warning)
