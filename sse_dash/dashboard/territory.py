"""Territories: URL keys (« dep:93 »), look-up, accent-insensitive search, parents, bounds.

A key typed in a URL is untrusted: it is parsed with strict patterns, then looked up with bound
parameters; anything unknown gives None and the page falls back to France with a message."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import duckdb

from sse_dash import queries

LEVELS = ("france", "region", "departement", "epci", "commune")
LEVEL_LABELS = {
    "france": "France",
    "region": "Région",
    "departement": "Département",
    "epci": "EPCI / EPT",
    "commune": "Commune",
}
PREFIX = {"france": "fr", "region": "reg", "departement": "dep", "epci": "epci", "commune": "com"}
LEVEL_OF_PREFIX = {v: k for k, v in PREFIX.items()}
CODE_PATTERNS = {
    "region": re.compile(r"^[0-9]{2}$"),
    "departement": re.compile(r"^(?:[0-9]{2}|2[AB]|97[0-9])$"),
    "epci": re.compile(r"^[0-9]{9}$"),
    "commune": re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$"),
}
GEOMETRY_TABLES = {
    "region": "regions",
    "departement": "departements",
    "epci": "epci",
    "commune": "communes",
}


@dataclass(frozen=True)
class Territory:
    level: str
    code: str
    name: str
    population: int | None = None
    region_code: str | None = None
    dep_code: str | None = None
    epci_type: str | None = None

    @property
    def key(self) -> str:
        return "fr" if self.level == "france" else f"{PREFIX[self.level]}:{self.code}"

    @property
    def label(self) -> str:
        if self.level in ("france", "region"):
            return self.name
        return f"{self.name} ({self.code})"


FRANCE = Territory("france", "FR", "France")


def parse_key(text: str | None) -> tuple[str, str] | None:
    """'dep:93' -> ('departement', '93'); 'fr' -> ('france', None-like 'FR'); else None."""
    if not text or len(text) > 40:
        return None
    text = text.strip()
    if text.lower() in ("fr", "france"):
        return ("france", "FR")
    prefix, sep, code = text.partition(":")
    level = LEVEL_OF_PREFIX.get(prefix.lower())
    if not sep or level is None or level == "france":
        return None
    code = code.strip().upper()
    if not CODE_PATTERNS[level].match(code):
        return None
    return (level, code)


def normalize(text: str | None) -> str:
    """Lower case without accents (the form of territories.name_search)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _from_row(row: tuple) -> Territory:
    level, code, name, population, region_code, dep_code, epci_type = row
    return Territory(
        level=level,
        code=code,
        name=name,
        population=int(population) if population is not None else None,
        region_code=region_code,
        dep_code=dep_code,
        epci_type=epci_type,
    )


def france(con: duckdb.DuckDBPyConnection) -> Territory:
    found = queries.rows(con, "ui_territory_france")
    if not found:
        return FRANCE
    t = _from_row(found[0])
    return Territory("france", t.code or "FR", t.name or "France", t.population)


def lookup(con: duckdb.DuckDBPyConnection, level: str, code: str) -> Territory | None:
    """The territory, or None when the level/code is unknown."""
    if level == "france":
        return france(con)
    if level not in LEVELS:
        return None
    found = queries.rows(con, "ui_territory", {"level": level, "code": code})
    return _from_row(found[0]) if found else None


def from_key(con: duckdb.DuckDBPyConnection, key: str | None) -> Territory | None:
    parsed = parse_key(key)
    return lookup(con, *parsed) if parsed else None


def search(
    con: duckdb.DuckDBPyConnection,
    level: str,
    text: str = "",
    *,
    dep: str | None = None,
    reg: str | None = None,
    limit: int = 300,
) -> list[Territory]:
    """Territories of `level` matching `text` (accents and case ignored)."""
    if level == "france":
        return [france(con)]
    params = {"level": level, "q": normalize(text), "dep": dep, "reg": reg, "limit": int(limit)}
    return [_from_row(r) for r in queries.rows(con, "ui_territory_search", params)]


def default_for_level(con: duckdb.DuckDBPyConnection, level: str, context: Territory) -> Territory:
    """Territory to show when the user switches to `level`: the one containing the current
    territory when known, else the first of the level (alphabetical)."""
    if level == "france":
        return france(con)
    if level == "region" and context.region_code:
        found = lookup(con, "region", context.region_code)
        if found:
            return found
    if level == "departement" and context.dep_code:
        found = lookup(con, "departement", context.dep_code)
        if found:
            return found
    candidates = []
    if context.dep_code and level in ("epci", "commune"):
        candidates = search(con, level, dep=context.dep_code, limit=1)
    elif context.region_code and level != "region":
        candidates = search(con, level, reg=context.region_code, limit=1)
    if not candidates:
        candidates = search(con, level, limit=1)
    return candidates[0] if candidates else france(con)


def parent(con: duckdb.DuckDBPyConnection, territory: Territory) -> Territory:
    """Reference territory one level up (commune -> département -> région -> France;
    EPCI -> its département)."""
    if territory.level in ("commune", "epci") and territory.dep_code:
        found = lookup(con, "departement", territory.dep_code)
        if found:
            return found
    if territory.level in ("departement", "commune", "epci") and territory.region_code:
        found = lookup(con, "region", territory.region_code)
        if found:
            return found
    return france(con)


def bounds(con: duckdb.DuckDBPyConnection, territory: Territory) -> list[list[float]] | None:
    """[[lat_min, lon_min], [lat_max, lon_max]] of the territory, None for France/unknown."""
    table = GEOMETRY_TABLES.get(territory.level)
    if table is None:
        return None
    found = queries.rows(
        con,
        "ui_territory_bounds",
        {"code": territory.code},
        identifiers={"table": queries.ident(table, GEOMETRY_TABLES.values())},
    )
    if not found or found[0][0] is None:
        return None
    lat_min, lon_min, lat_max, lon_max = found[0]
    return [[lat_min, lon_min], [lat_max, lon_max]]
