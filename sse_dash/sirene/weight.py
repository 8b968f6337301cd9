"""Weight and evolution of the SSE among **all** establishments (`agg_weight`,
`agg_evolution`, `ref_sector_groups`), built from the SIRENE stock files after the SSE step.

Individual non-SSE establishments are never stored: one temporary table (`weight_base`, one
row per establishment, SSE or not, active or closed) is aggregated and dropped.

- Perimeters: `sse_insee` (the unit's `economieSocialeSolidaireUniteLegale = 'O'`, the
  dashboard's default) and `sse_statut` (the historical statutory perimeter: associations,
  coopératives, mutuelles and fondations by `categorieJuridiqueUniteLegale`, whatever the flag).
- Jobs are estimated from the size bands (`ref_size_bands.estimate`, the midpoint of each
  band: « estimation à partir des tranches d'effectifs »).
- QPV membership of all establishments is INSEE's own `plg_qp24` of the geolocation file, for
  SSE and non-SSE alike, so the shares compare like with like.
- Evolution: actives on 1 January of each year from FIRST_YEAR to the build year, creations
  and closures per year. A closed establishment (`etatAdministratifEtablissement = 'F'`)
  carries its closure in `dateDebut` (start of its last period). Dates are bucketed into years
  clamped to [FIRST_YEAR - 1, last year] (a closure never before the creation), which makes
  actives(N+1) = actives(N) + creations(N) - closures(N) hold exactly, and the last year's
  actives + creations - closures equal today's active count."""

from __future__ import annotations

from datetime import date

import pandas as pd

from sse_dash import queries
from sse_dash.i18n import N_
from sse_dash.sirene import mappings, pipeline

FIRST_YEAR = 2010
WORK_TABLES = ("weight_base", "weight_activity_map", "weight_category_map")
STATUTORY_FAMILIES = ("association", "cooperative", "mutuelle", "fondation")
NON_SSE = "hors_ess"

# Sector groups of the SSE observatories (CNCRESS / CRESS panoramas), by NAF rév. 2 division.
# code, French label, divisions
SECTOR_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("action_sociale_heb", N_("Action sociale avec hébergement"), ("87",)),
    ("action_sociale_sans_heb", N_("Action sociale sans hébergement"), ("88",)),
    ("enseignement", N_("Enseignement"), ("85",)),
    ("sante", N_("Santé humaine"), ("86",)),
    ("arts_spectacles", N_("Arts et spectacles"), ("90", "91")),
    ("sports_loisirs", N_("Sports et loisirs"), ("93",)),
    ("finance_assurance", N_("Activités financières et d'assurance"), ("64", "65", "66")),
    ("commerce", N_("Commerce"), ("45", "46", "47")),
    (
        "industrie_construction",
        N_("Industrie et construction"),
        (*(f"{d:02d}" for d in range(5, 40)), "41", "42", "43"),
    ),
    (
        "soutien_entreprises",
        N_("Soutien aux entreprises"),
        tuple(str(d) for d in range(69, 83)),
    ),
    ("hebergement_restauration", N_("Hébergement et restauration"), ("55", "56")),
    ("autres", N_("Autres activités et non classés"), ()),
)
SECTOR_GROUP_CODES = tuple(g[0] for g in SECTOR_GROUPS)
_BY_DIVISION = {d: g[0] for g in SECTOR_GROUPS for d in g[2]}


def sector_group(naf_code: str | None, nomenclature: str | None) -> str:
    """Observatory sector group of an activity code (NAF rév. 2 or NAF 2025, which keep the
    division numbers); older nomenclatures and missing codes -> « autres »."""
    if not naf_code or nomenclature not in (mappings.NAF_REV2, mappings.NAF_2025):
        return "autres"
    return _BY_DIVISION.get(str(naf_code)[:2], "autres")


def sector_groups_frame() -> pd.DataFrame:
    rows = [
        (code, label, i + 1, " ".join(divs) if divs else "toutes les autres divisions")
        for i, (code, label, divs) in enumerate(SECTOR_GROUPS)
    ]
    return pd.DataFrame(rows, columns=["code", "label_fr", "sort", "naf_divisions"])


