"""Named SQL queries: one query per file in sse_dash/sql/, values always bound as parameters.

Identifiers (column names, levels) can never be bound, so they go through `ident()`, which
accepts only names from an explicit allow-list (the pattern of datasette's filters)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownQuery(KeyError):
    pass


class ForbiddenIdentifier(ValueError):
    pass


_INCLUDE_RE = re.compile(r"@include\(([a-z][a-z0-9_]*)\)")


@functools.cache
def load(name: str) -> str:
    """Text of sse_dash/sql/<name>.sql, with `@include(fragment)` replaced by the text of
    sse_dash/sql/<fragment>.sql (shared WHERE clauses live in one file)."""
    if not _NAME_RE.match(name):
        raise UnknownQuery(name)
    try:
        text = resources.files("sse_dash.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UnknownQuery(name) from exc
    return _INCLUDE_RE.sub(lambda m: _fragment(m.group(1), name), text)


def _fragment(name: str, parent: str) -> str:
    if name == parent:
        raise UnknownQuery(f"{parent} s'inclut lui-même")
    lines = load(name).rstrip("\n").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--"))


def ident(value: str, allowed: Iterable[str]) -> str:
    """Return `value` quoted as an identifier if it belongs to `allowed`, else refuse."""
    allowed = set(allowed)
    if value not in allowed:
        raise ForbiddenIdentifier(f"identifiant refusé : {value!r}")
    return '"' + value.replace('"', '""') + '"'


def render(name: str, identifiers: Mapping[str, str] | None = None) -> str:
    """Query text with {placeholders} filled by identifiers already checked with `ident()`."""
    text = load(name)
    return text.format(**identifiers) if identifiers else text


def df(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | list | None = None,
    identifiers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Run a named query on a fresh cursor and return a DataFrame."""
    cur = con.cursor()
    try:
        table = cur.execute(render(name, identifiers), params or {}).to_arrow_table()
    finally:
        cur.close()
    return to_pandas(table)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """DataFrame of an Arrow result, with the dtypes DuckDB's own `.df()` gives.

    Going through Arrow is 2.5x faster than `.df()` for 50,000 establishments with text
    columns; decimals (DuckDB sums of integers are HUGEINT) become floats, not Decimal objects,
    and dates become datetime64 like with `.df()`."""
    fields = []
    for field in table.schema:
        if pa.types.is_decimal(field.type):
            field = field.with_type(pa.float64())
        elif pa.types.is_date(field.type):
            field = field.with_type(pa.timestamp("us"))
        fields.append(field)
    schema = pa.schema(fields)
    if schema != table.schema:
        table = table.cast(schema)
    return table.to_pandas()


def rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | list | None = None,
    identifiers: Mapping[str, str] | None = None,
) -> list[tuple]:
    cur = con.cursor()
    try:
        return cur.execute(render(name, identifiers), params or {}).fetchall()
    finally:
        cur.close()
