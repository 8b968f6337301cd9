"""Numbers and dates are written as Babel (CLDR) writes them for the page's language: the fast
path of sse_dash.fmt gives exactly what babel.numbers.format_decimal gives."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import given
from hypothesis import strategies as st

from sse_dash import fmt, i18n


@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    decimals=st.integers(min_value=0, max_value=3),
    lang=st.sampled_from(i18n.LANGS),
)
def test_number_equals_babel(value, decimals, lang):
    expected = format_decimal(
        round(value, decimals) + 0.0,
        format="#,##0" + ("." + "0" * decimals if decimals else ""),
        locale=i18n.LOCALES[lang],
    )
    assert fmt.number(value, decimals, lang) == expected


@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_percent_equals_babel_with_narrow_space(value):
    for lang in i18n.LANGS:
        expected = format_percent(
            round(value, 1) / 100 + 0.0,
            format="#,##0.0%" if lang == "en" else "#,##0.0\u00a0%",
            locale=i18n.LOCALES[lang],
        )
        assert fmt.percent(value, 1, lang) == expected.replace("\u00a0", fmt.NBSP)


def test_current_language_is_the_default():
    assert fmt.number(12345.6, 1) == "12\u202f345,6"
    with i18n.using("en"):
        assert fmt.number(12345.6, 1) == "12,345.6"
        assert fmt.percent(12.34) == "12.3%"
        assert fmt.distance(1234) == "1.2 km"
    assert fmt.percent(12.34) == "12,3\u202f%"


@pytest.mark.parametrize(
    ("day", "lang", "text"),
    [
        (dt.date(2026, 11, 1), "fr", "1er novembre 2026"),
        (dt.date(2026, 11, 22), "fr", "22 novembre 2026"),
        (dt.date(2026, 11, 1), "en", "1 November 2026"),
    ],
)
def test_dates(day, lang, text):
    assert fmt.date(day, lang) == text


def test_month_vintage():
    assert fmt.month(dt.date(2026, 10, 3), "fr") == "octobre 2026"
    assert fmt.month(dt.date(2026, 10, 3), "en") == "October 2026"


def test_missing_values():
    for value in (None, float("nan")):
        assert fmt.number(value) == fmt.MISSING
    assert fmt.percent(None) == fmt.MISSING
    assert fmt.number(-0.01, 1) == "0,0"  # never « -0,0 »
