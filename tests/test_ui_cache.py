"""Keys of the app's query cache (sse_dash.ui.cache.args_key)."""

from __future__ import annotations

import pandas as pd
import pytest

from sse_dash.dashboard.sse import Filters
from sse_dash.dashboard.territory import Territory
from sse_dash.ui.cache import args_key


def test_equal_arguments_share_a_key_and_different_ones_do_not():
    t93 = Territory("departement", "93", "Seine-Saint-Denis")
    same = Territory("departement", "93", "Seine-Saint-Denis")
    t94 = Territory("departement", "94", "Val-de-Marne")
    assert args_key((t93, Filters())) == args_key((same, Filters()))
    keys = {
        args_key(v)
        for v in [
            (t93, Filters()),
            (t94, Filters()),
            (t93, Filters(family="association")),
            (t93, Filters(employer=True)),
            (t93, Filters(qpv="in")),
            1,
            1.0,
            True,
            "1",
            None,
            (1,),
            [1],
            b"\x01",
            b"\x02",
        ]
    }
    assert len(keys) == 14


def test_bytes_are_hashed_not_copied_into_the_key():
    key = args_key(b"x" * 100_000)
    assert len(key) < 100 and key == args_key(bytearray(b"x" * 100_000))


def test_unsupported_arguments_are_refused():
    with pytest.raises(TypeError, match="non pris en charge"):
        args_key(pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError):
        args_key({"a": 1})
