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
import threading
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


def _words(texts: list[str]) -> np.ndarray:
    """Texts of at most 4 bytes each (NUL-padded) as 32-bit words: written into rows of bytes
    with one store each."""
    return np.frombuffer(b"".join(t.encode("ascii").ljust(4, b"\0") for t in texts), np.uint32)


_MAX_FIXED = 10_000  # whole part below: its digits, sign and quote fit the row's first word


class _Fixed:
    """The tables _fixed_decimals reads (made on first use). A value is a row of 16 bytes:
    a 64-bit word ending with the whole part's digits (after its quote and sign), then one of
    the comma, the significant decimals and the closing quote."""

    def __init__(self) -> None:
        # by whole * 4 + negative * 2 + quoted: '"' * quoted + "-" * negative + str(whole),
        # right-aligned in 8 bytes (numpy: 40,000 texts)
        key = np.arange(_MAX_FIXED * 4)
        whole, negative, quoted = key // 4, (key // 2) % 2, key % 2
        digits = 1 + np.searchsorted(10 ** np.arange(1, 4), whole, side="right")
        head = np.zeros((len(key), 8), dtype=np.uint8)
        for k in range(4):  # the k-th digit from the right
            shown = k < digits
            head[shown, 7 - k] = ord("0") + (whole[shown] // 10**k) % 10
        rows = np.arange(len(key))
        head[rows[negative == 1], (7 - digits)[negative == 1]] = ord("-")
        quote_at = 7 - digits - negative
        head[rows[quoted == 1], quote_at[quoted == 1]] = _QUOTE
        self.head = head.view(np.uint64).ravel()
        self.start = (8 - digits - negative - quoted).astype(np.int8)
        kept = [len(f"{i:03d}".rstrip("0")) for i in range(1000)]
        self.kept = np.array(kept, dtype=np.int8)  # significant decimals of a group of 3
        # the comma and the first three decimals; or, when the last three are zeros, the
        # first's significant ones and the closing quote (after a third one: next word)
        self.first = _words([f",{i:03d}" for i in range(1000)])
        self.first_last = _words([f",{i:03d}"[: 1 + kept[i]] + '"' * (kept[i] < 3)
                                  for i in range(1000)])  # fmt: skip
        self.last = _words([f"{i:03d}"[: kept[i]] + '"' for i in range(1000)])
        # which bytes of a row make the cell: the head's from `start`, the tail's up to `end`
        byte = np.arange(8)
        self.head_mask = np.packbits(byte >= np.arange(9)[:, None], axis=1, bitorder="little")
        self.tail_mask = np.packbits(byte + 8 < np.arange(17)[:, None], axis=1, bitorder="little")


_FIXED: _Fixed | None = None


def _fixed_decimals(arr: pa.Array) -> pa.Array | None:
    """csv_cells of a float64 column whose values all have at most six decimals and a whole
    part below 10⁴ (coordinates rounded to 6 places), written from integers by numpy: the very
    text Arrow's cast gives (its shortest representation that reads back the same double: for
    k / 10⁶ that is the digits of k, trailing zeros dropped), decimal comma and quotes
    included, at a fraction of the cost. None when a value falls outside (Arrow's path then)."""
    global _FIXED
    n = len(arr)
    values = np.frombuffer(arr.buffers()[1], np.float64, n, arr.offset * 8)
    valid = _bits(arr.buffers()[0], arr.offset, n) if arr.null_count else None
    v = values if valid is None else np.where(valid, values, 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint(v * 1e6)
        if not ((np.abs(v) < _MAX_FIXED) & (scaled / 1e6 == v)).all():
            return None
    if _FIXED is None:
        _FIXED = _Fixed()
    t = _FIXED
    k = np.abs(scaled).astype(np.int64)
    whole, frac = (k // 1_000_000).astype(np.int32), (k % 1_000_000).astype(np.int32)
    hi, lo = frac // 1000, frac % 1000
    has_lo = lo > 0
    decimals = np.where(has_lo, 3 + t.kept[lo], t.kept[hi])
    quoted = decimals > 0
    key = whole * 4 + np.signbit(v) * 2 + quoted
    grid = np.empty((n, 16), dtype=np.uint8)
    grid.view(np.uint64)[:, 0] = t.head[key]
    words = grid.view(np.uint32)
    words[:, 2] = np.where(has_lo, t.first[hi], t.first_last[hi])
    words[:, 3] = t.last[lo]
    start = t.start[key]
    end = np.where(quoted, 10 + decimals, 8)
    if valid is not None:
        end = np.where(valid, end, 8)
        start = np.where(valid, start, 8)
    mask = np.empty((n, 2), dtype=np.uint8)
    mask[:, 0] = t.head_mask[start, 0]
    mask[:, 1] = t.tail_mask[end, 0]
    keep = np.unpackbits(mask, axis=1, bitorder="little").view(bool)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(end.astype(np.int32) - start, out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(grid[keep])]
    )


def csv_cells(arr: pa.Array) -> pa.Array:
    """One column as CSV cells (Arrow strings, vectorised): `oui`/`non` for booleans, decimal
    comma for numbers, formulas neutralised, quoted when needed, empty for missing values.
    A dictionary column (few distinct values: codes, statuses) is formatted once per value.
    Which cells need work is found on the raw bytes (numpy), the work done by Arrow kernels on
    those cells only."""
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 1:
            arr = arr.chunk(0)
        elif arr.num_chunks > 1:  # each chunk on its own: no copy of the column
            return pa.chunked_array([csv_cells(chunk) for chunk in arr.chunks], pa.string())
        else:
            arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        cells = _label_cells(arr.dictionary)
        return pc.fill_null(pc.take(cells, arr.indices), text(""))
    if pa.types.is_boolean(arr.type):
        arr = pc.if_else(arr, text("oui"), text("non"))
    elif pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        fixed = _fixed_decimals(arr) if pa.types.is_float64(arr.type) else None
        if fixed is not None:
            return fixed
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


_LABELS: dict[tuple, tuple[pa.Array, pa.Array]] = {}
_LABELS_KEPT = 64
_LABELS_LOCK = threading.Lock()


def _label_cells(labels: pa.Array, with_empty: bool = False) -> pa.Array:
    """csv_cells of a dictionary column's labels (then "" when `with_empty`, the cell of a
    null), made once for all the pieces of a file: its columns share their labels (the
    address check's 35,000 commune codes). Kept by the labels' buffers, with the labels
    themselves, so that no other array can take those buffers while they are kept."""
    buffers = tuple(0 if b is None else b.address for b in labels.buffers())
    key = (str(labels.type), len(labels), labels.offset, buffers, with_empty)
    got = _LABELS.get(key)
    if got is None:
        cells = csv_cells(labels)
        if with_empty:
            cells = pa.concat_arrays([cells, string_array([""])])
        got = (labels, cells)
        with _LABELS_LOCK:
            _LABELS[key] = got
            while len(_LABELS) > _LABELS_KEPT:
                del _LABELS[next(iter(_LABELS))]
    return got[1]


class _Factor:
    """Consecutive coded columns that share their codes (a QPV's code and its name): the
    codes (a null as the last label) and each column's CSV cells per label."""

    def __init__(self, codes: np.ndarray, labels: pa.Array) -> None:
        self.codes, self.labels = codes, [labels]
        self.radix = len(labels)


def _factor(arr) -> _Factor | None:
    """A dictionary column, or one with nothing but nulls, as a _Factor; None for others."""
    if isinstance(arr, pa.ChunkedArray):
        if not pa.types.is_dictionary(arr.type) and arr.null_count < len(arr):
            return None
        arr = arr.combine_chunks()
    if arr.null_count == len(arr):
        return _Factor(np.zeros(len(arr), dtype=np.int64), string_array([""]))
    if not pa.types.is_dictionary(arr.type):
        return None
    indices = arr.indices
    size = len(arr.dictionary)
    width = indices.type.bit_width // 8
    codes = np.frombuffer(indices.buffers()[1], f"i{width}", len(arr), indices.offset * width)
    codes = codes.astype(np.int64)
    if indices.null_count:
        codes[~_bits(indices.buffers()[0], indices.offset, len(arr))] = size
    labels = _label_cells(arr.dictionary, with_empty=True)
    return _Factor(codes, labels)


def _joint_cells(factors: list[_Factor]) -> pa.Array:
    """The `;`-joined cells of consecutive coded columns: every combination of their labels
    joined once, then taken by each row's combined code."""
    combined, total = np.zeros(len(factors[0].codes), dtype=np.int64), 1
    for f in factors:
        combined = combined * f.radix + f.codes
        total *= f.radix
    every = np.arange(total)
    parts, stride = [], total
    for f in factors:
        stride //= f.radix
        digit = index_array((every // stride) % f.radix)
        parts += [pc.take(labels, digit) for labels in f.labels]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, text(";"))
    return pc.take(joined, index_array(combined))


def _row_cells(columns: list) -> list[pa.Array]:
    """csv_cells of each column, but consecutive coded columns (statuses, codes, names, empty
    columns) come as one column of `;`-joined cells when their combinations are few (at most
    a quarter of the rows): the rows are then joined from fewer columns, and each coded column
    is not taken on its own."""
    limit = max(64, len(columns[0]) // 4)
    out: list[pa.Array] = []
    group: list[_Factor] = []
    size = 1

    def flush() -> None:
        nonlocal size
        if group:
            out.append(_joint_cells(group))
            group.clear()
        size = 1

    for arr in columns:
        f = _factor(arr)
        if f is None:
            flush()
            out.append(csv_cells(arr))
            continue
        last = group[-1] if group else None
        if last is not None and last.radix == f.radix and np.array_equal(last.codes, f.codes):
            last.labels += f.labels  # same codes: the same combinations
            continue
        if size * f.radix > limit:
            flush()
        if f.radix > limit:
            out.append(csv_cells(arr))
            continue
        group.append(f)
        size *= f.radix
    flush()
    return out


def csv_chunks(names: list[str], columns: list[pa.Array]) -> list:
    """The CSV file as a few buffers (BOM + header line, then every row): rows are joined by
    Arrow kernels and handed over as one buffer, never as Python strings."""
    head = ";".join(csv_cells(string_array(names)).to_pylist())
    chunks = [("\ufeff" + head + "\r\n").encode("utf-8")]
    if columns and len(columns[0]):
        cells = _row_cells(columns)
        # 32-bit offsets while the rows fit in them (joining is 3× faster than with 64-bit)
        size = sum(c.nbytes for c in cells) + 3 * len(cells[0]) * len(cells)
        large = size >= _MAX_32_BIT
        if large:
            cells = [pc.cast(c, pa.large_string()) for c in cells]
        sep, crlf, empty = (text(v, large=large) for v in (";", "\r\n", ""))
        cells[-1] = pc.binary_join_element_wise(cells[-1], empty, crlf)  # each row + CRLF
        rows = cells[0] if len(cells) == 1 else pc.binary_join_element_wise(*cells, sep)
        width = np.int64 if large else np.int32
        for part in rows.chunks if isinstance(rows, pa.ChunkedArray) else [rows]:
            if len(part):
                offsets = np.frombuffer(part.buffers()[1], dtype=width)[part.offset :]
                data = part.buffers()[2]
                chunks.append(memoryview(data)[offsets[0] : offsets[len(part)]])
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
