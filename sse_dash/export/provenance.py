"""Source lines for exported charts, maps and briefing packs, read from the warehouse
`provenance` and `meta` tables so that every file says where its figures come from and of
which vintage (« Source : INSEE SIRENE, juin 2026 ; ANCT QPV 2024 »)."""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from sse_dash import db, fmt, i18n
from sse_dash.dashboard import warehouse

SIRENE_ROLES = ("sirene_unites_legales", "sirene_etablissements", "sirene_geolocalisation")
QPV_ROLES = ("qpv",)
QPV_INDICATOR_ROLES = ("qpv_indicators",)
GEOGRAPHY_ROLES = (
    "regions_cog",
    "departements_cog",
    "communes_cog",
    "epci_cog",
    "regions_geom",
    "departements_geom",
    "communes_geom",
    "epci_geom",
)
SYNTHETIC_NOTICE = "Données SIRENE synthétiques (fictives)"

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")
# Publisher strings in catalogues are long (« ANCT (SIG Ville) — copie simplifiée tierce »):
# the source line keeps the part before the first qualifier.
_PUBLISHER_CUT = re.compile(r"\s*(?:\(|,|;| — | – | - ).*$")


def format_vintage(vintage: str | None) -> str:
    """`2026-06` or `2026-06-01` -> `juin 2026`; anything else is kept as written."""
    text = (vintage or "").strip()
    match = _ISO_MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{MONTHS_FR[int(match.group(2)) - 1]} {match.group(1)}"
    return text


def short_publisher(publisher: str | None) -> str:
    return _PUBLISHER_CUT.sub("", (publisher or "").strip()) or (publisher or "").strip()


def _label(role: str, publisher: str, vintage: str, synthetic: bool = False) -> str:
    """One readable source item for a provenance row."""
    vintage = format_vintage(vintage)
    if role in SIRENE_ROLES:
        if synthetic:
            detail = vintage.removeprefix("synthétique").strip(" ,")
            return f"SIRENE synthétique ({detail})" if detail else "SIRENE synthétique"
        return f"INSEE SIRENE, {vintage}" if vintage else "INSEE SIRENE"
    pub = short_publisher(publisher)
    if role in QPV_INDICATOR_ROLES:
        base = f"{pub}, indicateurs QPV"
    elif role in QPV_ROLES and "QPV" not in vintage:
        base = f"{pub} QPV"
    else:
        base = pub
    if not vintage or vintage in base:
        return base
    # « ANCT QPV 2024 (décret …) »: the vintage already names the dataset, no comma needed.
    sep = " " if vintage.startswith(("QPV", "COG")) else ", "
    return f"{base}{sep}{vintage}"


def provenance_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """All provenance rows as dicts (empty when the table does not exist), as the « Données &
    sources » page reads them."""
    if not db.table_exists(con, "provenance"):
        return []
    frame = warehouse.provenance(con).astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def _is_qpv2015(row: dict) -> bool:
    text = f"{row.get('title') or ''} {row.get('vintage') or ''}"
    return row["role"] in QPV_ROLES + QPV_INDICATOR_ROLES and "QPV 2015" in text


def sources_for(
    con: duckdb.DuckDBPyConnection,
    roles: tuple[str, ...] | list[str],
    *,
    include_qpv2015: bool = False,
) -> list[str]:
    """Deduplicated source items for the datasets with these catalogue roles, in role order.
    QPV 2015 datasets are left out unless asked for: the exports use the 2024 geography."""
    rows = provenance_rows(con)
    items: list[str] = []
    for role in roles:
        for row in rows:
            if row["role"] != role or (not include_qpv2015 and _is_qpv2015(row)):
                continue
            item = _label(
                role,
                row.get("publisher") or "",
                row.get("vintage") or "",
                row.get("synthetic") is True,
            )
            if item and item not in items:
                items.append(item)
    return items


def source_line(sources: list[str]) -> str:
    """« Source : A ; B » (« Sources : » when several)."""
    if not sources:
        return ""
    head = "Source" if len(sources) == 1 else "Sources"
    return f"{head}\u00a0: " + " ; ".join(sources)


def is_synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse says its SIRENE part is synthetic (meta sirene_synthetic), as
    the pages' banner does."""
    if not db.table_exists(con, "meta"):
        return False
    return warehouse.is_synthetic(warehouse.meta(con))


def source_records(
    con: duckdb.DuckDBPyConnection, roles: tuple[str, ...] | list[str] | None = None
) -> list[dict]:
    """Rows for the « Sources » sheet of an XLSX export (French column names)."""
    out = []
    for row in provenance_rows(con):
        if roles is not None and row["role"] not in roles:
            continue
        retrieved = row.get("retrieved_at")
        out.append(
            {
                "Jeu de données": row.get("title") or row.get("dataset_id"),
                "Producteur": row.get("publisher") or "",
                "Millésime": format_vintage(row.get("vintage")),
                "Licence": row.get("licence") or "",
                "Source": row.get("source") or "",
                "Récupéré le": None if retrieved is None else str(retrieved)[:19],
                "Synthétique": "oui" if row.get("synthetic") is True else "non",
            }
        )
    return out


def _screen_month(vintage: str | None, lang: str | None) -> str:
    """An ISO month vintage in the page's language (`octobre 2026`, `October 2026`), else ""
    (free-text vintages are French: they stay on the « Données & sources » page)."""
    match = _ISO_MONTH.match((vintage or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return ""
    return fmt.month(dt.date(int(match.group(1)), int(match.group(2)), 1), lang)


def screen_sources(con: duckdb.DuckDBPyConnection, lang: str | None = None) -> list[str]:
    """The short source items under the KPIs and charts, in the page's language: « SIRENE
    (INSEE), octobre 2026 » (or synthetic SIRENE) and « QPV 2024 (ANCT) »."""
    rows = provenance_rows(con)
    items: list[str] = []
    sirene = [r for r in rows if r["role"] in SIRENE_ROLES]
    if sirene:
        row = sirene[0]
        month = _screen_month(row.get("vintage"), lang)
        base = (
            i18n.t("SIRENE synthétique (fictif)", lang)
            if row.get("synthetic") is True
            else "SIRENE (INSEE)"
        )
        items.append(f"{base}, {month}" if month else base)
    if any(r["role"] in QPV_ROLES and not _is_qpv2015(r) for r in rows):
        items.append("QPV 2024 (ANCT)")
    return items
