"""`python -m sse_dash export etablissements` and the Territoire page's download: EVERY
establishment of the selection (more than the 5,000 rows the page shows), the URL filters,
French-Excel CSV / XLSX with a Sources sheet, empty names for non-diffusible units, the QPV
status « oui / non / incertain », French errors."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest
import ui_warehouse
from app_support import run_page
from openpyxl import load_workbook

from sse_dash import cli, db
from sse_dash.dashboard import sse
from sse_dash.dashboard import territory as terr
from sse_dash.ui import downloads

COPIES = 45  # 45 × 120 establishments of the 93 = 5,400 more: beyond the page's 5,000 rows


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The page-test warehouse with its Seine-Saint-Denis establishments copied 45 times."""
    folder = tmp_path_factory.mktemp("big")
    path = ui_warehouse.build(folder / "sse.duckdb")
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO establishments SELECT e.* REPLACE (e.siret[1:9] || lpad(CAST(t.k * 100 + "
        "CAST(e.siret[10:] AS INTEGER) % 100 AS VARCHAR), 5, '0') AS siret) "
        "FROM establishments e, range(1, $n + 1) t(k) WHERE e.dep_code = '93'",
        {"n": COPIES},
    )
    con.close()
    return folder


def _count(folder, where: str = "dep_code = '93'") -> int:
    con = db.connect(folder / "sse.duckdb", read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM establishments WHERE {where}").fetchone()[0]
    finally:
        con.close()


def _csv(path) -> pd.DataFrame:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for French Excel
    return pd.read_csv(io.BytesIO(raw), sep=";", encoding="utf-8-sig", dtype=str)


def test_cli_writes_every_establishment(big, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(big))
    out = tmp_path / "ets93.csv"
    argv = ["export", "etablissements", "--territoire", "dep:93", "--out", str(out)]
    assert cli.main(argv) == 0
    frame = _csv(out)
    total = _count(big)
    assert total > 5_000 and len(frame) == total
    assert not frame.duplicated(["siret", "code_commune"]).any()
    for col in (
        "siret",
        "nom",
        "famille",
        "naf",
        "tranche_effectifs",
        "code_commune",
        "commune",
        "en_qpv_2024",
        "code_qpv_2024",
        "distance_qpv_m",
        "precision_localisation",
    ):
        assert col in frame.columns, col
    assert set(frame["en_qpv_2024"]) == {"oui", "non", "incertain"}
    hidden = _count(big, "dep_code = '93' AND NOT diffusible")
    assert frame["nom"].isna().sum() == hidden > 0  # non-diffusible: never named
    unsure = frame[frame.en_qpv_2024 == "incertain"]
    assert unsure["code_qpv_2024"].isna().all() and unsure["distance_qpv_m"].isna().all()
    assert frame.loc[frame.en_qpv_2024 == "oui", "code_qpv_2024"].notna().all()
    assert "Saint-Denis" in set(frame["commune"])
    printed = capsys.readouterr().out
    assert "établissements ESS de Seine-Saint-Denis (93)" in printed and "incertain" in printed


def test_cli_filters_as_in_the_url_and_xlsx(big, tmp_path, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(big))
    out = tmp_path / "assos.xlsx"
    argv = [
        "export",
        "etablissements",
        "--territoire",
        "com:93066",
        "--out",
        str(out),
        "--famille",
        "association",
        "--qpv_filtre",
        "near",
        "--taille",
        "NN",
    ]
    assert cli.main(argv) == 0
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Établissements", "Sources"]
    rows = list(wb["Établissements"].values)
    expected = _count(
        big,
        "commune_code = '93066' AND family = 'association' AND near_qpv300 AND size_class = 'NN'",
    )
    assert len(rows) - 1 == expected > 0
    assert rows[0][0] == "siret" and rows[0][1] == "nom"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--territoire", "dep:93", "--out", "x.pdf"], ".csv ou .xlsx"),
        (["--territoire", "département 93", "--out", "x.csv"], "non reconnu"),
        (["--territoire", "dep:44", "--out", "x.csv"], "absent de l'entrepôt"),
        (["--territoire", "dep:93", "--out", "x.csv", "--taille", "géante"], "--taille"),
        (["--territoire", "dep:93", "--out", "x.csv", "--secteur", "Z9"], "--secteur"),
    ],
)
def test_cli_errors_are_french(big, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(big))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "etablissements", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_cli_without_warehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path / "vide"))
    argv = ["export", "etablissements", "--territoire", "fr", "--out", str(tmp_path / "a.csv")]
    assert cli.main(argv) == 2
    assert "entrepôt introuvable" in capsys.readouterr().err