def is_statutory(legal_category: str | None) -> bool:
    """Associations (92xx), coopératives, mutuelles (82xx, mutual insurers) and fondations
    (9300) by legal category, as sse_dash.sirene.mappings.family_of classifies them."""
    return mappings.family_of(legal_category) in STATUTORY_FAMILIES


def _register(con, name: str, frame: pd.DataFrame) -> None:
    con.register("weight_frame", frame)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {queries.ident(name, WORK_TABLES)} AS "  # noqa: S608
            "SELECT * FROM weight_frame"
        )
    finally:
        con.unregister("weight_frame")


def load_base(con, sources: pipeline.Sources, scope: str | None = None) -> None:
    """`weight_base`: every establishment of the files (SSE or not, active or closed) with its
    perimeters, family, sector, size and territory; nothing else (no name, no SIRET)."""
    dep, reg = pipeline._scope(scope)
    ul, et, geo = (
        pipeline.columns_of(con, s)
        for s in (sources.units, sources.establishments, sources.geolocation)
    )
    con.execute(
        queries.render(
            "sirene_weight_raw",
            {
                "ul_naf25": queries.ident(pipeline.UL_NAF25, ul)
                if pipeline.UL_NAF25 in ul
                else "NULL",
                "et_naf25": queries.ident(pipeline.ET_NAF25, et)
                if pipeline.ET_NAF25 in et
                else "NULL",
            },
        ),
        {
            "units": sources.units,
            "establishments": sources.establishments,
            "geolocation": sources.geolocation,
            "dep": dep,
            "reg": reg,
        },
    )
    cats = [r[0] for r in con.execute("SELECT DISTINCT legal_category FROM weight_raw").fetchall()]
    _register(
        con,
        "weight_category_map",
        pd.DataFrame(
            {
                "legal_category": cats,
                "family": [mappings.family_of(c) for c in cats],
                "statutory": [is_statutory(c) for c in cats],
            }
        ).astype({"legal_category": object, "family": object, "statutory": bool}),
    )
    keys = [r[0] for r in con.execute("SELECT DISTINCT activity_key FROM weight_raw").fetchall()]
    amap = pipeline.activity_map(keys)
    amap["sector_group"] = [
        sector_group(c, n) for c, n in zip(amap["naf"], amap["naf_nomenclature"], strict=True)
    ]
    _register(con, "weight_activity_map", amap[["activity_key", "section", "sector_group"]])
    con.execute(queries.load("sirene_weight_base"))
    con.execute("DROP TABLE IF EXISTS weight_raw")


def aggregate(con, france_code: str, last_year: int | None = None) -> None:
    """`agg_weight`, `agg_evolution` and `ref_sector_groups` from `weight_base`."""
    last = last_year or date.today().year
    con.register("weight_frame", sector_groups_frame())
    try:
        con.execute("CREATE OR REPLACE TABLE ref_sector_groups AS SELECT * FROM weight_frame")
    finally:
        con.unregister("weight_frame")
    con.execute(queries.load("sirene_weight_agg"), {"france_code": france_code})
    con.execute(
        queries.load("sirene_weight_evolution"),
        {"france_code": france_code, "first_year": FIRST_YEAR, "last_year": last},
    )


def drop_work_tables(con) -> None:
    for name in (*WORK_TABLES, "weight_raw"):
        con.execute(f"DROP TABLE IF EXISTS {queries.ident(name, (*WORK_TABLES, 'weight_raw'))}")


def build(
    con,
    sources: pipeline.Sources,
    *,
    scope: str | None,
    france_code: str,
    last_year: int | None = None,
) -> None:
    """The three tables from the SIRENE files; `last_year`: the build year by default."""
    try:
        load_base(con, sources, scope)
        aggregate(con, france_code, last_year)
    finally:
        drop_work_tables(con)


def check_consistency(con) -> list[str]:
    """French messages for totals that disagree (empty = consistent): every partition level
    adds up to France; the evolution identity holds; the last year's actives, creations and
    closures give today's actives."""
    problems = []
    for (msg,) in queries.rows(con, "sirene_weight_check"):
        problems.append(msg)
    return problems
