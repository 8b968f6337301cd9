"""`python -m sse_dash qpv check`: files in and out, exit 2 with French messages on bad input."""

from __future__ import annotations

import csv
import io

import pytest
from fixtures.qpvcheck import warehouse as wh
from fixtures.qpvcheck.fake_ign import FakeIgn
from openpyxl import Workbook, load_workbook

from sse_dash import cli
from sse_dash.qpvcheck import reader


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("qpvcheck_cli")
    wh.build(d / "sse.duckdb")
    return d


@pytest.fixture(autouse=True)
def env(monkeypatch, data_dir):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(data_dir))


def run(*args) -> int:
    return cli.main(["qpv", "check", *map(str, args)])


def read_out(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))


def test_csv_coordinates_to_csv(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(f"nom,lng,lat\nA,{wh.IN_PARIS[0]},{wh.IN_PARIS[1]}\nB,,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run(src, "--out", out) == 0
    rows = read_out(out)
    assert [r["nom"] for r in rows] == ["A", "B"]
    assert rows[0]["code_qpv"] == "QN07501M" and rows[0]["en_qpv_2024"] == "oui"
    assert rows[1]["statut"] == "coordonnées manquantes"
    captured = capsys.readouterr()
    assert "En QPV 2024 : 1" in captured.out
    assert "Recherche des QPV" in captured.err


def test_explicit_columns_and_xlsx_output(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(f"a;b\n{wh.IN_TOULOUSE_BOTH[0]};{wh.IN_TOULOUSE_BOTH[1]}\n", encoding="utf-8")
    out = tmp_path / "res.xlsx"
    assert run(src, "--out", out, "--lon", "a", "--lat", "b", "--geocoder", "none") == 0
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["code_qpv"] == "QN03101T" and row["qpv_2015"] == "QP031001"
    assert row["distance_m"] == 0


def test_xlsx_input_with_formula(tmp_path):
    wb = Workbook()
    wb.active.append(["nom", "longitude", "latitude"])
    wb.active.append(["=cmd|' /C calc'!A0", wh.IN_PARIS[0], wh.IN_PARIS[1]])
    src = tmp_path / "in.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    assert run(src, "--out", out) == 0
    cell = load_workbook(out).active["A2"]
    assert cell.data_type == "s" and cell.value == "'=cmd|' /C calc'!A0"


def test_addresses_with_loopback_geocoder(tmp_path, monkeypatch):
    src = tmp_path / "in.csv"
    src.write_text("adresse;cp;ville\n1 rue du Test;75019;Paris\n", encoding="cp1252")
    out = tmp_path / "out.csv"
    with FakeIgn() as fake:
        monkeypatch.setenv("SSE_DASH_GEOCODER_URL", fake.url)
        assert (
            run(src, "--out", out, "--address", "adresse", "--postcode", "cp", "--city", "ville")
            == 0
        )
    row = read_out(out)[0]
    assert row["code_qpv"] == "QN07501M" and row["score"] == "0,95"


@pytest.mark.parametrize(
    "content,args,message",
    [
        (b"", [], "vide"),
        (b"adresse;cp\n", [], "en-t\u00eate"),
        (b"nom;montant\nA;12\n", [], "Aucune colonne"),
        (b"\x00\x01\x02\x03binaire" * 50, [], "binaire"),
        (b"lon;lat\n120;80\n130;-80\n", [], "Aucune ligne n'a pu \u00eatre localis\u00e9e"),
        (b"lon;lat\n2.3;48.8\n", ["--lon", "absente", "--lat", "lat"], "absente"),
        (b"adresse\n1 rue A\n", ["--geocoder", "none"], "g\u00e9ocodeur"),
    ],
)
def test_bad_input_exit_2_french(tmp_path, capsys, content, args, message):
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    assert run(src, "--out", tmp_path / "out.csv", *args) == 2
    err = capsys.readouterr().err
    assert "Erreur : " in err and message in err.split("Erreur : ", 1)[1]
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_missing_input_and_bad_output_extension(tmp_path, capsys):
    assert run(tmp_path / "absent.csv", "--out", tmp_path / "o.csv") == 2
    assert "introuvable" in capsys.readouterr().err
    src = tmp_path / "in.csv"
    src.write_text("lon;lat\n2.3;48.8\n")
    assert run(src, "--out", tmp_path / "o.json") == 2
    assert ".csv ou .xlsx" in capsys.readouterr().err


def test_oversized_file(tmp_path, capsys):
    """The command line takes larger files than the page (reader.CLI), still within a limit,
    checked on the file's size before reading it (the sparse file below is never read)."""
    src = tmp_path / "gros.csv"
    with open(src, "wb") as fh:
        fh.truncate(reader.CLI.max_bytes + 1)
    assert run(src, "--out", tmp_path / "o.csv") == 2
    assert "trop volumineux" in capsys.readouterr().err
