"""Territories: keys (« dep:93 », « qpv:QN09301M »), look-up, accent-insensitive search,
parents and references, bounds and outlines — one model for the pages, the exports and the CLI.

A key typed in a URL or on the command line is untrusted: it is parsed with strict patterns,
then looked up with bound parameters. The pages get None for anything unknown (and fall back
to France with a message); the exports and the CLI get `UnknownTerritory` with a French
message. The pages show the levels of LEVELS; the exports also take a priority neighbourhood
(level "qpv", a QPV of the 2024 geography)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import duckdb
import pandas as pd

from sse_dash import db, queries
from sse_dash.errors import UserError

LEVELS = ("france", "region", "departement", "epci", "commune")  # the pages' selector
EXPORT_LEVELS = ("region", "departement", "epci", "commune", "qpv")  # briefing pack, maps
LEVEL_LABELS = {
    "france": "France",
    "region": "Région",
    "departement": "Département",
    "epci": "EPCI / EPT",
    "commune": "Commune",
    "qpv": "Quartier prioritaire (QPV 2024)",
}
PREFIX = {
    "france": "fr",
    "region": "reg",
    "departement": "dep",
    "epci": "epci",
    "commune": "com",
    "qpv": "qpv",
}
LEVEL_OF_PREFIX = {v: k for k, v in PREFIX.items()}
CODE_PATTERNS = {
    # overseas collectivités (COG: 975, 977, 978, 984, 986-989) are their own région and
    # département, as in the COG tables
    "region": re.compile(r"^(?:[0-9]{2}|9[78][0-9])$"),
    "departement": re.compile(r"^(?:[0-9]{2}|2[AB]|9[78][0-9])$"),
    "epci": re.compile(r"^[0-9]{9}$"),
    "commune": re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$"),
    # QN + département (2-3 chars) + order + type letter (2024), QP + 6 digits (2015).
    "qpv": re.compile(r"^(?:QN[0-9]{2}[0-9AB][0-9]{2}[A-Z]|QN9[78][0-9][0-9]{2}[A-Z]|QP[0-9]{6})$"),
}
GEOMETRY_TABLES = {
    "region": "regions",
    "departement": "departements",
    "epci": "epci",
    "commune": "communes",
    "qpv": "qpv",
}
USAGE = (
    "identifiants acceptés : dep:93, reg:11, epci:<SIREN à 9 chiffres>, com:<code INSEE>, "
    "qpv:<code QPV 2024, ex. QN09301M>"
)


class UnknownTerritory(UserError, ValueError):
    """Malformed key, or territory absent from the warehouse (French message)."""


@dataclass(frozen=True)
class Territory:
    level: str
    code: str
    name: str
    population: int | None = None
    region_code: str | None = None
    dep_code: str | None = None
    epci_type: str | None = None
    commune_code: str | None = None  # main commune of a QPV

    @property
    def key(self) -> str:
        """« dep:93 », « qpv:QN09301M », « fr »: the URL and command-line form."""
        return "fr" if self.level == "france" else f"{PREFIX[self.level]}:{self.code}"

    @property
    def label(self) -> str:
        """« Seine-Saint-Denis (93) »; France and régions by their name."""
        if self.level in ("france", "region"):
            return self.name
        return f"{self.name} ({self.code})"

    @property
    def level_label(self) -> str:
        """« Département », « EPCI (EPT) »…: what the territory is, in French."""
        if self.level == "epci" and self.epci_type:
            return f"EPCI ({self.epci_type})"
        return LEVEL_LABELS.get(self.level, self.level)


FRANCE = Territory("france", "FR", "France")


def check_key(text: str | None) -> tuple[str, str]:
    """'dep:93' -> ('departement', '93'), ' qpv:qn09301m ' -> ('qpv', 'QN09301M'),
    'fr' -> ('france', 'FR'); anything else raises UnknownTerritory (French message)."""
    raw = (text or "").strip()
    if len(raw) > 40:
        raise UnknownTerritory(f"territoire non reconnu (texte trop long) ; {USAGE}.")
    if raw.lower() in ("fr", "france"):
        return ("france", "FR")
    prefix, sep, code = raw.partition(":")
    level = LEVEL_OF_PREFIX.get(prefix.strip().lower())
    if not sep or level is None or level == "france":
        raise UnknownTerritory(f"territoire « {raw} » non reconnu ; {USAGE}.")
    code = code.strip().upper()
    if level == "departement" and re.fullmatch(r"[0-9]", code):
        code = code.zfill(2)
    if not CODE_PATTERNS[level].match(code):
        raise UnknownTerritory(f"code « {code} » invalide pour « {prefix} » ; {USAGE}.")
    return (level, code)


def parse_key(text: str | None) -> tuple[str, str] | None:
    """`check_key`, or None when the key is malformed."""
    try:
        return check_key(text)
    except UnknownTerritory:
        return None


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


def _qpv(con: duckdb.DuckDBPyConnection, code: str) -> Territory | None:
    """A QPV of the 2024 geography as a territory (population of its INSEE indicators)."""
    found = queries.rows(con, "ui_territory_qpv", {"code": code})
    if not found:
        return None
    qcode, name, dep, reg, _epci, commune, population = found[0]
    return Territory(
        "qpv",
        qcode,
        name,
        int(population) if population is not None else None,
        region_code=reg,
        dep_code=dep,
        commune_code=commune,
    )


def lookup(con: duckdb.DuckDBPyConnection, level: str, code: str) -> Territory | None:
    """The territory, or None when the level/code is unknown."""
    if level == "france":
        return france(con)
    if level == "qpv":
        return _qpv(con, code) if CODE_PATTERNS["qpv"].match(code or "") else None
    if level not in LEVELS:
        return None
    found = queries.rows(con, "ui_territory", {"level": level, "code": code})
    return _from_row(found[0]) if found else None


def from_key(
    con: duckdb.DuckDBPyConnection, key: str | None, levels: tuple[str, ...] = LEVELS
) -> Territory | None:
    """The territory of a URL key among `levels` (the pages' by default), else None."""
    parsed = parse_key(key)
    if parsed is None or parsed[0] not in levels:
        return None
    return lookup(con, *parsed)


def resolve(
    con: duckdb.DuckDBPyConnection, key: str, levels: tuple[str, ...] = EXPORT_LEVELS
) -> Territory:
    """The territory of a key typed for an export or on the command line, or UnknownTerritory
    saying what is wrong."""
    level, code = check_key(key)
    if level not in levels:
        raise UnknownTerritory(f"territoire « {key} » non reconnu ; {USAGE}.")
    if level == "qpv":
        if not db.table_exists(con, "qpv"):
            raise UnknownTerritory("l'entrepôt ne contient pas la table des QPV.")
        found = _qpv(con, code)
        if found is None:
            raise UnknownTerritory(f"QPV « {code} » absent de la géographie prioritaire 2024.")
        return found
    found = lookup(con, level, code)
    if found is None:
        raise UnknownTerritory(
            f"{LEVEL_LABELS[level].lower()} « {code} » introuvable dans l'entrepôt ; {USAGE}."
        )
    return found


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
    """Reference territory one level up: QPV -> its main commune; commune and EPCI -> their
    département; département -> région; région -> France (a step whose territory is unknown
    is skipped)."""
    if territory.level == "qpv" and territory.commune_code:
        found = lookup(con, "commune", territory.commune_code)
        if found:
            return found
    if territory.level in ("qpv", "commune", "epci") and territory.dep_code:
        found = lookup(con, "departement", territory.dep_code)
        if found:
            return found
    if territory.level in ("qpv", "departement", "commune", "epci") and territory.region_code:
        found = lookup(con, "region", territory.region_code)
        if found:
            return found
    return france(con)


def references(con: duckdb.DuckDBPyConnection, territory: Territory) -> list[Territory]:
    """What a territory is compared with on the Territoire page and in the briefing pack: its
    parent, then France (neither repeated, nor the territory itself)."""
    out: list[Territory] = []
    for candidate in (parent(con, territory), france(con)):
        if candidate.key != territory.key and candidate.key not in {r.key for r in out}:
            out.append(candidate)
    return out


def epci_of(con: duckdb.DuckDBPyConnection, territory: Territory) -> Territory | None:
    """The EPT (Grand Paris) or EPCI of a commune, None for other levels or when unknown."""
    if territory.level != "commune" or not db.table_exists(con, "communes"):
        return None
    found = queries.rows(con, "ui_commune_epci", {"code": territory.code})
    code = found[0][0] if found else None
    return lookup(con, "epci", code) if code else None


def commune_names(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...]) -> dict[str, str]:
    """{code: name} of the listed communes (unknown codes left out)."""
    clean = sorted({c for c in codes if isinstance(c, str) and CODE_PATTERNS["commune"].match(c)})
    if not clean or not db.table_exists(con, "communes"):
        return {}
    return dict(queries.rows(con, "ui_commune_names", {"codes": clean}))


