"""`agg_territory`: establishments counted per territory level × family × NAF section × size
class. Every level is a partition of the France row (except EPT rows, which repeat part of
their EPCI, and `qpv`, which only counts establishments inside a QPV), so sums across levels
agree — `check_consistency` verifies it."""

from __future__ import annotations

from sse_dash import db, queries

FRANCE_CODE = "FR"
MEASURES = (
    "establishments",
    "employer_establishments",
    "employees_est",
    "in_qpv",
    "near_qpv300",
    "qpv_uncertain",
)
# levels whose rows partition France (establishments with a known territory)
PARTITION_LEVELS = ("region", "departement", "commune")


def france_code(con) -> str:
    """The France code used by `territories` (so UI joins work), else 'FR'."""
    if db.table_exists(con, "territories"):
        row = con.execute("SELECT code FROM territories WHERE level = 'france' LIMIT 1").fetchone()
        if row and row[0]:
            return str(row[0])
    return FRANCE_CODE


def build(con) -> None:
    con.execute(queries.load("sirene_aggregates"), {"france_code": france_code(con)})


def check_consistency(con) -> list[str]:
    """Differences between the France totals and the sum of each partition level (French
    messages; empty list = consistent). Establishments without a commune are excluded from
    the partition levels, so they are compared with the located total."""
    problems = []
    located = queries.rows(con, "sirene_agg_located_totals")[0]
    for level in PARTITION_LEVELS:
        got = queries.rows(con, "sirene_agg_level_totals", {"level": level})[0]
        for name, a, b in zip(MEASURES, located, got, strict=True):
            if abs((a or 0) - (b or 0)) > 1e-6:
                problems.append(f"{level} : {name} = {b} au lieu de {a}")
    return problems
