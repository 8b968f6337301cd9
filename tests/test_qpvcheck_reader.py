"""Reading uploaded files: encodings, separators, quoting, limits and bad input (French errors)."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from openpyxl import Workbook

from sse_dash.qpvcheck import InputError, reader
from sse_dash.qpvcheck import mapping as mp

ROWS = [
    ["nom", "adresse", "code postal", "ville"],
    ["Épicerie solidaire", "12 rue de l'Église", "75011", "Paris"],
    ["Régie de quartier", "3 allée des Châtaigniers", "31200", "Toulouse"],
]


def csv_bytes(sep=";", encoding="utf-8", rows=ROWS) -> bytes:
    return ("\n".join(sep.join(r) for r in rows) + "\n").encode(encoding)


@pytest.mark.parametrize(
    "encoding,expected",
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("cp1252", "Windows-1252")],
)
def test_encodings_keep_accents(encoding, expected):
    table = reader.read_table(csv_bytes(encoding=encoding), "a.csv")
    assert table.encoding == expected
    assert list(table.df.columns) == ROWS[0]
    assert table.df.iloc[0, 0] == "Épicerie solidaire"
    assert table.df.iloc[1, 1] == "3 allée des Châtaigniers"


def test_latin1_bytes_that_are_not_cp1252():
    data = "nom;ville\nA\u0081;Nîmes\n".encode("latin-1")
    table = reader.read_table(data, "a.csv")
    assert table.df.iloc[0, 1] == "Nîmes"


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_separators(sep):
    table = reader.read_table(csv_bytes(sep=sep), "a.csv")
    assert table.separator == sep
    assert table.df.shape == (2, 4)


def test_quoted_fields_with_separator_and_line_breaks():
    data = (
        'nom;adresse;cp\n"Asso ""Le Lien""";"12 rue A; bât. B\n2e étage";75011\n'
        'Autre;"5 rue C";31000\n'
    ).encode()
    table = reader.read_table(data, "a.csv")
    assert table.separator == ";"
    assert table.df.shape == (2, 3)
    assert table.df.iloc[0, 0] == 'Asso "Le Lien"'
    assert table.df.iloc[0, 1] == "12 rue A; bât. B\n2e étage"


def test_codes_keep_leading_zeros():
    table = reader.read_table(b"cp;ville\n01000;Bourg\n", "a.csv")
    assert table.df.iloc[0, 0] == "01000"


def test_duplicate_rows_are_kept():
    data = b"adresse;cp\n1 rue A;75001\n1 rue A;75001\n"
    assert len(reader.read_table(data, "a.csv").df) == 2


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "vide"),
        (b"  \r\n\r\n", "vide"),
        (b"adresse;cp\n", "en-tête"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binaire"),
        (b"\x7fELF\x02\x01\x01" + b"\x01\x02\x03\x04" * 300, "CSV"),
    ],
)
def test_bad_files_give_french_messages(data, message):
    with pytest.raises(InputError, match=message):
        reader.read_table(data, "donnees.csv")


def test_too_big_file_is_refused():
    big = b"a" * (60 * 1024 * 1024)
    with pytest.raises(InputError, match="trop volumineux.*50 Mo"):
        reader.read_table(big, "gros.csv")


def test_too_many_rows():
    limits = dataclasses.replace(reader.UPLOAD, max_rows=10)
    data = b"lon;lat\n" + b"2.3;48.8\n" * 11
    with pytest.raises(InputError, match="Trop de lignes : le fichier en contient plus de 10"):
        reader.read_table(data, "a.csv", limits)
    assert len(reader.read_table(data[: -len(b"2.3;48.8\n")], "a.csv", limits).df) == 10


def test_limits_are_stated_in_french():
    assert "200" in reader.LIMITS_TEXT and "50 Mo" in reader.LIMITS_TEXT
    assert "500 colonnes" in reader.LIMITS_TEXT


