"""Weight of the SSE among all establishments, its share per sector, its evolution since 2010
and the perimeter switch — one read model for the pages, the exports and the command line
(`python -m sse_dash export indicateurs|evolution`).

Reads `agg_weight`, `agg_evolution` and `ref_sector_groups` (built by
sse_dash.sirene.weight). Column names of the frames are the CLI contract (French, snake case);
shares are in %. Jobs are an estimate from the size bands (ESTIMATE_LABEL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from sse_dash import db, queries
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard.territory import Territory
from sse_dash.i18n import N_
from sse_dash.sirene.weight import SECTOR_GROUPS

TABLES = ("agg_weight", "agg_evolution", "ref_sector_groups")
PERIMETERS = {"insee": "sse_insee", "statut": "sse_statut"}
DEFAULT_PERIMETER = "insee"
PERIMETER_LABELS = {
    "insee": N_("Indicateur ESS de l'INSEE (SIRENE)"),
    "statut": N_("Statuts : associations, coopératives, mutuelles, fondations"),
}
ESTIMATE_LABEL = N_("estimation à partir des tranches d'effectifs")
# CLI level names -> territory levels
LEVELS = {"reg": "region", "dep": "departement", "epci": "epci", "com": "commune"}
# what a bare --parent code means for each level (a key such as reg:11 is always accepted)
BARE_PARENT = {"departement": "region", "epci": "departement", "commune": "departement"}
ALLOWED_PARENTS = {
    "region": ("france",),
    "departement": ("france", "region"),
    "epci": ("france", "region", "departement"),
    "commune": ("france", "region", "departement", "epci"),
}
MEASURES = (
    ("etablissements", "part_ess_etablissements"),
    ("employeurs", "part_ess_employeurs"),
    ("emplois_estimes", "part_ess_emplois"),
)
WEIGHT_COLUMNS = [
    "etablissements_ess",
    "etablissements_tous",
    "part_ess_etablissements",
    "employeurs_ess",
    "employeurs_tous",
    "part_ess_employeurs",
    "emplois_estimes_ess",
    "emplois_estimes_tous",
    "part_ess_emplois",
]
SECTOR_LABELS = {code: label for code, label, _ in SECTOR_GROUPS}


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse holds the weight tables (a warehouse built before them: no)."""
    return all(db.table_exists(con, t) for t in TABLES)


def _column(perimeter: str | None) -> str:
    """The agg_* column of a perimeter (checked again by queries.ident at each call)."""
    return PERIMETERS.get(perimeter or DEFAULT_PERIMETER, "")


def _share(part, whole):
    """part / whole in % (NaN when whole is 0)."""
    part = np.asarray(part, dtype="float64")
    whole = np.asarray(whole, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, 100.0 * part / np.where(whole > 0, whole, 1), np.nan)


