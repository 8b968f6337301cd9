"""csv_cells (the vectorised CSV writer shared by every export and the address check) gives,
cell by cell, what the plain Python rule gives: formulas neutralised (tables.neutralise), a
cell holding `;`, `,`, a quote, a tab or a line break quoted with its quotes doubled, empty
for missing values; numbers with a decimal comma. On sliced arrays, nulls, empty strings and
text that is not ASCII too."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from sse_dash.export import tables

PIECES = ["", "a", "é", "€", "=", "+", "-", "@", "\t", "\r", "\n", ";", ",", '"', "'", " ",
          "1", "2,5", "3.5", "%", "e5", "SUM(A1)", "\u00a0", "inf", "nan", "x" * 40]  # fmt: skip


def _reference(value) -> str:
    if value is None:
        return ""
    value = tables.neutralise(value)
    if any(c in value for c in ';,"\t\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _texts(rng, n):
    out = []
    for _ in range(n):
        if rng.random() < 0.08:
            out.append(None)
        else:
            k = int(rng.integers(0, 4))
            out.append("".join(rng.choice(PIECES, size=k)))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_text_cells_follow_the_python_rule(seed):
    rng = np.random.default_rng(seed)
    values = _texts(rng, 3000)
    arr = pa.array(values, type=pa.string())
    assert tables.csv_cells(arr).to_pylist() == [_reference(v) for v in values]
    # a slice (offset into the buffers), and a large_string column
    part = arr.slice(17, 2000)
    assert tables.csv_cells(part).to_pylist() == [_reference(v) for v in values[17:2017]]
    big = pa.array(values, type=pa.large_string())
    assert tables.csv_cells(big).to_pylist() == [_reference(v) for v in values]


def test_plain_columns_are_left_alone():
    values = ["abc", "12", "", "x y"] * 100
    assert tables.csv_cells(pa.array(values)).to_pylist() == values


def test_dictionary_and_null_columns():
    values = ["oui", None, "=1+1", "a;b", "oui"]
    arr = pa.array(values).dictionary_encode()
    assert tables.csv_cells(arr).to_pylist() == [_reference(v) for v in values]
    assert tables.csv_cells(pa.nulls(3)).to_pylist() == ["", "", ""]


def test_numbers_have_a_decimal_comma_and_are_quoted():
    arr = pa.array([1.5, None, -2.0, 3.25e-7, float("inf"), 12.0, -1.5, float("-inf")])
    assert tables.csv_cells(arr).to_pylist() == [
        '"1,5"',
        "",
        "-2",
        '"3,25e-7"',
        "inf",
        "12",
        '"-1,5"',
        "-inf",
    ]  # numbers are never formulas, even with a sign
    assert tables.csv_cells(pa.array([3, None, -4])).to_pylist() == ["3", "", "-4"]
    assert tables.csv_cells(pa.array([True, False, None])).to_pylist() == ["oui", "non", ""]


def test_rows_end_with_crlf_once():
    cols = [pa.array(["a", "b;c"]), pa.array([1.5, None]), pa.array(["x", "y"])]
    data = b"".join(bytes(c) for c in tables.csv_chunks(["p", "q", "r"], cols))
    assert data == '\ufeffp;q;r\r\na;"1,5";x\r\n"b;c";;y\r\n'.encode()
    one = b"".join(bytes(c) for c in tables.csv_chunks(["p"], [pa.array(["a", None])]))
    assert one == "\ufeffp\r\na\r\n\r\n".encode()


def test_rows_too_big_for_32_bit_offsets_are_joined_with_64_bit_ones(monkeypatch):
    cols = [pa.array(["a", "b;c", None]), pa.array([1.5, None, 2.0]), pa.array(["x", "y", "z"])]
    small = b"".join(bytes(c) for c in tables.csv_chunks(["p", "q", "r"], cols))
    monkeypatch.setattr(tables, "_MAX_32_BIT", 10)
    large = b"".join(bytes(c) for c in tables.csv_chunks(["p", "q", "r"], cols))
    assert large == small