def test_old_xls_and_broken_xlsx():
    with pytest.raises(InputError, match="xls"):
        reader.read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls")
    with pytest.raises(InputError, match="illisible"):
        reader.read_table(b"PK\x03\x04 pas un zip", "a.xlsx")
    with pytest.raises(InputError, match="valide"):
        reader.read_table(b"nom;adresse\n", "a.xlsx")


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_reads_values_and_keeps_formulas_as_text():
    data = xlsx_bytes(
        [
            [None, None],
            ["nom", "longitude", "latitude"],
            ["=cmd|' /C calc'!A0", 2.385, 48.883],
            ["B", "2,5", "48,8"],
        ]
    )
    table = reader.read_table(data, "f.xlsx")
    assert table.kind == "xlsx"
    assert list(table.df.columns) == ["nom", "longitude", "latitude"]
    assert table.df.iloc[0, 0] == "=cmd|' /C calc'!A0"
    assert table.df.iloc[0, 1] == 2.385


def test_xlsx_header_only():
    with pytest.raises(InputError, match="en-tête"):
        reader.read_table(xlsx_bytes([["adresse", "cp"]]), "f.xlsx")


# ---------------------------------------------------------------------------- mapping
def test_propose_full_address_with_postcode_and_city():
    table = reader.read_table(csv_bytes(), "a.csv")
    m = mp.propose(table.df)
    assert (m.mode, m.address, m.postcode, m.city) == ("address", "adresse", "code postal", "ville")


def test_propose_parts():
    df = reader.read_table(b"Numero;Rue;CP;Commune\n3;rue A;75001;Paris\n", "a.csv").df
    m = mp.propose(df)
    assert (m.mode, m.number, m.street, m.postcode, m.city) == (
        "parts",
        "Numero",
        "Rue",
        "CP",
        "Commune",
    )


def test_propose_lonlat_and_lambert():
    df = reader.read_table(b"id;Longitude;Latitude\n1;2,35;48,85\n", "a.csv").df
    assert mp.propose(df) == mp.ColumnMapping(mode="lonlat", lon="Longitude", lat="Latitude")
    df = reader.read_table(b"id;x;y\n1;652000;6862000\n", "a.csv").df
    assert mp.propose(df).mode == "xy"
    df = reader.read_table(b"id;x;y\n1;2.35;48.85\n", "a.csv").df
    assert mp.propose(df).mode == "lonlat"


def test_propose_nothing_usable():
    df = reader.read_table(b"nom;montant\nA;12\n", "a.csv").df
    assert mp.propose(df) is None


def test_validate_messages():
    with pytest.raises(InputError, match="absente"):
        mp.validate(mp.ColumnMapping(mode="address", address="adr"), ["adresse"])
    with pytest.raises(InputError, match="latitude"):
        mp.validate(mp.ColumnMapping(mode="lonlat", lon="a"), ["a"])
    with pytest.raises(InputError, match="code postal ou de la commune"):
        mp.validate(mp.ColumnMapping(mode="parts", street="v"), ["v"])


def test_parse_numbers_decimal_commas_and_spaces():
    values = ["2,35", "-1.5", " 652 345,2 ", "1.234,5", "", "abc", None]
    got = mp.parse_numbers(values)
    np.testing.assert_allclose(got[:4], [2.35, -1.5, 652345.2, 1234.5])
    assert np.isnan(got[4:]).all()


def test_locate_swapped_lambert_outside_missing():
    a = np.array([2.35, 48.85, 652000.0, 6862000.0, 120.0, np.nan, np.nan])
    b = np.array([48.85, 2.35, 6862000.0, 652000.0, 80.0, np.nan, np.nan])
    blank = np.array([False] * 5 + [True, False])
    lon, lat, status = mp.locate(a, b, blank)
    assert list(status) == [
        mp.OK,
        mp.SWAPPED,
        mp.OK,
        mp.SWAPPED,
        mp.OUTSIDE,
        mp.MISSING,
        mp.UNREADABLE,
    ]
    assert lon[1] == 2.35 and lat[1] == 48.85
    # Lambert-93 (652000, 6862000) lies in Paris
    assert 2.2 < lon[2] < 2.5 and 48.8 < lat[2] < 48.95
    assert lon[3] == pytest.approx(lon[2])
    assert np.isnan(lon[4:]).all()


