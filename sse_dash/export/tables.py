"""Tables to files that open cleanly in French Excel: CSV `;` + UTF-8 BOM + decimal comma, and
typed XLSX. Both neutralise text cells that a spreadsheet would run as a formula (CSV injection):
a leading `=` or `@` (or tab / carriage return), or a leading `+` / `-` followed by anything but
a number, gets a `'` prefix. Numbers written the French or the English way (`-1 234,5`, `-.5`,
`-12%`, `+33 1 23 45 67 89`, `-inf`) are not formulas and are never touched. A CSV field holding
`;`, `,`, a tab, a quote or a line break is quoted, so it stays one cell whichever separator the
spreadsheet is set to. XLSX cannot store XML control characters: they become `\ufffd`."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A signed number, French or English notation (thousands spaces, decimal comma or point,
# exponent, percent), a signed inf/nan, or a lone sign (a placeholder): what follows `+`/`-` is not a formula. The pattern is
# written for both Python's `re` and Arrow's RE2 (literal no-break spaces, no `\s`).
_SPACES = " \u00a0\u202f"
_DIGITS = f"[0-9{_SPACES}]"
_PLAIN_NUMBER = re.compile(
    rf"^[+-][{_SPACES}]*(?:[0-9]{_DIGITS}*(?:[.,][0-9]{_DIGITS}*)*|[.,][0-9]{_DIGITS}*)"
    rf"(?:[eE][+-]?[0-9]+)?[{_SPACES}]*%?$|^[+-](?:inf|infinity|nan)$|^[+-][{_SPACES}]*$",
    re.IGNORECASE,
)
_SIGNED = ("+", "-")
_NEEDS_QUOTES = r'[;,"\t\r\n]'
# Characters XML 1.0 forbids (openpyxl raises IllegalCharacterError on them).
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_CELL = 32_767


def neutralise(value):
    """Prefix `'` to a text that a spreadsheet would interpret as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # fullmatch: `$` alone would also match before a final line break ("-\n")
        if not (value.startswith(_SIGNED) and _PLAIN_NUMBER.fullmatch(value)):
            return "'" + value
    return value


def _plain_text(value) -> str:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value)).replace(".", ",")
    return str(value)


def _arrow_column(s: pd.Series) -> pa.Array:
    """One pandas column as an Arrow array: booleans, numbers, or text (any other value as its
    plain text), ready for csv_cells."""

    import pandas as pd

    if pd.api.types.is_bool_dtype(s.dtype):
        return pa.array(s.astype(object), type=pa.bool_(), from_pandas=True)
    if pd.api.types.is_numeric_dtype(s.dtype):
        return pa.array(s, from_pandas=True)
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        s = s.map(_plain_text)
    return pa.array(s.astype(object), type=pa.string(), from_pandas=True)


_QUOTE_CHARS = (";", ",", '"', "\t", "\r", "\n")


# Arrow values built from buffers: `pa.array` and `pa.scalar` on Python objects ask pyarrow's
# pandas shim whether the object is array-like, which imports pandas (≈ 0.2 s at start-up on
# the command line's fast path, which never needs it).
def string_array(values, large: bool = False) -> pa.Array:
    """A string Arrow array of Python str (None -> null)."""
    words = [b"" if v is None else str(v).encode("utf-8") for v in values]
    dtype = np.int64 if large else np.int32
    offsets = np.zeros(len(words) + 1, dtype=dtype)
    offsets[1:] = np.cumsum([len(w) for w in words], dtype=np.int64)
    missing = np.array([v is None for v in values], dtype=bool)
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    return pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        len(words),
        [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(words))],
    )


def text(value: str, large: bool = False) -> pa.Scalar:
    """A string Arrow scalar (see string_array)."""
    return string_array([value], large)[0]


