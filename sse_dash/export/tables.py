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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
        if not (value.startswith(_SIGNED) and _PLAIN_NUMBER.match(value)):
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
            signed = pc.or_kleene(pc.starts_with(arr, "+"), pc.starts_with(arr, "-"))
            number = pc.match_substring_regex(arr, _PLAIN_NUMBER.pattern, ignore_case=True)
            risky = pc.and_not(starts, pc.and_kleene(signed, number))
            arr = pc.if_else(risky, pc.binary_join_element_wise("'", arr, ""), arr)
    arr = pc.fill_null(arr, "")
    need = pc.match_substring_regex(arr, _NEEDS_QUOTES)
    if pc.any(need).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
        arr = pc.if_else(need, quoted, arr)
    return arr


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """`;`-separated, UTF-8 with BOM, decimal comma: what French Excel expects."""
    names = pd.Series([str(c) for c in df.columns], dtype=object)
    lines = [";".join(_csv_column(names).to_pylist())]
    if len(df.columns) and len(df):
        columns = [_csv_column(df.iloc[:, i]) for i in range(len(df.columns))]
        rows = columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, ";")
        lines.extend(rows.to_pylist())
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


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
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _write_sheet(wb, sheet_name, df)
    if sources:
        _write_sheet(wb, "Sources", pd.DataFrame(sources))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
