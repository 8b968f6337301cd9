"""Values typed in a page's address (``?distance=500&comparer=dep:93,dep:75``), checked in one
place with bounds, for the pages' widgets (sse_dash.ui.widgets), the page frame and the
``export`` command alike: a URL can hold anything (``inf``, ``1e309``, 400 digits, duplicates,
HTML, control characters, megabytes of text), and none of it may reach a widget or a query
unchecked. Every function returns a clean value or raises `Invalid`; callers fall back to their
default and name the parameter (never echo its value)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable

MAX_LENGTH = 400  # longest value read at all (a list of four territory keys is ~70 characters)
MAX_ITEMS = 20  # most items read from a comma-separated value
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]{1,15}(?:[.,][0-9]{0,6})?|[.,][0-9]{1,6})(?:[eE][+-]?[0-9]{1,3})?"
)


class Invalid(ValueError):
    """The value of a URL parameter is unreadable or outside what the page accepts."""


def text(raw: object) -> str | None:
    """The value as a bounded, stripped string without control characters; None when absent
    or empty. A repeated parameter (a list) counts by its last value, as Streamlit reads it."""
    if raw is None:
        return None
    if isinstance(raw, list | tuple):
        if not raw:
            return None
        raw = raw[-1]
    if not isinstance(raw, str):
        raise Invalid("not text")
    if len(raw) > MAX_LENGTH or _CONTROL.search(raw):
        raise Invalid("too long or control characters")
    value = raw.strip()
    return value or None


def choice(
    raw: object,
    allowed: Collection[str],
    *,
    normalise: Callable[[str], str] | None = None,
) -> str | None:
    """One of `allowed` (after `normalise`), None when absent, else Invalid."""
    value = text(raw)
    if value is None:
        return None
    if normalise is not None:
        value = normalise(value)
    if value not in allowed:
        raise Invalid("unknown value")
    return value


def choices(
    raw: object,
    allowed: Collection[str] | Callable[[str], bool],
    *,
    max_items: int | None = None,
) -> tuple[list[str], bool]:
    """Items of a comma-separated value that are `allowed` (a collection or a predicate), in
    order, each once, at most `max_items`; and whether anything was dropped."""
    value = text(raw)
    if value is None:
        return [], False
    items = [v.strip() for v in value.split(",")]
    items = [v for v in items if v]
    accept = allowed if callable(allowed) else allowed.__contains__
    kept = list(dict.fromkeys(v for v in items[:MAX_ITEMS] if accept(v)))
    limit = max_items or MAX_ITEMS
    dropped = len(kept) != len(items) or len(kept) > limit
    return kept[:limit], dropped


def unique(values: Iterable[str]) -> list[str]:
    """Each value once, in order."""
    return list(dict.fromkeys(values))


def integer(raw: object, low: int, high: int) -> int:
    """A whole number within [low, high] (clamped); Invalid for anything that is not a finite
    decimal number of reasonable length (``inf``, ``nan``, ``1e309``, 400 digits, ``0x10``)."""
    value = text(raw) if not isinstance(raw, int | float) else raw
    if value is None:
        raise Invalid("empty")
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value):
            raise Invalid("not a number")
        value = float(value.replace(",", "."))
    if isinstance(value, bool) or not math.isfinite(value):
        raise Invalid("not finite")
    return max(low, min(high, int(round(value))))


def flag(raw: object) -> bool:
    """``1`` -> True, ``0`` or absent -> False, else Invalid."""
    value = text(raw)
    if value is None or value == "0":
        return False
    if value == "1":
        return True
    raise Invalid("not 0 or 1")


def sector(raw: object, sectors: Collection[str]) -> str | None:
    """A NAF section letter (``q`` is read as ``Q``)."""
    return choice(raw, sectors, normalise=str.upper)


def qpv_code(raw: object, canonical: Callable[[str], str | None]) -> str | None:
    """A QPV code in the canonical form `canonical` gives (``qn09301m`` -> ``QN09301M``)."""
    value = text(raw)
    if value is None:
        return None
    code = canonical(value)
    if code is None:
        raise Invalid("not a QPV code")
    return code