def bool_array(values: np.ndarray) -> pa.Array:
    bits = np.packbits(np.asarray(values, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def to_bools(arr: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls as False (`to_numpy(zero_copy_only=False)` would
    import pandas)."""
    validity, data = arr.buffers()
    out = _bits(data, arr.offset, len(arr))
    if arr.null_count:
        out &= _bits(validity, arr.offset, len(arr))
    return out


def _bits(buf, offset: int, n: int) -> np.ndarray:
    raw = np.frombuffer(buf, np.uint8)
    return np.unpackbits(raw, bitorder="little", count=offset + n)[offset:].astype(bool)


def index_array(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _byte_table(chars) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


_PREFIX_BYTES = _byte_table(FORMULA_PREFIXES)
_QUOTE_BYTES = _byte_table(_QUOTE_CHARS)
_QUOTE = ord('"')


def string_layout(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of a string array without nulls, as numpy views of its buffers."""
    _, offsets, data = arr.buffers()
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets, width, len(arr) + 1, arr.offset * np.dtype(width).itemsize)
    return offsets, np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)


def _first_byte_in(arr: pa.Array, table: np.ndarray) -> np.ndarray:
    """Cells whose first byte is one of `table` (single-byte ASCII prefixes)."""
    offsets, data = string_layout(arr)
    starts, filled = offsets[:-1], offsets[1:] > offsets[:-1]
    first = np.zeros(len(arr), dtype=np.uint8)
    first[filled] = data[starts[filled]]
    return table[first] & filled


def _any_byte_in(arr: pa.Array, table: np.ndarray) -> np.ndarray:
    """Cells holding any byte of `table` (ASCII characters: a UTF-8 sequence never contains
    an ASCII byte), one pass over the bytes."""
    offsets, data = string_layout(arr)
    return _cells_holding(offsets, table[data[offsets[0] : offsets[-1]]])


def _cells_holding(offsets: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """Per cell of a string array (its offsets), whether any of its bytes is a hit (`hits`:
    one per byte, from the first cell's start)."""
    out = np.zeros(len(offsets) - 1, dtype=bool)
    if not hits.any():
        return out
    filled = np.flatnonzero(offsets[1:] > offsets[:-1])
    # each filled cell's bytes run up to the next filled cell's (empty ones hold none)
    out[filled] = np.logical_or.reduceat(hits, offsets[filled] - offsets[0])
    return out


def _decimal_comma(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """`.` -> `,` in numbers cast to text (ASCII): patched in the value buffer, no new strings.
    Also says which cells got a comma."""
    validity, offsets, data = arr.buffers()
    if data is None:
        return arr, np.zeros(len(arr), dtype=bool)
    values = np.frombuffer(data, dtype=np.uint8).copy()
    dots = values == ord(".")
    values[dots] = ord(",")
    starts, _ = string_layout(arr)
    comma = _cells_holding(starts, dots[starts[0] : starts[-1]])
    return pa.Array.from_buffers(
        arr.type, len(arr), [validity, offsets, pa.py_buffer(values)], offset=arr.offset
    ), comma


def csv_cells(arr: pa.Array) -> pa.Array:
    """One column as CSV cells (Arrow strings, vectorised): `oui`/`non` for booleans, decimal
    comma for numbers, formulas neutralised, quoted when needed, empty for missing values.
    A dictionary column (few distinct values: codes, statuses) is formatted once per value.
    Which cells need work is found on the raw bytes (numpy), the work done by Arrow kernels on
    those cells only."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        cells = csv_cells(arr.dictionary)
        return pc.fill_null(pc.take(cells, arr.indices), text(""))
    if pa.types.is_boolean(arr.type):
        arr = pc.if_else(arr, text("oui"), text("non"))
    elif pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        # a number Arrow writes is never a formula ("-4,5", "-inf", "1e-05"): it is quoted
        # for its decimal comma, that is all
        arr, comma = _decimal_comma(pc.cast(arr, pa.string()))
        arr = pc.fill_null(arr, text(""))
        return _quoted(arr, comma) if comma.any() else arr
    elif pa.types.is_null(arr.type):
        arr = string_array([""] * len(arr))
    elif not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    arr = pc.fill_null(arr, text(""))
    starts = _first_byte_in(arr, _PREFIX_BYTES)
    if starts.any():
        # the number pattern only where a sign could start a formula
        where = np.flatnonzero(starts)
        subset = arr.take(index_array(where))
        signed = pc.or_(pc.starts_with(subset, "+"), pc.starts_with(subset, "-"))
        number = pc.match_substring_regex(subset, _PLAIN_NUMBER.pattern, ignore_case=True)
        keep = to_bools(pc.and_(signed, number))
        risky = np.zeros(len(arr), dtype=bool)
        risky[where[~keep]] = True
        if risky.any():
            quote = pc.binary_join_element_wise(text("'"), arr, text(""))
            arr = pc.if_else(bool_array(risky), quote, arr)
    need = _any_byte_in(arr, _QUOTE_BYTES)
    return _quoted(arr, need) if need.any() else arr


def _quoted(arr: pa.Array, need: np.ndarray) -> pa.Array:
    """The cells marked in `need` between double quotes, their own quotes doubled."""
    offsets, data = string_layout(arr)
    doubled = arr
    if (data[offsets[0] : offsets[-1]] == _QUOTE).any():
        doubled = pc.replace_substring(arr, '"', '""')
    quoted = pc.binary_join_element_wise(text('"'), doubled, text('"'), text(""))
    return quoted if need.all() else pc.if_else(bool_array(need), quoted, arr)


_MAX_32_BIT = 2**31 - 1  # bytes a string array with 32-bit offsets can hold


def csv_chunks(names: list[str], columns: list[pa.Array]) -> list:
    """The CSV file as a few buffers (BOM + header line, then every row): rows are joined by
    Arrow kernels and handed over as one buffer, never as Python strings."""
    head = ";".join(csv_cells(string_array(names)).to_pylist())
    chunks = [("\ufeff" + head + "\r\n").encode("utf-8")]
    if columns and len(columns[0]):
        cells = [csv_cells(c) for c in columns]
        # 32-bit offsets while the rows fit in them (joining is 3× faster than with 64-bit)
        size = sum(c.nbytes for c in cells) + 3 * len(cells[0]) * len(cells)
        large = size >= _MAX_32_BIT
        if large:
            cells = [pc.cast(c, pa.large_string()) for c in cells]
        sep, crlf, empty = (text(v, large=large) for v in (";", "\r\n", ""))
        cells[-1] = pc.binary_join_element_wise(cells[-1], empty, crlf)  # each row + CRLF
        rows = cells[0] if len(cells) == 1 else pc.binary_join_element_wise(*cells, sep)
        width = np.int64 if large else np.int32
        offsets = np.frombuffer(rows.buffers()[1], dtype=width)[rows.offset :]
        data = rows.buffers()[2]
        chunks.append(memoryview(data)[offsets[0] : offsets[len(rows)]])
    return chunks


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """`;`-separated, UTF-8 with BOM, decimal comma, CRLF: what French Excel expects."""
    names = [str(c) for c in df.columns]
    columns = [_arrow_column(df.iloc[:, i]) for i in range(len(df.columns))] if len(df) else []
    return b"".join(bytes(c) for c in csv_chunks(names, columns))


CSV_CHUNK_ROWS = 100_000


def csv_parts(df: pd.DataFrame, chunk_rows: int = CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """The bytes of `to_csv_bytes` in consecutive pieces (BOM and header first, then
    `chunk_rows` rows at a time), so that a national table is written without holding a second
    copy of it in memory."""
    names = [str(c) for c in df.columns]
    yield bytes(csv_chunks(names, [])[0])
    for start in range(0, len(df), chunk_rows):
        part = df.iloc[start : start + chunk_rows]
        columns = [_arrow_column(part.iloc[:, i]) for i in range(len(part.columns))]
        for chunk in csv_chunks(names, columns)[1:]:
            yield bytes(chunk)


def _cell(value):
    """Python value openpyxl can store with its type (numbers stay numbers, text stays text)."""

    import pandas as pd

    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime | dt.date):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    text = XLSX_ILLEGAL.sub("\ufffd", neutralise(str(value)))
    return text[:XLSX_MAX_CELL]


def _write_sheet(wb, title: str, df: pd.DataFrame) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in df.columns:
        cell = WriteOnlyCell(ws, value=_cell(str(name)))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    columns = [df[c].to_numpy(dtype=object) for c in df.columns]
    for values in zip(*columns, strict=True):
        ws.append([_cell(v) for v in values])


def to_xlsx_bytes(
    df: pd.DataFrame, sheet_name: str = "Résultats", sources: list[dict] | None = None
) -> bytes:
    """Typed XLSX with a frozen header; `sources` (list of dicts) adds a « Sources » sheet."""

    import pandas as pd
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _write_sheet(wb, sheet_name, df)
    if sources:
        _write_sheet(wb, "Sources", pd.DataFrame(sources))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
