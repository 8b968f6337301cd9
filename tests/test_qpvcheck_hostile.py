"""Hostile files and values (red-team findings): bounded resources, French messages, the input
never destroyed. Each test builds its crafted input here and keeps the characters that caused
the failure. Resource tests run the reader in a subprocess and measure its wall time and peak
RSS against the target: any file within the upload limit answered in ≤ 20 s and ≤ 1.5 GB."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures.qpvcheck import crafted
from fixtures.qpvcheck import warehouse as wh
from openpyxl import load_workbook

from sse_dash.export.tables import neutralise, to_csv_bytes, to_xlsx_bytes
from sse_dash.qpvcheck import InputError, engine, reader, xlsx
from sse_dash.qpvcheck import mapping as mp

REPO = Path(__file__).resolve().parent.parent
MAX_SECONDS = 20.0
MAX_RSS_MB = 1536.0

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from sse_dash.qpvcheck import InputError, reader
    data = open(sys.argv[1], "rb").read()
    t = time.perf_counter()
    try:
        table = reader.read_table(data, sys.argv[1])
        out = {"rows": len(table.df), "columns": len(table.df.columns),
               "notes": [str(n) for n in table.notes]}
    except InputError as exc:
        out = {"error": str(exc)}
    out["seconds"] = time.perf_counter() - t
    # VmHWM: this process's own peak (ru_maxrss keeps the forking test process's peak)
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
    out["rss_mb"] = (int(hwm[0].split()[1]) if hwm
                     else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
    print(json.dumps(out))
    """
)


