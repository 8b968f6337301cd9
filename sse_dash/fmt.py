"""Number formatting for the UI and exports: French by default (`12 345,6`, `12,3 %`)."""

from __future__ import annotations

import math

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def number(value, decimals: int = 0, lang: str = "fr") -> str:
    """`12345.6` -> `12 345,6` (fr) or `12,345.6` (en); missing values -> `–`."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def percent(value, decimals: int = 1, lang: str = "fr", ratio: bool = False) -> str:
    """`12.34` -> `12,3 %`. With `ratio=True`, `0.1234` -> `12,3 %`."""
    if _missing(value):
        return "–"
    v = float(value) * (100 if ratio else 1)
    return number(v, decimals, lang) + (f"{NBSP}%" if lang == "fr" else "%")


def distance(meters, lang: str = "fr") -> str:
    """Metres below 1 km, kilometres above."""
    if _missing(meters):
        return "–"
    m = float(meters)
    if m < 1000:
        return number(m, 0, lang) + " m"
    return number(m / 1000, 1, lang) + " km"