def with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds the three SSE shares (in %) and orders the columns as the CLI contract."""
    out = frame.copy()
    for stem, share in MEASURES:
        out[share] = _share(out[f"{stem}_ess"], out[f"{stem}_tous"])
    for col in ("etablissements_ess", "etablissements_tous", "employeurs_ess", "employeurs_tous"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("emplois_estimes_ess", "emplois_estimes_tous"):
        out[col] = out[col].astype("float64")
    lead = [c for c in out.columns if c not in WEIGHT_COLUMNS]
    return out[lead + WEIGHT_COLUMNS]


@dataclass(frozen=True)
class Weight:
    """The weight of the SSE in one territory (counts and shares in %)."""

    territory: Territory
    values: dict

    def share(self, stem: str) -> float | None:
        value = self.values.get(dict(MEASURES)[stem])
        return None if value is None or np.isnan(value) else float(value)


def weight(
    con: duckdb.DuckDBPyConnection, territory: Territory, perimeter: str | None = None
) -> Weight:
    (row,) = queries.rows(
        con,
        "ui_weight_one",
        {"level": territory.level, "code": territory.code},
        identifiers={"perimeter": queries.ident(_column(perimeter), PERIMETERS.values())},
    )
    names = [c for c in WEIGHT_COLUMNS if not c.startswith("part_")]
    values = dict(zip(names, row, strict=True))
    for col in names:  # the same types as with_shares gives a frame
        values[col] = float(values[col]) if col.startswith("emplois") else int(values[col])
    for stem, share in MEASURES:
        values[share] = float(_share(values[f"{stem}_ess"], values[f"{stem}_tous"]))
    return Weight(territory, {c: values[c] for c in WEIGHT_COLUMNS})


def weights(
    con: duckdb.DuckDBPyConnection, territories: list[Territory], perimeter: str | None = None
) -> pd.DataFrame:
    """One row per territory (territoire, code, niveau + WEIGHT_COLUMNS): a territory, its
    parent and France on the Territoire page."""
    return weights_frame([weight(con, t, perimeter) for t in territories])


def weights_frame(found: list[Weight]) -> pd.DataFrame:
    """The frame of `weights` from Weight objects (the pages cache each territory's own, so
    that France and the parent are not queried again at each change of territory)."""
    rows = [
        {"territoire": w.territory.label, "code": w.territory.code, "niveau": w.territory.level,
         **w.values}
        for w in found
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["territoire", "code", "niveau", *WEIGHT_COLUMNS])


def parse_level(text: str) -> str:
    level = LEVELS.get((text or "").strip().lower())
    if level is None:
        raise terr.UnknownTerritory(
            f"niveau « {text} » non reconnu : attendu reg, dep, epci ou com."
        )
    return level


def resolve_parent(con: duckdb.DuckDBPyConnection, level: str, text: str | None) -> Territory:
    """The territory inside which `level` is listed: a key (reg:11, dep:93, epci:…), a bare
    code (the région of départements, the département of EPCI or communes, an EPCI by its
    9-digit SIREN), or France when none. French UnknownTerritory otherwise."""
    if not text or text.strip().lower() in ("fr", "france"):
        return terr.france(con)
    raw = text.strip()
    if ":" not in raw:
        parent_level = "epci" if raw.isdigit() and len(raw) == 9 else BARE_PARENT.get(level)
        if parent_level is None:
            raise terr.UnknownTerritory(
                f"parent « {raw} » impossible pour le niveau des régions (toujours la France)."
            )
        raw = f"{terr.PREFIX[parent_level]}:{raw}"
    parent = terr.resolve(con, raw, levels=("region", "departement", "epci"))
    if parent.level not in ALLOWED_PARENTS[level]:
        raise terr.UnknownTerritory(
            f"parent « {text} » ({parent.level_label.lower()}) impossible pour ce niveau : "
            f"attendu {', '.join(terr.LEVEL_LABELS[p].lower() for p in ALLOWED_PARENTS[level])}."
        )
    return parent


def level_table(
    con: duckdb.DuckDBPyConnection,
    level: str,
    parent: Territory | None = None,
    perimeter: str | None = None,
) -> pd.DataFrame:
    """One row per territory of `level` inside `parent` (France when None): code, nom, then
    WEIGHT_COLUMNS — the ranking table, the choropleths and `export indicateurs`."""
    queries.ident(level, LEVELS.values())
    params = {"level": level, "reg": None, "dep": None, "epci": None}
    if parent is not None and parent.level != "france":
        key = {"region": "reg", "departement": "dep", "epci": "epci"}[parent.level]
        params[key] = parent.code
    frame = queries.df(
        con,
        "ui_weight_level",
        params,
        identifiers={"perimeter": queries.ident(_column(perimeter), PERIMETERS.values())},
    )
    return with_shares(frame)


def sectors(
    con: duckdb.DuckDBPyConnection, territory: Territory, perimeter: str | None = None
) -> pd.DataFrame:
    """One row per observatory sector group: secteur, libelle (French) + WEIGHT_COLUMNS."""
    frame = queries.df(
        con,
        "ui_weight_sectors",
        {"level": territory.level, "code": territory.code},
        identifiers={"perimeter": queries.ident(_column(perimeter), PERIMETERS.values())},
    )
    return with_shares(frame.drop(columns=["sort"]))


def perimeters(con: duckdb.DuckDBPyConnection, territory: Territory) -> dict[str, int]:
    """Active establishments in both perimeters, in the INSEE one only, in the statutory one
    only (the establishments that differ)."""
    both, insee_only, statut_only = queries.rows(
        con, "ui_weight_perimeters", {"level": territory.level, "code": territory.code}
    )[0]
    return {"both": int(both), "insee_only": int(insee_only), "statut_only": int(statut_only)}


def years(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    first, last = queries.rows(con, "ui_evolution_years")[0]
    return None if first is None else (int(first), int(last))


EVOLUTION_COUNTS = [
    "etablissements_ess_actifs_1er_janvier",
    "creations_ess",
    "fermetures_ess",
    "etablissements_tous_actifs_1er_janvier",
    "creations_tous",
    "fermetures_tous",
]
EVOLUTION_COLUMNS = [
    "annee",
    *EVOLUTION_COUNTS,
    "indice_ess",
    "indice_tous",
    "croissance_ess",
    "croissance_tous",
]


def evolution(
    con: duckdb.DuckDBPyConnection, territory: Territory, perimeter: str | None = None
) -> pd.DataFrame:
    """One row per year (EVOLUTION_COLUMNS): actives on 1 January, creations and closures of
    the SSE and of all establishments, index 100 in the first year and annual growth rate (%)
    of the actives. actives(N+1) = actives(N) + creations(N) - closures(N). Empty for a QPV
    (a closed establishment's QPV is unknown)."""
    span = years(con)
    if span is None or territory.level == "qpv":
        return pd.DataFrame(columns=EVOLUTION_COLUMNS)
    frame = queries.df(
        con,
        "ui_evolution",
        {"level": territory.level, "code": territory.code},
        identifiers={"perimeter": queries.ident(_column(perimeter), PERIMETERS.values())},
    )
    full = pd.DataFrame({"annee": range(span[0], span[1] + 1)})
    out = full.merge(frame, on="annee", how="left")
    for col in EVOLUTION_COUNTS:
        out[col] = out[col].fillna(0).astype("int64")
    for stem, col in (("ess", EVOLUTION_COUNTS[0]), ("tous", EVOLUTION_COUNTS[3])):
        values = out[col].astype("float64").to_numpy()
        base = values[0] if len(values) else 0
        out[f"indice_{stem}"] = 100.0 * values / base if base > 0 else np.nan
        prev = np.concatenate([[np.nan], values[:-1]])
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"croissance_{stem}"] = np.where(prev > 0, 100.0 * (values - prev) / prev, np.nan)
    return out[EVOLUTION_COLUMNS]


