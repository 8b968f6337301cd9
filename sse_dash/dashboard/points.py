"""Points of interest (tiers-lieux, PTCE) and the small display tables of the Territoire page."""

from __future__ import annotations

import duckdb
import pandas as pd

from sse_dash import fmt, i18n, queries
from sse_dash.dashboard.territory import Territory

THIRD_PLACE_KINDS = {
    "tiers_lieu": "Tiers-lieu",
    "fabrique_de_territoire": "Fabrique de territoire",
    "manufacture_de_proximite": "Manufacture de proximité",
}


def kind_labels(kinds: pd.Series, lang: str = "fr") -> pd.Series:
    """Names of third-place kinds in `lang` (unknown kinds shown as they are)."""
    names = {k: i18n.t(v, lang) for k, v in THIRD_PLACE_KINDS.items()}
    return kinds.map(names).fillna(kinds)


def _tparams(territory: Territory) -> dict:
    return {"level": territory.level, "code": territory.code}


def third_places(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
    return queries.df(con, "ui_points_third_places", _tparams(territory))


def ptce(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
    return queries.df(con, "ui_points_ptce", _tparams(territory))


def reference_table(rows: list[tuple[Territory, dict]], lang: str = "fr") -> pd.DataFrame:
    """Territory, parent and France side by side (formatted strings)."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Territoire"): [x.label for x, _ in rows],
            t("Établissements ESS"): [fmt.number(k["establishments"], lang=lang) for _, k in rows],
            t("Pour 10 000 habitants"): [fmt.rate(k["per10k"], 1, lang) for _, k in rows],
            t("Emplois estimés pour 1 000 habitants"): [
                fmt.number(k["jobs_per1k"], 1, lang) for _, k in rows
            ],
            t("Part d'employeurs"): [fmt.percent(k["share_employer"], lang=lang) for _, k in rows],
            t("Part en QPV"): [fmt.percent(k["share_in_qpv"], lang=lang) for _, k in rows],
            t("Part en QPV ou à 300 m"): [
                fmt.percent(k["share_near_qpv"], lang=lang) for _, k in rows
            ],
            t("QPV incertain (localisation imprécise)"): [
                fmt.number(k.get("qpv_uncertain") or 0, lang=lang) for _, k in rows
            ],
        }
    )


def breakdown_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Catégorie"): frame["label"],
            t("Établissements"): frame["establishments"],
            t("Établissements employeurs"): frame["employer_establishments"],
            t("Emplois estimés"): frame["employees_est"],
        }
    )


def map_table(frame: pd.DataFrame, family_labels: dict[str, str], lang: str = "fr") -> pd.DataFrame:
    """Table alternative of the establishment map (name, family, coordinates)."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Nom"): frame["name"].fillna(t("(non diffusible)")),
            t("Famille"): frame["family"].map(family_labels).fillna(frame["family"]),
            "Longitude": frame["lon"].round(5),
            "Latitude": frame["lat"].round(5),
            "QPV": frame["qpv24"],
        }
    )
