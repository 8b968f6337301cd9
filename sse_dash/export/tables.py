"""Tables to files that open cleanly in French Excel: CSV `;` + UTF-8 BOM + decimal comma, and
typed XLSX. Both neutralise text cells that a spreadsheet would run as a formula (CSV injection):
a leading `=`, `+`, `-` or `@` gets a `'` prefix, while real numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A text cell that is a plain number (e.g. "-1.68" or "-1,68") is not a formula: leave it alone.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")
XLSX_MAX_CELL = 32_767


def neutralise(value):
    """Prefix `'` to a text that a spreadsheet would interpret as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        if not _PLAIN_NUMBER.match(value):
            return "'" + value
    return value


def _plain_text(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value)).replace(".", ",")
    return str(value)


def _csv_column(s: pd.Series) -> pa.Array:
    """One column as CSV cells (Arrow strings, vectorised): decimal comma for numbers, formulas
    neutralised, quoted when needed, empty for missing values."""
    if pd.api.types.is_bool_dtype(s.dtype):
        arr = pa.array(s.map({True: "oui", False: "non"}).astype(object), type=pa.string())
    elif pd.api.types.is_numeric_dtype(s.dtype):
        values = pa.array(s, from_pandas=True)
        arr = pc.replace_substring(pc.cast(values, pa.string()), ".", ",")
    else:
        if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
            s = s.map(_plain_text)
        arr = pa.array(s.astype(object), type=pa.string(), from_pandas=True)
        starts = pc.starts_with(arr, FORMULA_PREFIXES[0])
        for prefix in FORMULA_PREFIXES[1:]:
            starts = pc.or_kleene(starts, pc.starts_with(arr, prefix))
        if pc.any(starts).as_py():
            risky = pc.and_not(starts, pc.match_substring_regex(arr, _PLAIN_NUMBER.pattern))
            arr = pc.if_else(risky, pc.binary_join_element_wise("'", arr, ""), arr)
    arr = pc.fill_null(arr, "")
    need = pc.match_substring_regex(arr, r'[;"\r\n]')
    if pc.any(need).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
        arr = pc.if_else(need, quoted, arr)
    return arr


CSV_CHUNK_ROWS = 100_000


def csv_parts(df: pd.DataFrame, chunk_rows: int = CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """The CSV of `to_csv_bytes` in consecutive pieces (BOM and header first, then `chunk_rows`
    rows at a time), so that a large table is written without holding every line as a Python
    string at once."""
    names = pd.Series([str(c) for c in df.columns], dtype=object)
    yield ("\ufeff" + ";".join(_csv_column(names).to_pylist()) + "\r\n").encode("utf-8")
    if not (len(df.columns) and len(df)):
        return
    for start in range(0, len(df), chunk_rows):
        part = df.iloc[start : start + chunk_rows]
        columns = [_csv_column(part.iloc[:, i]) for i in range(len(part.columns))]
        rows = columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, ";")
        yield ("\r\n".join(rows.to_pylist()) + "\r\n").encode("utf-8")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """`;`-separated, UTF-8 with BOM, decimal comma: what French Excel expects."""
    return b"".join(csv_parts(df))


def _cell(value):
    """Python value openpyxl can store with its type (numbers stay numbers, text stays text)."""
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
    text = neutralise(str(value))
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
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _write_sheet(wb, sheet_name, df)
    if sources:
        _write_sheet(wb, "Sources", pd.DataFrame(sources))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
