"""What the warehouse holds: meta, tables present, provenance and build issues."""

from __future__ import annotations

import duckdb
import pandas as pd

from sse_dash import queries

SIRENE_TABLES = ("establishments", "agg_territory", "ref_families")


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {k: v for k, v in queries.rows(con, "ui_meta")}


def tables(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    return frozenset(r[0] for r in queries.rows(con, "ui_tables"))


def is_synthetic(meta_values: dict[str, str]) -> bool:
    return str(meta_values.get("sirene_synthetic", "")).strip().lower() == "true"


def provenance(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return queries.df(con, "ui_provenance")


def build_issues_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if "build_issues" not in tables(con):
        return pd.DataFrame(columns=["dataset_id", "kind", "issues", "example_code", "example"])
    return queries.df(con, "ui_build_issues_summary")


def build_issues(con: duckdb.DuckDBPyConnection, limit: int = 2000) -> pd.DataFrame:
    if "build_issues" not in tables(con):
        return pd.DataFrame(columns=["dataset_id", "kind", "code", "detail"])
    return queries.df(con, "ui_build_issues", {"limit": int(limit)})
