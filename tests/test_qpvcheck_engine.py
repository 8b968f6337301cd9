"""Single and batch checks on a tiny warehouse whose QPV are squares at known places."""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
import pytest
from fixtures.qpvcheck import warehouse as wh
from fixtures.qpvcheck.fake_ign import FakeIgn
from openpyxl import load_workbook

from sse_dash.export.tables import to_csv_bytes, to_xlsx_bytes
from sse_dash.qpvcheck import InputError, engine, reader
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck.geocoder import IgnGeocoder, NoGeocoder


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    path = wh.build(tmp_path_factory.mktemp("qpvcheck") / "sse.duckdb")
    return engine.get_reference(path)


@pytest.fixture()
def fake():
    with FakeIgn() as server:
        yield server


def values(series) -> list:
    """Column values with every missing marker (None, NaN, <NA>) as None."""
    return [None if pd.isna(v) else v for v in series]


def geocoder(fake):
    return IgnGeocoder(fake.url, backoff=0.001, retries=1, sleep=lambda s, c: None)


# ------------------------------------------------------------------------ single
def test_point_inside(ref):
    r = engine.check_point(ref, *wh.IN_PARIS)
    assert r.in_qpv and r.code == "QN07501M" and r.name == "Portes du Test"
    assert r.communes == [("75056", "Paris")]
    assert r.distance_m == 0 and r.within_300
    assert r.qpv_2015 == engine.NOT_LOADED_2015
    assert r.summary_fr().startswith("Oui")


def test_point_near_gives_distance_and_nearest(ref):
    r = engine.check_point(ref, *wh.NEAR_PARIS)
    assert not r.in_qpv and r.code is None
    assert r.nearest_code == "QN07501M"
    # 0.0015° of latitude north of the edge at 48.886 ≈ 167 m
    assert 150 < r.distance_m < 185 and r.within_300
    assert "Non" in r.summary_fr()


def test_multi_commune_qpv_lists_all_communes(ref):
    r = engine.check_point(ref, 2.375, 48.917)
    assert r.code == "QN09301A"
    assert r.communes == [("93066", "Saint-Denis"), ("93001", "Aubervilliers")]


def test_2015_status(ref):
    assert engine.check_point(ref, *wh.IN_TOULOUSE_BOTH).qpv_2015 == "QP031001"
    assert engine.check_point(ref, *wh.IN_TOULOUSE_2024_ONLY).qpv_2015 == engine.OUTSIDE_2015
    far = engine.check_point(ref, *wh.IN_LYON)
    assert far.qpv_2015 == engine.NOT_LOADED_2015
    assert not far.within_300 and far.distance_m > 100_000


@pytest.mark.parametrize(
    "text",
    ["2.385, 48.883", "2,385 ; 48,883", "48.883 2.385", "48,883;2,385"],
)
def test_text_coordinates_any_order_and_decimal(ref, text):
    r = engine.check_text(ref, text, NoGeocoder())
    assert r.code == "QN07501M"


def test_swapped_coordinates_are_reported(ref):
    r = engine.check_coordinates(ref, wh.IN_PARIS[1], wh.IN_PARIS[0])
    assert r.code == "QN07501M"
    assert any("inversées" in n for n in r.notes)


def test_lambert93_coordinates(ref):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(*wh.IN_PARIS)
    r = engine.check_text(ref, f"{x:.1f} {y:.1f}", NoGeocoder())
    assert r.code == "QN07501M"
    assert any("Lambert-93" in n for n in r.notes)


@pytest.mark.parametrize(
    "text,message",
    [
        ("120 80", "hors de France"),
        ("0 0", "hors de France"),
        ("", "Saisissez"),
        ("1 2 3", None),
    ],
)
def test_bad_coordinates_french_messages(ref, text, message):
    with pytest.raises(InputError) as err:
        engine.check_text(ref, text, NoGeocoder())
    if message:
        assert message in str(err.value)