def evolution_by_family(
    con: duckdb.DuckDBPyConnection, territory: Territory, perimeter: str | None = None
) -> pd.DataFrame:
    """SSE establishments active on 1 January by family (annee, family, actifs, creations,
    fermetures)."""
    if territory.level == "qpv" or years(con) is None:
        return pd.DataFrame(columns=["annee", "family", "actifs", "creations", "fermetures"])
    return queries.df(
        con,
        "ui_evolution_families",
        {"level": territory.level, "code": territory.code},
        identifiers={"perimeter": queries.ident(_column(perimeter), PERIMETERS.values())},
    )


def published_share(con: duckdb.DuckDBPyConnection, territory: Territory) -> dict | None:
    """INSEE's published share of the SSE in salaried employment (ITDD, 2008 and 2014) of a
    région or département, with its vintage and publisher; None when it has none. Never mixed
    with the SIRENE estimates."""
    values = published_values(con, territory)
    return None if values is None else {**values, **published_source(con)}


def published_values(con: duckdb.DuckDBPyConnection, territory: Territory) -> dict | None:
    """The two shares of `published_share` (the part that depends on the territory)."""
    if territory.level not in ("region", "departement") or not db.table_exists(con, "ess_share"):
        return None
    found = queries.rows(con, "ui_ess_share", {"level": territory.level, "code": territory.code})
    if not found:
        return None
    share_2008, share_2014, _name = found[0]
    return {"share_2008": share_2008, "share_2014": share_2014}


def published_source(con: duckdb.DuckDBPyConnection) -> dict:
    """Title, publisher and vintage of `published_share` (the same for every territory)."""
    from sse_dash.export import provenance

    rows = [r for r in provenance.provenance_rows(con) if r["role"] == "ess_share"]
    source = rows[0] if rows else {}
    return {
        "title": source.get("title") or "",
        "publisher": source.get("publisher") or "INSEE",
        "vintage": source.get("vintage") or "2008 et 2014",
    }


def sirene_vintage(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, bool]:
    """When the SIRENE files were retrieved (or generated), and whether they are synthetic:
    the vintage shown beside the figures."""
    from sse_dash.export import provenance

    rows = [r for r in provenance.provenance_rows(con) if r["role"] in provenance.SIRENE_ROLES]
    days = [r["retrieved_at"] for r in rows if r.get("retrieved_at") is not None]
    day = max(days).date() if days else None
    return day, any(r.get("synthetic") is True for r in rows) or provenance.is_synthetic(con)


MAP_INDICATORS = {
    "part_ess_etablissements": N_("Part de l'ESS dans les établissements"),
    "part_ess_employeurs": N_("Part de l'ESS dans les établissements employeurs"),
    "part_ess_emplois": N_("Part de l'ESS dans les emplois estimés"),
}
# the sub-territories a territory's home map shows: levels offered, the first by default
SUB_LEVELS = {
    "france": ("region", "departement", "epci"),
    "region": ("departement", "epci"),
    "departement": ("epci", "commune"),
    "epci": ("commune",),
    "commune": ("commune",),
}


def map_scope(con: duckdb.DuckDBPyConnection, territory: Territory) -> Territory:
    """The territory whose sub-territories are mapped: itself, or for a commune its
    département (a commune has no sub-territory)."""
    if territory.level == "commune" and territory.dep_code:
        found = terr.lookup(con, "departement", territory.dep_code)
        if found is not None:
            return found
    return territory


def choropleth(
    con: duckdb.DuckDBPyConnection,
    level: str,
    within: Territory | None = None,
    perimeter: str | None = None,
) -> pd.DataFrame:
    """Areas of `level` inside `within` (sse.choropleth: counts, rates, geometry) with the
    SSE shares of establishments, employer establishments and estimated jobs."""
    from sse_dash.dashboard import sse

    inside = None if within is None or within.level == "france" else within
    frame = sse.choropleth(con, level, within=inside)
    shares = level_table(con, level, inside, perimeter)[
        ["code", "etablissements_tous", "employeurs_tous", "emplois_estimes_tous"]
        + [share for _, share in MEASURES]
    ]
    return frame.merge(shares, on="code", how="left")