def plain(text: str) -> str:
    """French numbers use narrow no-break spaces (`1 048 576`): compare with plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def measured_read(data: bytes, name: str, tmp_path: Path) -> dict:
    """read_table in a fresh process (as the page server or the CLI would run it): outcome,
    seconds, peak RSS. A reader that hangs fails here on the timeout, not after minutes."""
    path = tmp_path / name
    path.write_bytes(data)
    assert len(data) <= reader.UPLOAD.max_bytes  # within the upload limit: must be answered
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=90,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: no answer after 90 s")
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out = {k: plain(v) if isinstance(v, str) else v for k, v in out.items()}
    assert out["seconds"] <= MAX_SECONDS, out
    assert out["rss_mb"] <= MAX_RSS_MB, out
    return out


# --------------------------------------------------------------- 1. crafted XLSX, bounded
def test_declared_whole_grid_dimension_is_ignored(tmp_path):
    """`<dimension ref="A1:XFD1048576"/>` made openpyxl pad every row to 16,384 cells (a 165 KB
    file took 3 GB)."""
    rows = [["nom", "lon", "lat"]] + [[f"Asso {i}", 2.35, 48.85] for i in range(6000)]
    data = crafted.workbook(rows, dimension="A1:XFD1048576")
    out = measured_read(data, "grille.xlsx", tmp_path)
    assert (out["rows"], out["columns"]) == (6000, 3)


def test_a_single_far_away_row_is_answered_at_once(tmp_path):
    """A 1.6 KB file whose only data row is row 1,048,576 held a CPU for ~6 minutes."""
    data = crafted.workbook([(1, ["nom", "adresse"]), (1_048_576, ["A", "1 rue B"])])
    assert len(data) < 2000
    out = measured_read(data, "loin.xlsx", tmp_path)
    assert "1 048 576" in out["error"] and "ne sont pas lues" in out["error"]
    assert out["seconds"] < 5


def test_rows_after_a_long_empty_run_are_reported_not_read():
    rows = [(1, ["nom", "lon", "lat"]), (2, ["A", 2.3, 48.8]), (3, ["B", 2.4, 48.9])]
    data = crafted.workbook([*rows, (1_048_576, ["Z", 1, 1])])
    table = reader.read_table(data, "trou.xlsx")
    assert table.df.nom.tolist() == ["A", "B"]
    assert any("1 048 576" in plain(n) and "ne sont pas lues" in n for n in table.notes)


def test_huge_shared_string_is_refused_within_bounds(tmp_path):
    """Shared strings of hundreds of MB went to 3.5 GB or raised MemoryError tracebacks."""
    data = crafted.huge_shared_string_workbook(300 * 1024 * 1024)
    out = measured_read(data, "enorme.xlsx", tmp_path)
    assert "Cellule trop longue" in out["error"] and "32 767" in out["error"]


@pytest.mark.parametrize("length", [xlsx.XLSX_MAX_CELL + 1, 200_000])
def test_cell_longer_than_excel_allows_is_refused(length):
    inline = crafted.workbook([["nom"], ["x" * length]])
    shared = crafted.workbook(
        [],
        shared=["x" * length, "nom"],
        sheet_cells_xml=(
            f'<row r="1">{crafted.shared_cell("A1", 1)}</row>'
            f'<row r="2">{crafted.shared_cell("A2", 0)}</row>'
        ),
    )
    for data in (inline, shared):
        with pytest.raises(InputError, match="Cellule trop longue.*32.767"):
            reader.read_table(data, "long.xlsx")
    ok = crafted.workbook([["nom"], ["x" * xlsx.XLSX_MAX_CELL]])
    assert len(reader.read_table(ok, "ok.xlsx").df.nom[0]) == xlsx.XLSX_MAX_CELL


def test_decompressed_size_is_bounded():
    rows = [["nom", "adresse"]] + [[f"Asso {i}", f"{i} rue de la Paix"] for i in range(20_000)]
    data = crafted.workbook(rows)
    small = dataclasses.replace(reader.UPLOAD, max_uncompressed=256 * 1024)
    with pytest.raises(InputError, match="décompressé"):
        reader.read_table(data, "bombe.xlsx", small)
    assert len(reader.read_table(data, "bombe.xlsx").df) == 20_000


def test_reading_time_is_bounded():
    rows = [["nom"]] + [[f"Asso {i}"] for i in range(50_000)]
    quick = dataclasses.replace(reader.UPLOAD, max_seconds=0.0)
    with pytest.raises(InputError, match="interrompue au bout de"):
        reader.read_table(crafted.workbook(rows), "lent.xlsx", quick)


def test_million_row_workbook_names_the_limit_not_an_arbitrary_count(tmp_path):
    """A 1,048,576-row XLSX was reported as « Trop de lignes (200 001) »."""
    rows = ((i, [i]) for i in range(1, 1_048_577))
    data = crafted.workbook(rows)
    out = measured_read(data, "million.xlsx", tmp_path)
    assert "200 001" not in out["error"]
    assert "plus de 200 000" in out["error"]


def test_a_row_with_more_cells_than_excel_has_columns():
    cells = "".join(f'<c r="{crafted.column(i)}1"><v>{i}</v></c>' for i in range(1, 600))
    data = crafted.workbook([], sheet_cells_xml=f'<row r="1">{cells}</row>')
    with pytest.raises(InputError, match="Trop de colonnes.*500 colonnes"):
        reader.read_table(data, "large.xlsx")
    empty = "".join("<c/>" for _ in range(20_000))
    data = crafted.workbook([["nom"], ["a"]], sheet_cells_xml=f'<row r="3">{empty}</row>')
    with pytest.raises(InputError, match="Trop de colonnes"):
        reader.read_table(data, "large.xlsx")


def test_ordinary_workbook_reads_as_before():
    """The bounded reader keeps openpyxl's values: numbers, text, booleans, dates, formulas as
    text, shared strings, blank leading rows, a blank header."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([None])
    ws.append(["nom", "n", "x", "ok", "date", None])
    ws.append(
        ["=cmd|' /C calc'!A0", 12, 2.5, True, pd.Timestamp("2024-05-01").to_pydatetime(), "z"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    df = reader.read_table(buf.getvalue(), "f.xlsx").df
    assert list(df.columns) == ["nom", "n", "x", "ok", "date", "colonne_6"]
    row = df.iloc[0].tolist()
    assert row[:4] == ["=cmd|' /C calc'!A0", 12, 2.5, True]
    assert row[4] == pd.Timestamp("2024-05-01") and row[5] == "z"


# --------------------------------------------------------------- 5. columns
def test_a_million_columns_csv_is_refused_quickly(tmp_path):
    """A 1-million-column CSV took 300 s and 5.3 GB."""
    header = ";".join(f"c{i}" for i in range(1_000_000))
    data = (header + "\n" + ";".join("1" for _ in range(1_000_000)) + "\n").encode()
    out = measured_read(data, "colonnes.csv", tmp_path)
    assert "Trop de colonnes (1 000 000)" in out["error"] and "500 colonnes" in out["error"]


def test_hundred_thousand_columns_csv_is_refused():
    """A 100k-column one made the page batch fail on openpyxl's column limit (16,384)."""
    data = (",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n").encode()
    with pytest.raises(InputError, match="Trop de colonnes"):
        reader.read_table(data, "colonnes.csv")
    ok = (";".join(f"c{i}" for i in range(500)) + "\n" + ";".join(["1"] * 500) + "\n").encode()
    assert reader.read_table(ok, "ok.csv").df.shape == (1, 500)


def test_cells_limit_on_csv():
    limits = dataclasses.replace(reader.UPLOAD, max_cells=1000)
    data = ("a;b;c;d\n" + "1;2;3;4\n" * 300).encode()
    with pytest.raises(InputError, match="cellules"):
        reader.read_table(data, "a.csv", limits)


# --------------------------------------------------------------- 7. duplicate names
@pytest.mark.parametrize(
    "header,expected",
    [
        ("a;;colonne_2;b", ["a", "colonne_2.1", "colonne_2", "b"]),
        ("x;;y;colonne_4;", ["x", "colonne_2", "y", "colonne_4", "colonne_5"]),
        (";colonne_1", ["colonne_1.1", "colonne_1"]),
    ],
)
def test_blank_headers_never_take_a_real_name(header, expected):
    width = header.count(";") + 1
    data = (header + "\n" + ";".join(["v"] * width) + "\n").encode()
    assert list(reader.read_table(data, "a.csv").df.columns) == expected


def test_xlsx_repeated_headers_are_unique_and_outputs_hold_scalars(tmp_path):
    data = crafted.workbook([["a", "a.1", "a", "lon", "lat"], ["x", "y", "z", 2.385, 48.883]])
    df = reader.read_table(data, "dup.xlsx").df
    assert len(set(df.columns)) == len(df.columns) == 5
    assert df.iloc[0, :3].tolist() == ["x", "y", "z"]
    ref = engine.get_reference(wh.build(tmp_path / "sse.duckdb"))
    res = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat"))
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(res.df))).active
    values = [c.value for c in ws[2]][:3]
    assert values == ["x", "y", "z"]
    text = to_csv_bytes(res.df).decode("utf-8-sig")
    assert "['" not in text


