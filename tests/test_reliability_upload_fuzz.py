"""Upload fuzzing: thousands of generated CSV / XLSX-ish files go through the batch reader, the
column-mapping proposal and both output writers (CSV, XLSX). Whatever the bytes, the user gets
either a table whose outputs can be written or the reader's own French error (`InputError` with
a readable French message) — never a traceback. No strategy leaves out the characters that once
broke something (control characters, separators and line breaks inside huge fields)."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pytest
from fixtures.qpvcheck import crafted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sse_dash.export.tables import to_csv_bytes, to_xlsx_bytes
from sse_dash.qpvcheck import InputError, reader
from sse_dash.qpvcheck import mapping as mp

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # reproducible in CI; the examples still cover the space below
)
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"]
SEPARATORS = [";", ",", "\t", "|"]
HEADERS = [
    "nom",
    "adresse",
    "Adresse complète",
    "code postal",
    "cp",
    "ville",
    "commune",
    "numero",
    "voie",
    "lon",
    "lat",
    "longitude",
    "latitude",
    "x",
    "y",
    "X_L93",
    "Y_L93",
    "",
    "Unnamed: 0",
    "N°",
]
FRENCH_WORDS = re.compile(
    r"\b(le|la|les|de|du|des|un|une|est|fichier|ligne|lignes|colonne|vide|illisible|"
    r"format|classeur|choisissez|saisissez)\b",
    re.IGNORECASE,
)
CELL_ALPHABET = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
)
SPECIAL_CELLS = st.sampled_from(
    [
        "",
        '"',
        '""',
        '"quoted; value"',
        "a;b",
        "a,b",
        "a\tb",
        "a|b",
        "ligne\nsuivante",
        "ligne\r\nsuivante",
        "\r",
        "\x00",
        "nul\x00au milieu",
        "=1+1",
        '=HYPERLINK("http://x")',
        "2,35",
        "652 345,2",
        "48.85",
        "-1.5e308",
        "1e400",
        "nan",
        "inf",
        "Épinay-sur-Seine",
        "Œuvre €",
        "\ufeff",
        "\u202f",
        "🙂",
        "x" * 5000,
    ]
)
CELLS = st.one_of(st.text(CELL_ALPHABET, max_size=30), SPECIAL_CELLS)


def check_outcome(data: bytes, filename: str) -> None:
    """read_table then propose/validate/coordinates: only InputError (French) may escape."""
    try:
        table = reader.read_table(data, filename)
    except InputError as exc:
        assert_french(exc)
        return
    df = table.df
    assert len(df) >= 1
    assert len(df.columns) >= 1
    assert all(isinstance(c, str) and c for c in df.columns)
    assert len(set(df.columns)) == len(df.columns)
    assert table.describe()
    # both downloads can be written, whatever the cells hold
    assert to_csv_bytes(df).startswith(b"\xef\xbb\xbf")
    assert to_xlsx_bytes(df)[:4] == b"PK\x03\x04"
    mapping = mp.propose(df)
    if mapping is None:
        return
    try:
        mp.validate(mapping, df.columns)
    except InputError as exc:
        assert_french(exc)
        return
    assert mapping.describe()
    if mapping.mode in ("lonlat", "xy"):
        lon, lat, status = mp.coordinates(df, mapping)
        assert len(lon) == len(lat) == len(status) == len(df)
        located = ~np.isnan(lon)
        assert set(status[located]) <= {mp.OK, mp.SWAPPED}
        assert set(status[~located]) <= {mp.MISSING, mp.UNREADABLE, mp.OUTSIDE}


def assert_french(exc: InputError) -> None:
    message = str(exc)
    assert message.strip(), "message d'erreur vide"
    assert FRENCH_WORDS.search(message), message
    assert "Traceback" not in message and "Error" not in message, message


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def csv_text(rows: list[list[str]], sep: str, quote_all: bool, newline: str) -> str:
    def cell(v: str) -> str:
        if quote_all or any(ch in v for ch in (sep, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v

    return newline.join(sep.join(cell(v) for v in row) for row in rows)


@st.composite
def table_rows(draw, min_rows: int = 0):
    width = draw(st.integers(1, 6))
    header = draw(
        st.lists(st.one_of(st.sampled_from(HEADERS), CELLS), min_size=width, max_size=width)
    )
    body = draw(
        st.lists(
            st.lists(CELLS, min_size=max(0, width - 2), max_size=width + 2),
            min_size=min_rows,
            max_size=8,
        )
    )
    return [header, *body]


# ----------------------------------------------------------------------------- CSV
@settings(FUZZ, max_examples=350)
@given(
    rows=table_rows(),
    sep=st.sampled_from(SEPARATORS),
    encoding=st.sampled_from(ENCODINGS),
    quote_all=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    trailing=st.sampled_from(["", "\n", "\n\n", "\x00", "\r\n \r\n"]),
    name=st.sampled_from(["a.csv", "A.CSV", "donnees.txt", "sans_extension", "x.xlsx", "x.xls"]),
)
def test_fuzz_structured_csv(rows, sep, encoding, quote_all, newline, trailing, name):
    data = encode(csv_text(rows, sep, quote_all, newline) + trailing, encoding)
    check_outcome(data, name)


@settings(FUZZ, max_examples=200)
@given(
    rows=table_rows(min_rows=1),
    sep=st.sampled_from(SEPARATORS),
    encoding=st.sampled_from(ENCODINGS),
    cut=st.floats(0, 1),
    junk=st.binary(max_size=40),
)
def test_fuzz_truncated_and_spliced_csv(rows, sep, encoding, cut, junk):
    """A file cut anywhere (mid-quote, mid multi-byte character) with junk bytes appended."""
    data = encode(csv_text(rows, sep, True, "\n"), encoding)
    data = data[: int(len(data) * cut)] + junk
    check_outcome(data, "coupe.csv")


@settings(FUZZ, max_examples=200)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a"]))
def test_fuzz_random_bytes(data, name):
    check_outcome(data, name)


@settings(FUZZ, max_examples=60)
@given(
    size=st.integers(66_000, 300_000),
    sep=st.sampled_from(SEPARATORS),
    quoted=st.booleans(),
    char=st.sampled_from(["a", "é", '"', "\x00", "x ", ";", ",", "\t", "|", "\n", "\r\n", '";']),
)
def test_fuzz_huge_fields(size, sep, quoted, char):
    """A header then one field larger than the separator-detection sample (64 KB), made of any
    character, separators and line breaks included (they once made csv.Sniffer take ~45 s)."""
    field = char * (size // len(char))
    if quoted:
        field = '"' + field.replace('"', '""') + '"'
    data = f"nom{sep}adresse\nA{sep}{field}\nB{sep}2 rue C\n".encode()
    check_outcome(data, "gros.csv")


# ----------------------------------------------------------------------------- XLSX
def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


VALID_XLSX = _xlsx(
    [
        ["nom", "adresse", "code postal", "ville", "lon", "lat"],
        *[[f"Asso {i}", f"{i} rue A", "93200", "Saint-Denis", 2.36, 48.93] for i in range(30)],
    ]
)
XLSX_CELLS = st.one_of(
    CELLS,  # control characters included: written `_xHHHH_` as Excel does
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
)


@settings(FUZZ, max_examples=120)
@given(
    rows=st.lists(st.lists(XLSX_CELLS, min_size=0, max_size=5), min_size=0, max_size=6),
    numbers=st.lists(st.integers(1, 1_048_576), max_size=6, unique=True),
    dimension=st.sampled_from([None, "A1", "A1:XFD1048576", "A1:C3"]),
)
def test_fuzz_xlsx_cells(rows, numbers, dimension):
    """Any cells, on any rows (a row far away included), under any declared dimension."""
    numbered = sorted(zip(sorted(numbers), rows, strict=False)) if numbers else rows
    check_outcome(crafted.workbook(numbered, dimension=dimension), "classeur.xlsx")


@settings(FUZZ, max_examples=150)
@given(cut=st.integers(4, len(VALID_XLSX) - 1))
def test_fuzz_truncated_xlsx(cut):
    check_outcome(VALID_XLSX[:cut], "tronque.xlsx")


@settings(FUZZ, max_examples=150)
@given(
    flips=st.lists(
        st.tuples(st.integers(30, len(VALID_XLSX) - 1), st.integers(1, 255)),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_corrupted_xlsx_bytes(flips):
    """A few bytes changed anywhere in a real workbook (headers, deflate streams, CRCs)."""
    data = bytearray(VALID_XLSX)
    for pos, x in flips:
        data[pos] ^= x
    check_outcome(bytes(data), "abime.xlsx")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


@settings(FUZZ, max_examples=80)
@given(
    sheet=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.sampled_from(
            [
                b"<worksheet/>",
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row><c t="s"><v>99</v></c></row></sheetData></worksheet>',
                b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b 'c'>]><a>&b;</a>",
            ]
        ),
    ),
    drop=st.sampled_from(
        ["", "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    ),
)
def test_fuzz_xlsx_with_replaced_parts(sheet, drop):
    """A workbook zip whose sheet XML is replaced by junk, or missing one of its parts."""
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/worksheets/sheet1.xml"] = sheet
    members.pop(drop, None)
    check_outcome(_zip(members), "remplace.xlsx")


def _corrupt_member(data: bytes, member: str) -> bytes:
    """Make the deflate stream of one zip member start with an invalid block type."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    raw = bytearray(data)
    name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    raw[start] = 0x07  # BFINAL=1, BTYPE=11 (reserved): « invalid block type »
    return bytes(raw)


