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


def _arrow_cells(arr: pa.Array) -> list:
    """What csv_cells wrote for floats before its fast path: Arrow's cast, decimal comma,
    quotes around the cells with a comma."""
    import pyarrow.compute as pc

    text, comma = tables._decimal_comma(pc.cast(arr, pa.string()))
    text = pc.fill_null(text, tables.text(""))
    return (tables._quoted(text, comma) if comma.any() else text).to_pylist()


def test_numbers_with_six_decimals_are_written_as_arrow_writes_them():
    """Coordinates rounded to 6 places (the address check's lon/lat) take numpy's fast path:
    every magnitude and number of decimals, signs, zeros, nulls and slices give Arrow's text."""
    rng = np.random.default_rng(7)
    edge = [0.0, -0.0, 1e-6, -1e-6, 0.5, 9999.999999, -9999.999999, 1.0, 10.0, 100.000001,
            0.00012, 5.1, 48.6, -0.000001, 2.38351, 1000.0, 9999.0]  # fmt: skip
    samples = [np.array(edge)]
    for decimals in range(7):
        for top in (1e-6, 1e-3, 1.0, 10.0, 180.0, 9999.0):
            samples.append(np.round(rng.uniform(-top, top, 2000), decimals))
    for values in samples:
        arr = pa.array(values)
        fast = tables._fixed_decimals(arr)
        assert fast is not None
        assert fast.to_pylist() == _arrow_cells(arr)
        assert tables.csv_cells(arr).to_pylist() == _arrow_cells(arr)
    holes = pa.array([None, 1.25, None, 3.0, -2.5, None])
    assert tables.csv_cells(holes).to_pylist() == ["", '"1,25"', "", "3", '"-2,5"', ""]
    for part in (holes.slice(1, 3), pa.array(samples[5]).slice(17, 400)):
        assert tables.csv_cells(part).to_pylist() == _arrow_cells(part)


def test_other_numbers_keep_arrow_s_own_writing():
    for values in ([1.5, 3.25e-7], [12345.5], [float("nan"), 1.0], [1.1234567]):
        assert tables._fixed_decimals(pa.array(values)) is None
    assert tables.csv_cells(pa.array([12345.5, 1e15])).to_pylist() == ['"12345,5"', "1e+15"]


def test_coded_columns_side_by_side_are_joined_once_with_the_same_bytes():
    """Statuses, codes and names, empty columns: written as one column of joined cells when
    their combinations are few; the file's bytes are those of each column written alone."""
    rng = np.random.default_rng(3)
    n = 400
    qpv = rng.integers(-1, 12, n)  # -1: no QPV (null)

    def coded(codes, labels):
        valid = codes >= 0
        return pa.DictionaryArray.from_arrays(
            pa.array(np.where(valid, codes, 0), mask=~valid, type=pa.int32()), pa.array(labels)
        )

    codes = [f"QN0{i}" for i in range(12)]
    names = [f'Quartier "{i}"; =bis' for i in range(12)]
    columns = [
        pa.array([f"id{i}" for i in range(n)]),
        coded(rng.integers(0, 3, n), ["ok", "inversées", "=erreur"]),
        pa.nulls(n, pa.string()),
        pa.nulls(n, pa.float64()),
        pa.array(np.round(rng.uniform(-5, 10, n), 6)),
        coded(rng.integers(0, 3, n), ["oui", "non", "incertain"]),
        coded(qpv, codes),
        coded(qpv, names),  # the same codes as the column before
        coded(rng.integers(0, 300, n), [f"{i:05d}" for i in range(300)]),  # too many to join
        pa.array(rng.integers(0, 5000, n)),
        pa.nulls(n),
    ]
    names_ = [f"c{i}" for i in range(len(columns))]
    alone = [tables.csv_cells(c) for c in columns]
    expected = "".join(
        ";".join(row) + "\r\n" for row in zip(*[c.to_pylist() for c in alone], strict=True)
    )
    got = b"".join(bytes(c) for c in tables.csv_chunks(names_, columns))
    assert got.decode("utf-8").split("\r\n", 1)[1] == expected
    joined = tables._row_cells(columns)
    assert len(joined) == 7  # id | status, 2 empty | lon | answer, code, name | 300 | n | empty
    assert len(tables._row_cells([c.slice(0, 3) for c in columns])) < len(columns)


def test_columns_in_chunks_are_written_chunk_by_chunk_with_the_same_bytes():
    """The address check hands its input columns over as slices of the file's chunks (no copy):
    cells and rows come chunk by chunk, the file is the same as from whole columns."""
    values = ["a", "=1+1", "b;c", "-12,5", 'x"y', "plain", "", "+33 1 23"] * 5
    chunked = pa.chunked_array(
        [pa.array(values[:7]), pa.array(values[7:26]), pa.array(values[26:])]
    )
    whole = pa.array(values)
    assert tables.csv_cells(chunked).to_pylist() == tables.csv_cells(whole).to_pylist()
    assert isinstance(tables.csv_cells(chunked), pa.ChunkedArray)
    numbers = pa.array(np.round(np.linspace(-5, 9, len(values)), 6))
    nulls = pa.chunked_array([pa.nulls(10, pa.string()), pa.nulls(30, pa.string())])
    for names, cols, plain in (
        (["t", "n"], [chunked, numbers], [whole, numbers]),
        (["t"], [chunked.slice(5, 20)], [whole.slice(5, 20)]),
        (["e", "t"], [nulls, chunked], [pa.nulls(40, pa.string()), whole]),
    ):
        got = b"".join(bytes(c) for c in tables.csv_chunks(names, cols))
        assert got == b"".join(bytes(c) for c in tables.csv_chunks(names, plain))


def test_the_labels_of_a_file_s_pieces_are_written_once(monkeypatch):
    """Pieces of one file share their dictionary's labels (the same Arrow array): their
    cells are made once; other labels, even equal ones, are their own."""
    labels = pa.array([f"=code {i}" if i % 7 == 0 else f"{i:05d}" for i in range(3000)])
    made = []
    real = tables.csv_cells

    def counting(arr):
        if len(arr) == len(labels):
            made.append(1)
        return real(arr)

    monkeypatch.setattr(tables, "csv_cells", counting)
    rng = np.random.default_rng(2)
    pieces = []
    for _ in range(5):
        codes = rng.integers(0, len(labels), 400)
        pieces.append(pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), labels))
    for piece in pieces:
        expected = [real(labels)[i].as_py() for i in piece.indices.to_pylist()]
        assert real(piece).to_pylist() == expected  # csv_cells takes the cached labels
    assert len(made) == 1
    other = pa.array([f"{i:05d}" for i in range(3000)])
    real(pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int32()), other))
    assert len(made) == 2
