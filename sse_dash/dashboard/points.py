"""Points of interest (tiers-lieux, PTCE) and the small display tables of the Territoire page."""

from __future__ import annotations

import duckdb
import pandas as pd

from sse_dash import fmt, queries
from sse_dash.dashboard.territory import Territory

THIRD_PLACE_KINDS = {
    "tiers_lieu": "Tiers-lieu",
    "fabrique_de_territoire": "Fabrique de territoire",
    "manufacture_de_proximite": "Manufacture de proximité",
}


def kind_labels(kinds: pd.Series) -> pd.Series:
    """French names of third-place kinds (unknown kinds shown as they are)."""
    return kinds.map(THIRD_PLACE_KINDS).fillna(kinds)


def _tparams(territory: Territory) -> dict:
    return {"level": territory.level, "code": territory.code}


def third_places(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
    return queries.df(con, "ui_points_third_places", _tparams(territory))


def ptce(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
    return queries.df(con, "ui_points_ptce", _tparams(territory))


def reference_table(rows: list[tuple[Territory, dict]], lang: str = "fr") -> pd.DataFrame:
    """Territory, parent and France side by side (formatted strings)."""
    return pd.DataFrame(
        {
            "Territoire": [t.label for t, _ in rows],
            "Établissements ESS": [fmt.number(k["establishments"], lang=lang) for _, k in rows],
            "Pour 10 000 habitants": [fmt.number(k["per10k"], 1, lang) for _, k in rows],
            "Emplois estimés pour 1 000 habitants": [
                fmt.number(k["jobs_per1k"], 1, lang) for _, k in rows
            ],
            "Part d'employeurs": [fmt.percent(k["share_employer"], lang=lang) for _, k in rows],
            "Part en QPV": [fmt.percent(k["share_in_qpv"], lang=lang) for _, k in rows],
            "Part en QPV ou à 300 m": [
                fmt.percent(k["share_near_qpv"], lang=lang) for _, k in rows
            ],
        }
    )


def breakdown_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Catégorie": frame["label"],
            "Établissements": frame["establishments"],
            "Établissements employeurs": frame["employer_establishments"],
            "Emplois estimés": frame["employees_est"],
        }
    )


def map_table(frame: pd.DataFrame, family_labels: dict[str, str]) -> pd.DataFrame:
    """Table alternative of the establishment map (name, family, coordinates)."""
    return pd.DataFrame(
        {
            "Nom": frame["name"].fillna("(non diffusible)"),
            "Famille": frame["family"].map(family_labels).fillna(frame["family"]),
            "Longitude": frame["lon"].round(5),
            "Latitude": frame["lat"].round(5),
            "QPV": frame["qpv24"],
        }
    )
