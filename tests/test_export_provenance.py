"""Source lines and « Sources » sheets built from the warehouse provenance, and the CSV/XLSX
table exports that go with charts (they work without Chromium)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_brief_support import build_fixture_warehouse

from sse_dash import db
from sse_dash.export import provenance, tables


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_fixture_warehouse(tmp_path_factory.mktemp("prov") / "sse.duckdb")
    connection = db.open_warehouse(path)
    yield connection
    connection.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-06", "juin 2026"),
        ("2026-02-01", "février 2026"),
        ("2025-13", "2025-13"),
        ("QPV 2024 (décret 2023-1314)", "QPV 2024 (décret 2023-1314)"),
        (None, ""),
    ],
)
def test_format_vintage(raw, expected):
    assert provenance.format_vintage(raw) == expected


def test_sources_for_sirene_and_qpv(con):
    items = provenance.sources_for(con, provenance.SIRENE_ROLES + provenance.QPV_ROLES)
    # two SIRENE datasets of the same vintage give one item; the fixture's SIRENE is synthetic
    assert items == ["SIRENE synthétique (juin 2026)", "ANCT QPV 2024 (décret 2023-1314)"]
    line = provenance.source_line(items)
    assert line == (
        "Sources\u00a0: SIRENE synthétique (juin 2026) ; ANCT QPV 2024 (décret 2023-1314)"
    )
    assert provenance.source_line(items[:1]).startswith("Source\u00a0: ")
    assert provenance.source_line([]) == ""


def test_synthetic_flag_from_meta(con, tmp_path):
    assert provenance.is_synthetic(con) is True
    real = db.open_warehouse(
        build_fixture_warehouse(tmp_path / "real.duckdb", synthetic=False, n_points=5)
    )
    try:
        assert provenance.is_synthetic(real) is False
        assert provenance.sources_for(real, provenance.SIRENE_ROLES) == ["INSEE SIRENE, juin 2026"]
    finally:
        real.close()
    empty = db.connect(None)
    assert provenance.is_synthetic(empty) is False
    assert provenance.sources_for(empty, provenance.SIRENE_ROLES) == []


def test_xlsx_sources_sheet_and_typed_cells(con):
    frame = pd.DataFrame(
        {"Famille": ["Associations", '=HYPERLINK("x")'], "Établissements": [12345, 7]}
    )
    records = provenance.source_records(con, provenance.SIRENE_ROLES)
    assert len(records) == 2
    data = tables.to_xlsx_bytes(frame, sheet_name="Familles", sources=records)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Familles", "Sources"]
    sheet = book["Familles"]
    assert sheet["B2"].value == 12345 and sheet["B2"].data_type == "n"
    assert sheet["A3"].value.startswith("'=")  # formula neutralised
    src = book["Sources"]
    header = [c.value for c in src[1]]
    assert header[:3] == ["Jeu de données", "Producteur", "Millésime"]
    assert src["C2"].value == "juin 2026"
    assert {src.cell(row=r, column=7).value for r in (2, 3)} == {"oui"}


def test_csv_round_trip():
    frame = pd.DataFrame({"Commune": ["Saint-Denis", "Épinay"], "Taux": [12.5, 3.25]})
    back = pd.read_csv(
        io.BytesIO(tables.to_csv_bytes(frame)), sep=";", decimal=",", encoding="utf-8-sig"
    )
    pd.testing.assert_frame_equal(back, frame)
