"""CSV/XLSX exports: open in French Excel, formulas neutralised, numbers stay numbers."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from sse_dash.export.tables import neutralise, to_csv_bytes, to_xlsx_bytes


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nom": ["=cmd|' /C calc'!A0", "+33 1 23", "-1.5", "@SUM(A1)", "a;b", 'dit "x"\nsuite'],
            "valeur": [1.5, -2.25, np.nan, 3.0, 0.0, 1e6],
            "compte": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "flag": [True, False, True, True, False, True],
        }
    )


def read_csv_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_semicolon_bom_decimal_comma():
    rows = read_csv_back(to_csv_bytes(frame()))
    assert rows[0] == ["nom", "valeur", "compte", "flag"]
    assert len(rows) == 7
    assert rows[1][1] == "1,5" and rows[2][1] == "-2,25"
    assert rows[3][1] == ""  # NaN -> empty
    assert rows[2][2] == ""  # <NA> -> empty
    assert rows[1][3] == "oui" and rows[2][3] == "non"


def test_csv_neutralises_formulas_but_not_numbers():
    rows = read_csv_back(to_csv_bytes(frame()))
    names = [r[0] for r in rows[1:]]
    assert names[0] == "'=cmd|' /C calc'!A0"
    assert names[1] == "+33 1 23"  # a phone number, not a formula
    assert names[2] == "-1.5"  # a plain number is not a formula
    assert names[3] == "'@SUM(A1)"
    assert names[4] == "a;b"  # quoted, so the separator survives
    assert names[5] == 'dit "x"\nsuite'


def test_csv_header_is_neutralised_too():
    rows = read_csv_back(to_csv_bytes(pd.DataFrame({"=HYPERLINK(1)": [1]})))
    assert rows[0] == ["'=HYPERLINK(1)"]


def test_xlsx_typed_frozen_and_neutralised():
    data = to_xlsx_bytes(frame(), sources=[{"jeu": "QPV", "url": "=evil()"}])
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Résultats"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["nom", "valeur", "compte", "flag"]
    first = ws["A2"]
    assert first.data_type == "s" and first.value.startswith("'=")
    assert ws["A4"].value == "-1.5"
    assert ws["B2"].data_type == "n" and ws["B2"].value == 1.5
    assert ws["B4"].value is None
    assert ws["C2"].value == 1 and ws["C3"].value is None
    assert ws["D2"].value is True
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    src = wb["Sources"]
    assert src["B2"].value == "'=evil()"


def test_xlsx_without_sources_has_one_sheet():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(frame(), sheet_name="Données")))
    assert wb.sheetnames == ["Données"]


def test_neutralise_scalar():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-12,5") == "-12,5"
    assert neutralise("texte") == "texte"
    assert neutralise(3.5) == 3.5


def test_empty_frame():
    data = to_csv_bytes(pd.DataFrame({"a": pd.Series([], dtype=object)}))
    assert read_csv_back(data) == [["a"]]
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": []}))))
    assert wb.active.max_row == 1