def test_utf16_with_bom():
    table = reader.read_table(csv_bytes(encoding="utf-16"), "a.csv")
    assert table.encoding == "UTF-16"
    assert table.df.iloc[0, 1] == "12 rue de l'Église"


def test_mojibake_free_for_cp1252_apostrophes():
    data = "nom;adresse\nCafé;2 rue de l\u2019Œuvre\n".encode("cp1252")
    assert reader.read_table(data, "a.csv").df.iloc[0, 1] == "2 rue de l\u2019Œuvre"


def test_broken_utf16_is_a_french_error():
    with pytest.raises(InputError, match="UTF-16"):
        reader.read_table("a;b\n1;2\n".encode("utf-16") + b"\n", "a.csv")


@pytest.mark.parametrize("data", [b"a;b\n1;2;3\n4;5\n", b"a;b\n1;2\n4;5;6\n"])
def test_rows_longer_than_header_are_refused_not_shifted(data):
    with pytest.raises(InputError, match="CSV mal form"):
        reader.read_table(data, "a.csv")


def test_short_rows_are_padded_and_single_column_with_commas():
    assert reader.read_table(b"a;b\n1\n4;5\n", "a.csv").df.to_dict("records") == [
        {"a": "1", "b": ""},
        {"a": "4", "b": "5"},
    ]
    table = reader.read_table(b"adresse\n12 rue A, 75001 Paris\n3 rue B, Lyon\n", "a.csv")
    assert table.df.adresse.tolist() == ["12 rue A, 75001 Paris", "3 rue B, Lyon"]


def test_xlsx_values_beyond_the_header_are_kept():
    table = reader.read_table(xlsx_bytes([["adresse", None], ["1 rue A", "note"]]), "f.xlsx")
    assert list(table.df.columns) == ["adresse", "colonne_2"]
    assert table.df.iloc[0, 1] == "note"


def test_xlsx_damaged_inside_the_archive():
    data = bytearray(xlsx_bytes([["nom", "lon", "lat"], ["A", 2.3, 48.8]] * 50))
    # flip bytes in every compressed member's data: zlib fails while rows are read
    for i in range(200, len(data) - 200, 97):
        data[i] ^= 0xFF
    with pytest.raises(InputError, match="illisible"):
        reader.read_table(bytes(data), "f.xlsx")


def test_sniffer_only_sees_a_short_head_of_ordinary_lines(monkeypatch):
    """csv.Sniffer is superlinear on long separator runs: a quoted field of 60,000 `;` used
    to block a worker ~25 s. It must never receive such a line; the separator is still found."""
    import csv

    from sse_dash.qpvcheck import reader

    seen: list[str] = []
    real = csv.Sniffer.sniff

    def spy(self, sample, delimiters=None):
        seen.append(sample)
        return real(self, sample, delimiters)

    monkeypatch.setattr(csv.Sniffer, "sniff", spy)
    data = b'nom;adresse\nA;"' + b";" * 60000 + b'"\nB;rue\n'
    table = reader.read_table(data, "a.csv")
    assert list(table.df.columns)[:2] == ["nom", "adresse"]
    assert all(len(s) <= reader.SNIFF_BYTES for s in seen)
    assert all(max(map(len, s.splitlines())) <= reader.SNIFF_MAX_LINE for s in seen)
    ordinary = ("nom;adresse\n" + "A;1 rue de la Paix\n" * 2000).encode()
    assert reader.detect_separator(ordinary.decode()) == ";"
    assert all(len(s) <= reader.SNIFF_BYTES for s in seen)
