"""Number, percent, distance and date formatting for the UI and exports, with Babel's CLDR
data: French by default (`12 345,6`, `12,3 %`, `22 novembre 2026`), the page's language
otherwise (sse_dash.i18n.current()).

French typography: the narrow no-break space (U+202F) separates thousands (CLDR) and also comes
before « % » (CLDR has a wider no-break space there), so a number and its unit never part."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from sse_dash import i18n

if TYPE_CHECKING:  # pandas only for tables: the command line's fast paths never load it
    import pandas as pd

NBSP = "\u202f"  # narrow no-break space
MISSING = "–"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _locale(lang: str | None) -> str:
    lang = i18n.current() if lang is None else lang
    return i18n.LOCALES.get(lang, i18n.LOCALES[i18n.SOURCE_LANG])


@functools.cache
def _symbols(locale: str) -> dict[int, str]:
    """Separators and minus sign of `locale` (CLDR, through Babel) for str.translate: Python
    formats the digits (`f"{v:,.1f}"`, ~1 µs), Babel's data says how they are written — 10x
    faster than format_decimal on the 5,000-row tables, and equal to it (tests/test_fmt.py)."""
    return {
        ord(","): get_group_symbol(locale=locale),
        ord("."): get_decimal_symbol(locale=locale),
        ord("-"): get_minus_sign_symbol(locale=locale),
    }


@functools.cache
def _percent_affixes(locale: str) -> tuple[str, str]:
    """Text before and after the number in the locale's percent pattern (no-break spaces
    narrowed, as for thousands)."""
    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    pattern = pattern.replace("\u00a0", NBSP)
    first = min(i for i, c in enumerate(pattern) if c in "#0")
    last = max(i for i, c in enumerate(pattern) if c in "#0")
    return pattern[:first], pattern[last + 1 :]


def number(value, decimals: int = 0, lang: str | None = None) -> str:
    """`12345.6` -> `12 345,6` (fr) or `12,345.6` (en); missing values -> `–`."""
    if _missing(value):
        return MISSING
    text = f"{round(float(value), decimals) + 0.0:,.{max(decimals, 0)}f}"  # -0.0 shown as 0
    return text.translate(_symbols(_locale(lang)))


def numbers(values, decimals: int = 0, lang: str | None = None) -> list[str]:
    """`number` of every value of a column at once (tables of thousands of rows): the same
    texts, one `str.translate` for the whole column."""
    import numpy as np

    arr = np.asarray(values, dtype="float64")
    if not arr.size:
        return []
    missing = np.isnan(arr)
    spec = f",.{max(decimals, 0)}f"
    finite = np.where(missing, 0.0, arr).tolist()
    if decimals >= 0:  # format rounds as round() does (correctly rounded, half to even)
        texts = [format(v, spec) for v in finite]
        for i in np.flatnonzero(np.signbit(arr)).tolist():  # -0.004 -> "0.00", as number()
            if not texts[i].strip("-0.,"):
                texts[i] = texts[i][1:]
    else:
        texts = [format(round(v, decimals) + 0.0, spec) for v in finite]
    out = "\n".join(texts).translate(_symbols(_locale(lang))).split("\n")
    for i in np.flatnonzero(missing).tolist():
        out[i] = MISSING
    return out


def percent(value, decimals: int = 1, lang: str | None = None, ratio: bool = False) -> str:
    """`12.34` -> `12,3 %`. With `ratio=True`, `0.1234` -> `12,3 %`."""
    if _missing(value):
        return MISSING
    locale = _locale(lang)
    before, after = _percent_affixes(locale)
    return before + number(float(value) * (100 if ratio else 1), decimals, lang) + after


def distance(meters, lang: str | None = None) -> str:
    """Metres below 1 km, kilometres above."""
    if _missing(meters):
        return MISSING
    m = float(meters)
    if m < 1000:
        return number(m, 0, lang) + " m"
    return number(m / 1000, 1, lang) + " km"


def date(day: dt.date, lang: str | None = None) -> str:
    """`22 novembre 2026` (French: « 1er » for the first of the month), `22 November 2026`."""
    locale = _locale(lang)
    text = format_date(day, "d MMMM y", locale=locale)
    if locale.startswith("fr") and day.day == 1:
        text = "1er" + text[1:]
    return text


def month(day: dt.date, lang: str | None = None) -> str:
    """`novembre 2026` / `November 2026`: the vintage of a monthly file."""
    return format_date(day, "MMMM y", locale=_locale(lang))


def rate(value, decimals: int = 1, lang: str | None = None) -> str:
    """A rate (per 10 000 inhabitants…) that never reads « 0,0 » when it is not zero: small
    values get the decimals they need (`0.034` -> `0,03`), tiny ones read `< 0,01`."""
    if _missing(value):
        return MISSING
    v = float(value)
    if v == 0 or abs(v) >= 10**-decimals:
        return number(v, decimals, lang)
    for more in range(decimals + 1, 3):
        if abs(v) >= 10**-more:
            return number(v, more, lang)
    return "< " + number(0.01, 2, lang)


TABLE_MISSING = "—"
_COORDINATE_WORDS = ("lat", "lon", "latitude", "longitude", "x", "y")


def _decimals_for_column(name: str, values: pd.Series) -> int:
    words = {w for w in re.split(r"[^a-z]+", str(name).lower()) if w}
    if words & set(_COORDINATE_WORDS):
        return 5
    finite = values.dropna()
    if finite.empty or bool((finite == finite.round(0)).all()):
        return 0
    return 2 if float(finite.abs().max()) < 1 else 1


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array in a cell
        return False


def frame(df: pd.DataFrame, lang: str | None = None, decimals: dict | None = None) -> pd.DataFrame:
    """A table as the screen shows it, in `lang`: numbers with the language's separators
    (`12 345`, `2,4`), percentages with « % » when the header says « (%) », coordinates with
    5 decimals, « — » for missing values. The raw table stays for the downloads."""
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        values = df[col]
        if pd.api.types.is_bool_dtype(values):
            out[col] = values
            continue
        if pd.api.types.is_numeric_dtype(values):
            numeric = pd.to_numeric(values, errors="coerce").astype("float64")
            places = (decimals or {}).get(col, _decimals_for_column(col, numeric))
            if "%" in str(col):
                before, after = _percent_affixes(_locale(lang))
                texts = [before + t + after for t in numbers(numeric, max(places, 1), lang)]
            else:
                texts = numbers(numeric, places, lang)
            out[col] = np.where(numeric.isna().to_numpy(), TABLE_MISSING, texts)
            continue
        out[col] = values.where(~_blanks(values), TABLE_MISSING)
    return out


def _blanks(values: pd.Series) -> pd.Series:
    """`_blank` of every cell of a column, vectorised."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.StringDtype | pd.ArrowDtype):  # the warehouse's text
        arr = pa.array(values.array)  # Arrow-backed: no Python object per cell
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(arr), ""), True)
            return pd.Series(empty.to_numpy(zero_copy_only=False), index=values.index)
    cells = values.astype(object)
    try:  # text columns (nearly all): Arrow's kernels, not a Python call per cell
        text = pa.array(cells, type=pa.string(), from_pandas=True)
        empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(text), ""), True)
        return pd.Series(empty.to_numpy(zero_copy_only=False), index=values.index)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers, lists… among the text
        empty = np.fromiter((isinstance(v, str) and not v.strip() for v in cells), bool, len(cells))
        return pd.Series(cells.isna().to_numpy() | empty, index=values.index)