def test_address_single_with_warnings(ref, fake):
    r = engine.check_text(ref, "1 rue du Test 75019 Paris", geocoder(fake))
    assert r.source == "adresse" and r.geocoded.score == 0.95
    assert r.code == "QN07501M" and r.warnings == []
    street = engine.check_text(ref, "rue du Test 75019 Paris", geocoder(fake))
    # a street at score 0.7 is located only to its commune: too coarse to answer
    assert street.warnings and not street.in_qpv and not street.within_300
    assert street.answer == street.near_answer == "incertain"
    assert street.summary_fr().startswith("Incertain")
    with pytest.raises(InputError, match="introuvable"):
        engine.check_text(ref, "adresse qui n'existe pas", geocoder(fake))


# ------------------------------------------------------------------------ batch
def coords_table():
    data = (
        "nom;longitude;latitude\n"
        f"A;{wh.IN_PARIS[0]};{wh.IN_PARIS[1]}\n"
        f"B;{str(wh.NEAR_PARIS[1]).replace('.', ',')};{str(wh.NEAR_PARIS[0]).replace('.', ',')}\n"
        "C;;\n"
        "D;120;80\n"
        f"E;{wh.IN_TOULOUSE_BOTH[0]};{wh.IN_TOULOUSE_BOTH[1]}\n"
        f"A;{wh.IN_PARIS[0]};{wh.IN_PARIS[1]}\n"
        "=cmd|' /C calc'!A0;abc;1\n"
    ).encode("cp1252")
    return reader.read_table(data, "points.csv")


def test_batch_coordinates_keeps_every_row_and_original_columns(ref):
    table = coords_table()
    original = table.df.copy()
    mapping = mp.propose(table.df)
    assert mapping.mode == "lonlat"
    res = engine.run_batch(ref, table.df, mapping)
    out = res.df
    assert len(out) == len(original)
    pd.testing.assert_frame_equal(out[original.columns], original)
    assert list(out.columns[len(original.columns) :]) == engine.RESULT_COLUMNS
    assert values(out.en_qpv_2024) == ["oui", "non", None, None, "oui", "oui", None]
    assert values(out.code_qpv)[:2] == ["QN07501M", None]
    assert out.statut[1] == mp.SWAPPED
    assert out.statut[2] == mp.MISSING
    assert out.statut[3] == mp.OUTSIDE
    assert out.statut[6] == mp.UNREADABLE
    assert out.a_moins_de_300m[1] == "oui"
    assert out.qpv_2015[4] == "QP031001"
    assert out.code_commune[0] == "75056"
    s = res.summary
    assert (s["rows"], s["located"], s["in_qpv"], s["near_300"]) == (7, 4, 3, 1)
    assert s["by_qpv"].set_index("code_qpv").lignes.to_dict() == {"QN07501M": 2, "QN03101T": 1}
    assert any("inversées" in n for n in res.notes)
    assert any("En QPV 2024 : 3" in line for line in engine.summary_lines(s))