# --------------------------------------------------------------- 8. and 9. spreadsheet safety
def test_csv_quotes_commas_so_a_comma_spreadsheet_sees_no_formula():
    df = pd.DataFrame({"nom": ["x,=1+1,y", "a\tb", "plain"], "n": [1, 2, 3]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    for delimiter in (",", ";"):
        cells = [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]
        assert not any(c.startswith("=") for c in cells), (delimiter, cells)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][0] == "x,=1+1,y" and rows[2][0] == "a\tb"


ORDINARY = ["-1 234,5", "-.5", "-12%", "+33 1 23 45 67 89", "-inf", "-1\u202f234,5", "+1e5", "-"]
FORMULAS = ["=1+1", "-2+3", "+cmd|' /C calc'!A0", "-HYPERLINK(1)", "@SUM(A1)", "\t=1"]


def test_neutralisation_leaves_numbers_alone():
    assert [neutralise(v) for v in ORDINARY] == ORDINARY
    assert all(neutralise(v) == "'" + v for v in FORMULAS)
    df = pd.DataFrame({"v": ORDINARY + FORMULAS})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(df).decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ORDINARY + ["'" + v for v in FORMULAS]
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert [c.value for c in ws["A"][1:]] == ORDINARY + ["'" + v for v in FORMULAS]


def test_original_columns_keep_ordinary_values(tmp_path):
    ref = engine.get_reference(wh.build(tmp_path / "sse.duckdb"))
    df = pd.DataFrame({"montant": ["-inf", "-1 234,5", "+33 1 23 45 67 89"]})
    df["lon"], df["lat"] = str(wh.IN_PARIS[0]), str(wh.IN_PARIS[1])
    res = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat"))
    rows = list(
        csv.DictReader(io.StringIO(to_csv_bytes(res.df).decode("utf-8-sig")), delimiter=";")
    )
    assert [r["montant"] for r in rows] == df.montant.tolist()


# --------------------------------------------------------------- 3. control characters
def test_control_character_in_a_cell_keeps_both_outputs(tmp_path):
    ref = engine.get_reference(wh.build(tmp_path / "sse.duckdb"))
    data = f"nom;lon;lat\nsecret\x0bvaleur;{wh.IN_PARIS[0]};{wh.IN_PARIS[1]}\n".encode()
    table = reader.read_table(data, "ctrl.csv")
    assert table.df.nom[0] == "secret\x0bvaleur"
    res = engine.run_batch(ref, table.df, mp.propose(table.df))
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(res.df))).active
    assert ws["A2"].value == "secret\ufffdvaleur"
    assert "secret\x0bvaleur" in to_csv_bytes(res.df).decode("utf-8-sig")
    # the XLSX escape Excel uses for control characters is read back as the character
    back = reader.read_table(crafted.workbook([["nom"], ["a\x0bb\x01"]]), "ctrl.xlsx")
    assert back.df.nom[0] == "a\x0bb\x01"


# --------------------------------------------------------------- 10. points on a boundary
def _vertex_and_midpoint():
    x0, y0, x1, _ = 2.380, 48.880, 2.390, 48.886  # QN07501M in the fixture warehouse
    return (x0, y0), ((x0 + x1) / 2, y0)


