"""Territory identifiers of the exports (« dep:93 », « reg:11 », « epci:200054781 »,
« com:93066 », « qpv:QN09301M ») resolved against the warehouse, with their parent territory
(used as the reference column of the briefing pack)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from sse_dash import db, queries

# prefix -> level of `territories` / `agg_territory`
PREFIXES = {
    "reg": "region",
    "dep": "departement",
    "epci": "epci",
    "com": "commune",
    "qpv": "qpv",
}
_CODE_RE = {
    "reg": re.compile(r"^\d{2}$"),
    "dep": re.compile(r"^(\d{2}|2A|2B|\d{3})$"),
    "epci": re.compile(r"^\d{9}$"),
    "com": re.compile(r"^(\d{5}|2A\d{3}|2B\d{3})$"),
    "qpv": re.compile(r"^Q[NP]\d{5,6}[A-Z]?$"),
}
LEVEL_LABELS = {
    "france": "France",
    "region": "Région",
    "departement": "Département",
    "epci": "EPCI",
    "commune": "Commune",
    "qpv": "Quartier prioritaire (QPV 2024)",
}
USAGE = (
    "identifiants acceptés : dep:93, reg:11, epci:<SIREN à 9 chiffres>, com:<code INSEE>, "
    "qpv:<code QPV 2024, ex. QN09301M>"
)


class UnknownTerritory(ValueError):
    """Malformed identifier or territory absent from the warehouse (French message)."""


@dataclass(frozen=True)
class Territory:
    kind: str  # prefix: reg, dep, epci, com, qpv, fr
    level: str  # level in territories / agg_territory
    code: str
    name: str
    population: float | None = None
    region_code: str | None = None
    dep_code: str | None = None
    epci_type: str | None = None
    commune_code: str | None = None

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        """« Seine-Saint-Denis (93) », « France »."""
        return self.name if self.level == "france" else f"{self.name} ({self.code})"

    @property
    def level_label(self) -> str:
        if self.level == "epci" and self.epci_type:
            return f"EPCI ({self.epci_type})"
        return LEVEL_LABELS.get(self.level, self.level)


def parse_id(text: str) -> tuple[str, str]:
    """`' dep:2a '` -> `('dep', '2A')`; refuses anything else with a French message."""
    raw = (text or "").strip()
    kind, sep, code = raw.partition(":")
    kind, code = kind.strip().lower(), code.strip().upper()
    if not sep or kind not in PREFIXES:
        raise UnknownTerritory(f"territoire « {raw} » non reconnu ; {USAGE}.")
    if kind == "dep" and re.fullmatch(r"\d", code):
        code = code.zfill(2)
    if not _CODE_RE[kind].match(code):
        raise UnknownTerritory(f"code « {code} » invalide pour « {kind} » ; {USAGE}.")
    return kind, code


def to_id(level: str, code: str) -> str:
    """`('departement', '93')` -> `'dep:93'` (levels of `territories`, or a prefix already)."""
    prefix = {v: k for k, v in PREFIXES.items()}.get(level, level)
    if prefix not in PREFIXES:
        raise UnknownTerritory(f"niveau « {level} » sans note de synthèse ; {USAGE}.")
    return f"{prefix}:{code}"


def _row_to_territory(kind: str, row: tuple) -> Territory:
    level, code, name, population, region_code, dep_code, epci_type = row
    return Territory(kind, level, code, name, population, region_code, dep_code, epci_type)


def resolve(con: duckdb.DuckDBPyConnection, territory_id: str) -> Territory:
    """The territory named by `territory_id`, or `UnknownTerritory`."""
    kind, code = parse_id(territory_id)
    level = PREFIXES[kind]
    if kind == "qpv":
        if not db.table_exists(con, "qpv"):
            raise UnknownTerritory("l'entrepôt ne contient pas la table des QPV.")
        found = queries.rows(con, "brief_qpv_territory", {"code": code})
        if not found:
            raise UnknownTerritory(f"QPV « {code} » absent de la géographie prioritaire 2024.")
        qcode, name, dep, reg, _epci, commune, population = found[0]
        return Territory(
            "qpv", "qpv", qcode, name, population, reg, dep, None, commune_code=commune
        )
    found = queries.rows(con, "brief_territory", {"level": level, "code": code})
    if not found:
        raise UnknownTerritory(
            f"{LEVEL_LABELS[level].lower()} « {code} » introuvable dans l'entrepôt ; {USAGE}."
        )
    return _row_to_territory(kind, found[0])


def france(con: duckdb.DuckDBPyConnection) -> Territory:
    found = queries.rows(con, "brief_france")
    if found:
        return _row_to_territory("fr", found[0])
    return Territory("fr", "france", "FR", "France")


def parent(con: duckdb.DuckDBPyConnection, territory: Territory) -> Territory | None:
    """Reference territory one step up: QPV -> commune, commune/EPCI -> département,
    département -> région; None for a région (France is always shown)."""
    candidates: list[tuple[str, str | None]] = []
    if territory.level == "qpv":
        candidates = [("com", territory.commune_code), ("dep", territory.dep_code)]
    elif territory.level in ("commune", "epci"):
        candidates = [("dep", territory.dep_code)]
    elif territory.level == "departement":
        candidates = [("reg", territory.region_code)]
    for kind, code in candidates:
        if not code:
            continue
        found = queries.rows(con, "brief_territory", {"level": PREFIXES[kind], "code": code})
        if found:
            return _row_to_territory(kind, found[0])
    return None
