"""Caching for the app: one read-only DuckDB connection per published warehouse version, and
cached calls of the pure query functions of sse_dash.dashboard.

`python -m sse_dash data build` publishes each build as a new file that `sse.duckdb` points to
(sse_dash.warehouse.publish). The connection and the cached results are keyed on that file and
its modification time, so a refreshed warehouse is picked up by the next rerun without
restarting the app, while the previous connection stays open for the queries other sessions
are running on it (sse_dash.db.PublishedWarehouse). Queries run on a cursor of their own
(sse_dash.queries does it), which is what DuckDB needs across threads."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
from collections.abc import Callable
from typing import Any

import duckdb
import streamlit as st

from sse_dash import config, db, i18n

TTL_SECONDS = 3600
MAX_ENTRIES = 512

_WAREHOUSE = db.PublishedWarehouse(config.warehouse_path)


def warehouse_key() -> tuple[str, float]:
    """(file, mtime) of the published warehouse; raises db.WarehouseMissing when not built."""
    return _WAREHOUSE.key()


def connection() -> duckdb.DuckDBPyConnection:
    """Shared read-only connection to the warehouse version published now."""
    return _WAREHOUSE.connection()


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _cached_call(
    _con, key: tuple[str, float], func_path: str, args_key: str, _args: tuple, _kwargs: tuple
) -> Any:
    module, _, name = func_path.partition(":")
    func = getattr(importlib.import_module(module), name)
    return func(_con, *_args, **dict(_kwargs))


_SIMPLE = (str, int, float, bool, type(None))


def args_key(value) -> str:
    """Exact text key of cache arguments (str, numbers, bytes, tuples/lists, dataclasses of
    those). Streamlit's generic hasher pickled each Territory / Filters argument: ~30 calls
    per page rerun cost more than the cached queries themselves."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, _SIMPLE):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, tuple | list):
        return f"{type(value).__name__}(" + ",".join(args_key(v) for v in value) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(
            f"{f.name}={args_key(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__module__}.{type(value).__qualname__}({fields})"
    raise TypeError(f"argument non pris en charge par le cache : {type(value).__name__}")


def call(func: Callable, *args, **kwargs) -> Any:
    """`func(con, *args, **kwargs)` cached per warehouse version and arguments.

    `func` must be a module-level function of sse_dash (looked up again by name, so that two
    functions never share a cache entry); arguments are keyed by `args_key`."""
    if not func.__module__.startswith("sse_dash."):
        raise ValueError(f"fonction non autorisée : {func.__module__}")
    key = warehouse_key()
    items = tuple(sorted(kwargs.items()))
    return _cached_call(
        _WAREHOUSE.connection(key),
        key,
        f"{func.__module__}:{func.__qualname__}",
        # the page's language is part of the key: a function may translate what it returns
        args_key((tuple(args), items, i18n.current())),
        tuple(args),
        items,
    )