def test_batch_output_files_are_safe(ref):
    res = engine.run_batch(
        ref, coords_table().df, mp.ColumnMapping("lonlat", lon="longitude", lat="latitude")
    )
    text = to_csv_bytes(res.df).decode("utf-8-sig")
    assert "\n'=cmd|" in text
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(res.df)))
    cells = [c for row in wb.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert wb.active["A8"].value.startswith("'=")


def test_batch_lambert93(ref):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(*wh.IN_TOULOUSE_2024_ONLY)
    df = pd.DataFrame({"X": [f"{x:.2f}".replace(".", ",")], "Y": [f"{y:.2f}"]})
    res = engine.run_batch(ref, df, mp.ColumnMapping("xy", x="X", y="Y"))
    assert res.df.code_qpv[0] == "QN03101T"
    assert res.df.qpv_2015[0] == engine.OUTSIDE_2015


def test_batch_result_names_do_not_overwrite_user_columns(ref):
    df = pd.DataFrame({"statut": ["client"], "lon": ["2.385"], "lat": ["48.883"]})
    res = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat"))
    assert res.df["statut"][0] == "client" and res.df["lon"][0] == "2.385"
    assert res.df["statut_resultat"][0] == "ok"
    assert res.df["code_qpv"][0] == "QN07501M"


def test_batch_addresses_with_geocoder(ref, fake):
    df = pd.DataFrame(
        {
            "Adresse": ["1 rue du Test", "1 rue du Test", "rue du Test", "nulle part", ""],
            "CP": ["75019", "75019", "75019", "00000", ""],
            "Ville": ["Paris", "Paris", "Paris", "X", ""],
        }
    )
    mapping = mp.propose(df)
    assert (mapping.mode, mapping.postcode, mapping.city) == ("address", "CP", "Ville")
    res = engine.run_batch(ref, df, mapping, geocoder(fake))
    out = res.df
    assert out.statut.tolist()[:2] == ["ok", "ok"]
    assert out.statut[2].startswith("à vérifier")
    assert out.statut[3].startswith("non géocodé") and out.statut[4].startswith("non géocodé")
    assert out.code_qpv.tolist()[:2] == ["QN07501M", "QN07501M"]
    assert out.libelle_geocode[0] == "1 Rue du Test 75019 Paris" and out.score[0] == 0.95
    assert out.code_commune[0] == "75119"  # arrondissement code as the geocoder returns it
    assert res.summary["geocoded"] == 3 and res.summary["in_qpv"] == 2
    assert fake.requests[0]["rows"] == 3  # duplicates and empty rows not sent


def test_batch_zero_geocodable_rows(ref, fake):
    df = pd.DataFrame({"adresse": ["nulle part", "ailleurs"]})
    res = engine.run_batch(ref, df, mp.ColumnMapping("address", address="adresse"), geocoder(fake))
    assert res.summary["located"] == 0
    assert any("Aucune adresse" in n for n in res.notes)
    assert len(res.df) == 2


def test_batch_addresses_need_a_geocoder(ref):
    df = pd.DataFrame({"adresse": ["1 rue A"]})
    with pytest.raises(InputError, match="géocodeur"):
        engine.run_batch(ref, df, mp.ColumnMapping("address", address="adresse"), NoGeocoder())


def test_batch_cancel(ref, fake):
    cancel = threading.Event()
    cancel.set()
    df = pd.DataFrame({"adresse": ["1 rue du Test 75019 Paris"]})
    res = engine.run_batch(
        ref, df, mp.ColumnMapping("address", address="adresse"), geocoder(fake), cancel=cancel
    )
    assert "annulé" in res.df.statut[0]


def test_batch_matches_point_checks(ref):
    rng = np.random.default_rng(1)
    lon = rng.uniform(2.37, 2.40, 300)
    lat = rng.uniform(48.875, 48.925, 300)
    df = pd.DataFrame({"lon": lon.astype(str), "lat": lat.astype(str)})
    out = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat")).df
    for i in range(0, 300, 30):
        single = engine.check_point(ref, lon[i], lat[i])
        assert values(out.code_qpv)[i] == single.code
        assert out.distance_m[i] == pytest.approx(single.distance_m)


def test_missing_warehouse_is_a_french_error(tmp_path):
    with pytest.raises(InputError, match="Entrepôt"):
        engine.get_reference(tmp_path / "absent.duckdb")


def test_reference_is_cached_by_mtime(tmp_path):
    path = wh.build(tmp_path / "sse.duckdb")
    a = engine.get_reference(path)
    assert engine.get_reference(path) is a


def test_batch_address_parts(ref, fake):
    df = pd.DataFrame(
        {
            "num": ["1", "2"],
            "voie": ["rue du Test", "avenue Test"],
            "cp": ["75019", "31200"],
            "commune": ["Paris", "Toulouse"],
        }
    )
    mapping = mp.propose(df)
    assert mapping.mode == "parts"
    out = engine.run_batch(ref, df, mapping, geocoder(fake)).df
    assert values(out.code_qpv) == ["QN07501M", "QN03101T"]
    assert values(out.qpv_2015) == [engine.NOT_LOADED_2015, "QP031001"]