def test_boundary_points_are_inside_everywhere(tmp_path):
    """A boundary vertex came back « non » at 0 m, an edge midpoint « oui »."""
    from sse_dash.qpv_index import QpvIndex

    path = wh.build(tmp_path / "sse.duckdb")
    ref = engine.get_reference(path)
    points = _vertex_and_midpoint()
    for lon, lat in points:
        single = engine.check_point(ref, lon, lat)
        assert single.in_qpv and single.code == "QN07501M" and single.distance_m == 0
    df = pd.DataFrame({"lon": [str(p[0]) for p in points], "lat": [str(p[1]) for p in points]})
    out = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat")).df
    assert out.en_qpv_2024.tolist() == ["oui", "oui"]
    from sse_dash import db

    con = db.open_warehouse(path)
    try:
        idx = QpvIndex.from_warehouse(con, "2024")  # what the warehouse build uses
    finally:
        con.close()
    found = idx.assign([p[0] for p in points], [p[1] for p in points])
    assert found.inside.tolist() == ["QN07501M", "QN07501M"]


def test_boundary_points_of_real_contours(dev_warehouse):
    """Every vertex of real QPV contours (projected, curved edges, multipolygons) is inside."""
    import shapely

    from sse_dash import db
    from sse_dash.qpv_index import QpvIndex

    con = db.open_warehouse(dev_warehouse)
    try:
        idx = QpvIndex.from_warehouse(con, "2024")
        rows = con.execute(
            "SELECT code, ST_AsWKB(geom) FROM qpv WHERE geography = '2024' AND dep_code = '93' "
            "ORDER BY code LIMIT 20"
        ).fetchall()
    finally:
        con.close()
    geoms = shapely.from_wkb([bytes(r[1]) for r in rows])
    coords = shapely.get_coordinates(shapely.boundary(geoms))
    mids = (coords[:-1] + coords[1:]) / 2
    for pts in (coords, mids[np.linalg.norm(coords[1:] - coords[:-1], axis=1) < 1e-3]):
        found = idx.assign(pts[:, 0], pts[:, 1])
        assert all(c is not None for c in found.inside)
        assert np.all(found.distance_m == 0)


# --------------------------------------------------------------- 11. upload limit
def test_streamlit_upload_limit_is_the_apps():
    settings = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] * 1024 * 1024 == reader.UPLOAD.max_bytes


# --------------------------------------------------------------- 13. smaller findings
def test_mac_roman_is_recognised_and_said():
    text = "nom;adresse;ville\nÉpicerie « Chez Zoé »;2 rue de l’Église;Châteaurenard\n"
    text += "Crèche;1 bd Gambetta;Besançon\n" * 3
    table = reader.read_table(text.encode("mac_roman"), "mac.csv")
    assert table.encoding == "Mac Roman"
    assert table.df.nom[0] == "Épicerie « Chez Zoé »"
    assert table.df.ville.tolist()[1:] == ["Besançon"] * 3
    assert any("Mac Roman" in n for n in table.notes)
    # Windows-1252 stays Windows-1252, without a note
    cp = reader.read_table(text.encode("cp1252"), "pc.csv")
    assert cp.encoding == "Windows-1252" and cp.df.nom[0] == "Épicerie « Chez Zoé »"
    assert not cp.notes


def test_new_caledonia_is_france_without_qpv(tmp_path):
    ref = engine.get_reference(wh.build(tmp_path / "sse.duckdb"))
    noumea = (166.4572, -22.2758)
    single = engine.check_coordinates(ref, *noumea)
    assert not single.in_qpv and single.nearest_code is None
    assert "aucun QPV" in single.summary_fr()
    df = pd.DataFrame({"lon": [str(noumea[0])], "lat": [str(noumea[1])]})
    out = engine.run_batch(ref, df, mp.ColumnMapping("lonlat", lon="lon", lat="lat")).df
    assert out.statut[0] == mp.OK and out.en_qpv_2024[0] == "non"


@pytest.mark.parametrize("text", ["inf ; 48", "1e309 ; 48", "nan nan", "-inf, 2.3"])
def test_number_like_words_are_never_geocoded(tmp_path, text):
    from fixtures.qpvcheck.fake_ign import FakeIgn

    from sse_dash.qpvcheck.geocoder import IgnGeocoder

    ref = engine.get_reference(wh.build(tmp_path / "sse.duckdb"))
    with FakeIgn() as fake:
        with pytest.raises(InputError, match="Coordonnées illisibles"):
            engine.check_text(ref, text, IgnGeocoder(fake.url, retries=0))
        assert fake.requests == []