@pytest.mark.parametrize(
    "member",
    ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"],
)
def test_corrupted_deflate_stream_gives_a_french_error(member):
    data = _corrupt_member(VALID_XLSX, member)
    with pytest.raises(InputError) as err:
        reader.read_table(data, "abime.xlsx")
    assert_french(err.value)


def test_a_damaged_part_the_reader_does_not_need_loses_nothing():
    """Document properties are not read: a workbook whose core.xml is damaged keeps its rows."""
    data = _corrupt_member(VALID_XLSX, "docProps/core.xml")
    assert len(reader.read_table(data, "abime.xlsx").df) == 30


# ------------------------------------------------------------- sanity of the harness itself
def test_harness_accepts_a_good_file_and_catches_a_foreign_exception(monkeypatch):
    """The fuzz oracle is not vacuous: a clean file is read and mapped, and an exception that is
    not the reader's own French error fails it."""
    check_outcome(VALID_XLSX, "ok.xlsx")
    table = reader.read_table(VALID_XLSX, "ok.xlsx")
    assert mp.propose(table.df).mode == "lonlat"

    def boom(*_a, **_k):
        raise KeyError("x")

    monkeypatch.setattr(reader, "read_xlsx", boom)
    with pytest.raises(KeyError):
        check_outcome(VALID_XLSX, "ok.xlsx")
    with pytest.raises(AssertionError):
        assert_french(InputError("Bad file"))
