"""Priority neighbourhoods (QPV): contours, indicators, SSE presence, detail of one QPV."""

from __future__ import annotations

import duckdb
import pandas as pd

from sse_dash import i18n, queries
from sse_dash.dashboard import points
from sse_dash.dashboard.territory import CODE_PATTERNS, Territory

GEOGRAPHIES = ("2024", "2015")
CODE_RE = CODE_PATTERNS["qpv"]


def valid_code(code: str | None) -> str | None:
    """The QPV code in canonical form if it looks like one, else None (never echoed raw)."""
    if not code or len(code) > 12:
        return None
    code = code.strip().upper()
    return code if CODE_RE.match(code) else None


def _params(territory: Territory, geography: str) -> dict:
    if geography not in GEOGRAPHIES:
        raise ValueError(f"géographie inconnue : {geography!r}")
    return {"geography": geography, "level": territory.level, "code": territory.code}


def contours(
    con: duckdb.DuckDBPyConnection, territory: Territory, geography: str = "2024"
) -> pd.DataFrame:
    """QPV of the territory with a GeoJSON `geometry` column (display geometry)."""
    return queries.df(con, "ui_qpv_map", _params(territory, geography))


def counts_by_region(con: duckdb.DuckDBPyConnection, geography: str = "2024") -> pd.DataFrame:
    return queries.df(con, "ui_qpv_counts_region", {"geography": geography})


def count(con: duckdb.DuckDBPyConnection, territory: Territory) -> tuple[int, float | None]:
    """Number of QPV 2024 of the territory and their population (None when unknown)."""
    found = queries.rows(con, "ui_qpv_count", {"level": territory.level, "code": territory.code})
    n, population = found[0] if found else (0, None)
    return int(n or 0), (float(population) if population is not None else None)


def table(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    geography: str = "2024",
    with_sse: bool = True,
) -> pd.DataFrame:
    """QPV of the territory with indicators and, when SIRENE is built, SSE counts inside and
    within 300 m (an establishment near two QPV counts for its nearest one)."""
    frame = queries.df(con, "ui_qpv_table", _params(territory, geography))
    if with_sse and geography == "2024" and not frame.empty:
        counts = queries.df(con, "ui_qpv_sse_counts", {"codes": frame["code"].tolist()})
        frame = frame.merge(counts, on="code", how="left")
        for col in ("sse_inside", "sse_employer_inside", "sse_300m"):
            frame[col] = frame[col].fillna(0).astype("int64")
        frame["jobs_inside"] = frame["jobs_inside"].fillna(0.0)
        population = frame["population"].where(frame["population"] > 0)
        frame["sse_per10k"] = frame["sse_inside"] / population * 10_000
    return frame


def commune_names(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """QPV code -> names of every commune it spans (« Aubervilliers, Saint-Denis »)."""
    if not codes:
        return {}
    return dict(queries.rows(con, "ui_qpv_commune_names", {"codes": list(codes)}))


def display_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Column headers in `lang` (French by default) for the QPV table (screen and exports)."""
    names = {
        "code": "Code QPV",
        "name": "Nom",
        "commune_name": "Commune principale",
        "population": "Population",
        "poverty_rate": "Taux de pauvreté (%)",
        "employment_rate": "Taux d'emploi (%)",
        "social_housing_rate": "Logements sociaux (%)",
        "youth_index": "Indice de jeunesse",
        "sse_inside": "Établissements ESS dans le QPV",
        "sse_employer_inside": "dont employeurs",
        "jobs_inside": "Emplois estimés dans le QPV",
        "sse_300m": "Établissements ESS à 300 m ou moins",
        "sse_per10k": "Établissements ESS pour 10 000 hab.",
    }
    keep = [c for c in names if c in frame]
    out = frame[keep].rename(columns={c: i18n.t(n, lang) for c, n in names.items()})
    return out


def uncertain_in_communes(con: duckdb.DuckDBPyConnection, code: str) -> int:
    """SSE establishments of the QPV's communes located too coarsely to say whether they are
    in it (random point in the commune, no coordinates): left out of its counts."""
    clean = valid_code(code)
    if clean is None:
        return 0
    found = queries.rows(con, "ui_qpv_uncertain", {"code": clean})
    return int(found[0][0]) if found else 0


def one(con: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    """One QPV with indicators and geometry, or None if the code is unknown/malformed."""
    clean = valid_code(code)
    if clean is None:
        return None
    found = queries.df(con, "ui_qpv_one", {"code": clean})
    if found.empty:
        return None
    record = found.iloc[0].to_dict()
    wkb = record.get("wkb")
    record["wkb"] = bytes(wkb) if wkb is not None and not isinstance(wkb, float) else None
    return record


def overlap(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """QPV of the other geography intersecting this one (2015 vs 2024)."""
    clean = valid_code(code)
    if clean is None:
        return pd.DataFrame(columns=["code", "name", "geography", "share", "geometry"])
    return queries.df(con, "ui_qpv_overlap", {"code": clean})


def establishments(
    con: duckdb.DuckDBPyConnection, code: str, radius: float = 300.0, limit: int = 5000
) -> pd.DataFrame:
    clean = valid_code(code)
    if clean is None:
        return pd.DataFrame()
    return queries.df(
        con,
        "ui_qpv_establishments",
        {"code": clean, "radius": float(radius), "limit": int(limit)},
    )


def overlap_table(frame: pd.DataFrame, geography: str, lang: str = "fr") -> pd.DataFrame:
    """QPV of the other geography overlapping the selected one (headers in `lang`)."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    share = i18n.tf(
        "Part de la surface du QPV {geography} recouverte (%)", lang, geography=geography
    )
    return pd.DataFrame(
        {
            "Code": frame["code"],
            t("Nom"): frame["name"],
            t("Géographie"): frame["geography"],
            share: (frame["share"] * 100).round(1),
        }
    )


def establishments_table(
    frame: pd.DataFrame, lang: str = "fr", family_labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """Establishments in and near one QPV; families named by `family_labels` (code -> label
    in the page's language) when given, else by the French label the query returns."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    family = frame["family_label"].fillna(frame["family"])
    if family_labels:
        family = frame["family"].map(family_labels).fillna(family)
    return pd.DataFrame(
        {
            "SIRET": frame["siret"],
            t("Nom"): frame["name"].fillna(t("(non diffusible)")),
            t("Famille"): family,
            "NAF": frame["naf"],
            t("Emplois estimés"): frame["employees_est"],
            t("Dans le QPV"): [
                t("oui") if isinstance(q, str) and q else t("non") for q in frame["qpv24"]
            ],
            t("Distance (m)"): frame["qpv24_distance_m"].round(0),
        }
    )


def third_places_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Nom"): frame["name"],
            "Type": points.kind_labels(frame["kind"], lang),
            t("Distance au contour (m)"): frame["distance_m"].round(0),
            t("Localisation"): [
                t("approximative (commune)") if p == "commune" else t("adresse")
                for p in frame["location_precision"]
            ],
        }
    )