def test_page_download_is_the_whole_selection(big):
    """The file behind the Territoire page's buttons: all rows, same as the CLI."""
    con = db.open_warehouse(big / "sse.duckdb")
    try:
        t = terr.from_key(con, "dep:93")
        data = downloads.selection_file(con, t, sse.NO_FILTERS, "csv")
        frame = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
        assert len(frame) == _count(big) > 5_000
        assert frame.equals(
            pd.read_csv(
                io.BytesIO(downloads.tables.to_csv_bytes(sse.export_frame(con, t))),
                sep=";",
                encoding="utf-8-sig",
                dtype=str,
            )
        )
        xlsx = downloads.selection_file(
            con, t, sse.Filters(family="fondation"), "xlsx", [{"Jeu": "x"}]
        )
        wb = load_workbook(io.BytesIO(xlsx), read_only=True)
        assert wb.sheetnames == ["Établissements", "Sources"]
        rows = list(wb["Établissements"].values)
        assert len(rows) - 1 == _count(big, "dep_code = '93' AND family = 'fondation'")
    finally:
        con.close()


def test_territoire_page_offers_the_whole_selection_with_its_count(big, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(big))
    monkeypatch.setenv("SSE_DASH_TILES", "none")
    at = run_page("pages/1_Territoire.py", territoire="dep:93")
    labels = [getattr(getattr(b, "proto", None), "label", "") for b in at.get("download_button")]
    total = f"{_count(big):,}".replace(",", "\u202f")
    assert f"Tous les établissements ({total}) — CSV" in labels
    assert f"Tous les établissements ({total}) — XLSX" in labels
    assert any(
        "5\u202f000 affichés ci-dessous, tous dans les téléchargements" in c.value
        for c in at.caption
    )
    table = at.dataframe[-1].value
    assert len(table) == 5_000 and "En QPV 2024" in table.columns


@pytest.mark.parametrize(
    ("flag", "where"), [([], "TRUE"), (["--employeur"], "employer"), (["--employeur", "0"], "TRUE")]
)
def test_cli_employer_flag(big, tmp_path, monkeypatch, flag, where):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(big))
    out = tmp_path / "e.csv"
    argv = ["export", "etablissements", "--territoire", "com:93008", "--out", str(out), *flag]
    assert cli.main(argv) == 0
    assert len(_csv(out)) == _count(big, f"commune_code = '93008' AND {where}")


def test_csv_written_in_pieces_is_the_same_file():
    from sse_dash.export import tables

    frame = pd.DataFrame(
        {
            "nom": ["=HYPERLINK()", None, 'a;"b"', "-1,5", "Asso"],
            "distance_qpv_m": [1.5, float("nan"), 3.0, 4.25, 0.0],
            "employeur": [True, False, True, True, False],
            "mixte": ["x", 2, None, 3.5, "y"],
        }
    )
    whole = tables.to_csv_bytes(frame)
    assert b"".join(tables.csv_parts(frame, chunk_rows=2)) == whole
    assert whole.count(b"\r\n") == 6 and whole.startswith(b"\xef\xbb\xbfnom;")
    empty = frame.iloc[:0]
    assert b"".join(tables.csv_parts(empty, chunk_rows=2)) == tables.to_csv_bytes(empty)