def brief_references(con: duckdb.DuckDBPyConnection, territory: Territory) -> list[Territory]:
    """What the briefing pack compares a territory with: a commune with its EPCI (EPT), then
    its département, then France; other levels as `references`."""
    epci = epci_of(con, territory)
    out = [epci] if epci is not None else []
    for candidate in references(con, territory):
        if candidate.key not in {r.key for r in out}:
            out.append(candidate)
    return out


# level -> the parameter holding its code in the ui_sse_filter and ui_commune_filter fragments
FILTER_PARAMS = {
    "region": "region",
    "departement": "departement",
    "epci": "epci",
    "commune": "commune",
    "qpv": "qpv_area",
}


def filter_params(territory: Territory) -> dict:
    """The territory as fragment parameters: its code under its level's parameter, the
    others NULL (France sets none). DuckDB folds a NULL parameter's test away, so each
    territory is a plain filter on one column (see ui_sse_filter.sql)."""
    if territory.level != "france":
        queries.ident(territory.level, FILTER_PARAMS)
    chosen = FILTER_PARAMS.get(territory.level)
    return {name: (territory.code if name == chosen else None) for name in FILTER_PARAMS.values()}


def communes(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
    """Communes of the territory (code, name, population, GeoJSON `geometry` at ~10 m): the
    commune maps of the home page (one département) and of the static maps."""
    name = "ui_geom_communes" if db.table_exists(con, "commune_shapes") else "ui_geom_communes_live"
    return queries.df(con, name, filter_params(territory))


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


def outline(con: duckdb.DuckDBPyConnection, territory: Territory) -> str | None:
    """Display contour of the territory as GeoJSON, None for France or when it has none."""
    table = GEOMETRY_TABLES.get(territory.level)
    if table is None:
        return None
    found = queries.rows(
        con,
        "ui_territory_outline",
        {"code": territory.code},
        identifiers={"table": queries.ident(table, GEOMETRY_TABLES.values())},
    )
    return found[0][0] if found else None
