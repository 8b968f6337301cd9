"""SSE establishments: key figures, breakdowns, choropleth data and comparisons — for the
pages, the briefing pack and the static maps alike.

Key figures and breakdowns of a territory (Territoire page, briefing pack) read
`establishments` (with the page's filters); choropleths and comparisons read `agg_territory`,
which holds the same counts pre-aggregated."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from sse_dash import fmt, i18n, queries
from sse_dash import params as url
from sse_dash.dashboard import qpv as qpv_model
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard.territory import Territory

QPV_FILTERS = ("all", "in", "near")
QPV_FILTER_LABELS = {
    "all": "Tous",
    "in": "Dans un QPV",
    "near": "Dans un QPV ou à moins de 300 m",
}
SIZE_CLASS_LABELS = {
    "NN": "Non employeur",
    "0": "0 salarié au 31/12",
    "1-9": "1 à 9 salariés",
    "10-49": "10 à 49 salariés",
    "50-249": "50 à 249 salariés",
    "250+": "250 salariés ou plus",
}
SIZE_CLASS_ORDER = list(SIZE_CLASS_LABELS)
BREAKDOWN_DIMS = ("family", "naf_section", "size_class")
NOT_GIVEN = "Non renseigné"
INDICATORS = {
    "count": "Nombre d'établissements",
    "per10k": "Pour 10 000 habitants",
    "share_qpv": "Part en QPV",
}
CHOROPLETH_LEVELS = ("region", "departement", "epci", "commune")
_GEOMETRIES = {
    "region": "ui_geom_regions",
    "departement": "ui_geom_departements",
    "epci": "ui_geom_epci",
}


def size_class_labels(lang: str = "fr") -> dict[str, str]:
    """Size-class code -> label in `lang` (French by default)."""
    return {code: i18n.t(label, lang) for code, label in SIZE_CLASS_LABELS.items()}


@dataclass(frozen=True)
class Filters:
    """Page filters; None / 'all' / False mean « no filter »."""

    family: str | None = None
    sector: str | None = None
    size: str | None = None
    qpv: str = "all"
    employer: bool = False

    def params(self) -> dict:
        return {
            "family": self.family,
            "sector": self.sector,
            "size": self.size,
            "qpv": self.qpv if self.qpv in QPV_FILTERS else "all",
            "employer": bool(self.employer),
        }

    @property
    def active(self) -> bool:
        return self != NO_FILTERS


NO_FILTERS = Filters()


FILTER_DEFAULTS = {
    "famille": None,
    "secteur": None,
    "taille": None,
    "qpv_filtre": "all",
    "employeur": False,
}


def filter_readers(families: Collection[str], sectors: Collection[str]) -> dict[str, Callable]:
    """How each filter's URL value is read (sse_dash.params; raises params.Invalid): the one
    path for the Territoire page's widgets and for `parse_filters`."""
    return {
        "famille": lambda raw: url.choice(raw, families),
        "secteur": lambda raw: url.sector(raw, sectors),
        "taille": lambda raw: url.choice(raw, SIZE_CLASS_LABELS),
        "qpv_filtre": lambda raw: url.choice(raw, QPV_FILTERS),
        "employeur": url.flag,
    }


def parse_filters(
    params: dict[str, str | None],
    families: list[str],
    sectors: list[str],
) -> tuple[Filters, list[str]]:
    """Filters from URL values (the `export` command's options, written as the Territoire page
    writes its address), read as the page reads them (`filter_readers`); returns (filters,
    names of the parameters ignored because invalid)."""
    ignored = []
    values = {}
    for name, read in filter_readers(families, sectors).items():
        try:
            value = read(params.get(name))
        except url.Invalid:
            ignored.append(name)
            value = None
        values[name] = FILTER_DEFAULTS[name] if value is None else value
    return Filters(*values.values()), ignored


def _tparams(territory: Territory, filters: Filters) -> dict:
    """Parameters of the ui_sse_filter fragment: the territory, then the filters."""
    return {**terr.filter_params(territory), **filters.params()}


def families(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return queries.df(con, "ui_ref_families")


def sections(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return queries.df(con, "ui_ref_naf_sections")


def labels(con: duckdb.DuckDBPyConnection, dim: str, lang: str = "fr") -> dict[str, str]:
    """Code -> label for a breakdown dimension, the French label of the warehouse translated
    through the catalogue (sirene.mappings.translatable_labels)."""
    if dim == "family":
        frame = families(con)
        return {
            c: i18n.t(lab, lang) for c, lab in zip(frame["code"], frame["label_fr"], strict=True)
        }
    if dim == "naf_section":
        frame = sections(con)
        return {
            c: f"{c} — {i18n.t(lab, lang)}"
            for c, lab in zip(frame["code"], frame["label_fr"], strict=True)
        }
    if dim == "size_class":
        return size_class_labels(lang)
    raise ValueError(dim)


def with_rates(record: dict, population: float | None) -> dict:
    """Add per-10,000-inhabitant and QPV shares (None when the denominator is 0/unknown).
    Shares in / near a QPV are taken over the establishments located precisely enough to say
    (those whose QPV status is « incertain » are left out and counted in `qpv_uncertain`)."""
    n = record.get("establishments") or 0
    record["population"] = population
    record["per10k"] = n / population * 10_000 if population else None
    record["jobs_per1k"] = (
        (record.get("employees_est") or 0) / population * 1_000 if population else None
    )
    located = n - (record.get("qpv_uncertain") or 0)
    record["located"] = located
    record["share_uncertain"] = (record.get("qpv_uncertain") or 0) / n * 100 if n else None
    record["share_in_qpv"] = (record.get("in_qpv") or 0) / located * 100 if located else None
    record["share_near_qpv"] = (record.get("near_qpv300") or 0) / located * 100 if located else None
    record["share_employer"] = (record.get("employer_establishments") or 0) / n * 100 if n else None
    return record


def uncertain_note(record: dict, lang: str = "fr") -> str:
    """What the QPV shares leave out: « Sur 1 234 établissements bien localisés ; 56 … »."""
    return i18n.tf(
        "Part calculée sur {located} établissements bien localisés ; {uncertain} établissements "
        "localisés trop imprécisément pour dire s'ils sont en QPV (point placé au hasard dans "
        "la commune, ou sans coordonnées) ne sont pas comptés.",
        lang,
        located=fmt.number(record.get("located") or 0, lang=lang),
        uncertain=fmt.number(record.get("qpv_uncertain") or 0, lang=lang),
    )


def summary(
    con: duckdb.DuckDBPyConnection, territory: Territory, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """Total and breakdowns (family, NAF section, size class, creation year) of the territory
    with filters, from one scan: rows (dim, code, establishments, employer_establishments,
    employees_est, in_qpv, near_qpv300, qpv_uncertain)."""
    return queries.df(con, "ui_sse_summary", _tparams(territory, filters))


_COUNTS = (
    "establishments",
    "employer_establishments",
    "employees_est",
    "in_qpv",
    "near_qpv300",
    "qpv_uncertain",
)


def kpis_of(figures: pd.DataFrame, territory: Territory) -> dict:
    """Key figures and rates from a `summary` frame."""
    total = figures[figures["dim"] == "total"]
    record = {k: 0 for k in _COUNTS}
    if not total.empty:
        row = total.iloc[0]
        record = {k: (0 if pd.isna(row[k]) else row[k]) for k in _COUNTS}
    return with_rates(record, territory.population)


_BREAKDOWN_COLUMNS = ["code", "establishments", "employer_establishments", "employees_est"]


def code_labels(codes: list, names: dict[str, str], lang: str = "fr") -> list[str]:
    """Label of each code (unknown codes as they are; a missing code, None or NaN, reads
    « Non renseigné »)."""
    missing = i18n.t(NOT_GIVEN, lang)
    return [names.get(c, c) if isinstance(c, str) else missing for c in codes]


def _dim_arrays(figures: pd.DataFrame, dim: str, columns: list[str]) -> dict[str, np.ndarray]:
    mask = (figures["dim"] == dim).to_numpy()
    return {c: figures[c].to_numpy()[mask] for c in columns}


def breakdown_of(
    figures: pd.DataFrame, dim: str, names: dict[str, str], lang: str = "fr"
) -> pd.DataFrame:
    """One dimension of a `summary` frame with labels, largest first then by code (size
    classes in size order). An unknown `dim` is refused like an identifier outside the
    allow-list. Done on arrays: a few dozen rows, where pandas' selection and sorts cost
    ~3 ms a call (three calls per page rerun)."""
    queries.ident(dim, BREAKDOWN_DIMS)
    cols = _dim_arrays(figures, dim, _BREAKDOWN_COLUMNS)
    codes = [c if isinstance(c, str) else None for c in cols["code"].tolist()]
    counts = cols["establishments"].tolist()
    if dim == "size_class":
        rank = {c: i for i, c in enumerate(SIZE_CLASS_ORDER)}

        def key(i):
            return (rank.get(codes[i], len(rank)), -counts[i], codes[i] is None)
    else:

        def key(i):
            return (-counts[i], codes[i] is None, codes[i] or "")

    order = sorted(range(len(codes)), key=key)
    frame = pd.DataFrame({c: values[order] for c, values in cols.items()})
    ordered = [codes[i] for i in order]
    frame["code"] = ordered
    frame["label"] = code_labels(ordered, names, lang)
    return frame


def years_of(figures: pd.DataFrame) -> pd.DataFrame:
    """Establishments by creation year from a `summary` frame."""
    cols = _dim_arrays(figures, "year", ["code", "establishments"])
    pairs = sorted(
        (int(c), n)
        for c, n in zip(cols["code"].tolist(), cols["establishments"].tolist(), strict=True)
        if isinstance(c, str)
    )
    return pd.DataFrame(
        {
            "year": np.array([y for y, _ in pairs], dtype="int64"),
            "establishments": np.array([n for _, n in pairs], dtype=cols["establishments"].dtype),
        }
    )


def kpis(
    con: duckdb.DuckDBPyConnection, territory: Territory, filters: Filters = NO_FILTERS
) -> dict:
    """Key figures of the territory with filters, plus rates."""
    return kpis_of(queries.df(con, "ui_sse_totals", _tparams(territory, filters)), territory)


def breakdown(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    dim: str,
    filters: Filters = NO_FILTERS,
    lang: str = "fr",
) -> pd.DataFrame:
    """Establishments by family, NAF section or size class, with labels (`dim` is checked
    before any query runs)."""
    queries.ident(dim, BREAKDOWN_DIMS)
    return breakdown_of(summary(con, territory, filters), dim, labels(con, dim, lang), lang)


def points(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    filters: Filters = NO_FILTERS,
    limit: int = 5_000,
) -> pd.DataFrame:
    """Establishments for the table (all columns, by commune and SIRET), at most `limit`."""
    return queries.df(con, "ui_sse_points", {**_tparams(territory, filters), "limit": int(limit)})


# Columns of the full establishment export (CLI and Territoire page), in this order.
EXPORT_COLUMNS = (
    "siret",
    "nom",
    "famille",
    "famille_libelle",
    "naf",
    "nomenclature_naf",
    "libelle_naf",
    "section_naf",
    "tranche_effectifs",
    "tranche_effectifs_libelle",
    "employeur",
    "date_creation",
    "code_commune",
    "commune",
    "code_departement",
    "en_qpv_2024",
    "code_qpv_2024",
    "a_300m_ou_moins_qpv_2024",
    "qpv_2024_le_plus_proche",
    "distance_qpv_m",
    "precision_localisation",
    "longitude",
    "latitude",
)


def export_frame(
    con: duckdb.DuckDBPyConnection, territory: Territory, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """EVERY establishment of the territory under the filters (no limit), one row each, with
    the columns of EXPORT_COLUMNS: what `python -m sse_dash export etablissements` writes and
    what the Territoire page's download delivers. `nom` is empty for non-diffusible units;
    `en_qpv_2024` is « oui », « non » or « incertain » (sse_dash.sirene.location)."""
    frame = queries.df(con, "ui_sse_export", _tparams(territory, filters))
    frame["date_creation"] = pd.to_datetime(frame["date_creation"]).dt.date
    return frame[list(EXPORT_COLUMNS)]


def map_points(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    filters: Filters = NO_FILTERS,
    limit: int = 50_000,
) -> pd.DataFrame:
    """Located establishments for the map (siret, name, family, naf, qpv24, lon, lat), at
    most `limit`."""
    return queries.df(
        con, "ui_sse_map_points", {**_tparams(territory, filters), "limit": int(limit)}
    )


def _labelled(codes: pd.Series, labels: dict[str, str]) -> pd.Series:
    """Labels of codes; unknown codes are shown as they are (a dict lookup per row: 5x faster
    than Series.map + fillna on 5,000 rows)."""
    return pd.Series(
        [labels.get(c, c) for c in codes.tolist()], index=codes.index, dtype=codes.dtype
    )


def display_points(
    frame: pd.DataFrame,
    family_labels: dict[str, str],
    lang: str = "fr",
    commune_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Headers in `lang` (French by default) for the establishment table; communes by name
    and code when `commune_names` is given."""
    names = commune_names or {}
    communes = [f"{names[c]} ({c})" if c in names else c for c in frame["commune_code"]]
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            "SIRET": frame["siret"],
            t("Nom"): frame["name"].fillna(t("(non diffusible)")),
            t("Famille"): _labelled(frame["family"], family_labels),
            "NAF": frame["naf"],
            t("Taille"): _labelled(frame["size_class"], size_class_labels(lang)),
            t("Emplois estimés"): frame["employees_est"],
            t("Employeur"): np.where(
                frame["employer"].fillna(False).astype(bool), t("oui"), t("non")
            ),
            t("Création"): pd.to_datetime(frame["created"]).dt.date,
            t("Commune"): communes,
            t("En QPV 2024"): _labelled(frame["qpv24_status"], status_labels(lang)),
            "QPV": frame["qpv24"],
            t("Distance au QPV le plus proche (m)"): frame["qpv24_distance_m"].round(0),
        }
    )


def status_labels(lang: str = "fr") -> dict[str, str]:
    """« oui » / « non » / « incertain » in `lang`."""
    return {s: i18n.t(s, lang) for s in ("oui", "non", "incertain")}


# ---------------------------------------------------------------- pre-aggregated views
def totals(con: duckdb.DuckDBPyConnection, territories: list[Territory]) -> pd.DataFrame:
    """One row per territory (in the given order) with counts, rates, QPV count."""
    if not territories:
        return pd.DataFrame()
    keys = [f"{t.level}|{t.code}" for t in territories]
    agg = queries.df(con, "ui_agg_totals", {"keys": keys})
    rows = []
    for t in territories:
        hit = agg[(agg["level"] == t.level) & (agg["code"] == t.code)]
        base = {
            "establishments": 0,
            "employer_establishments": 0,
            "employees_est": 0.0,
            "in_qpv": 0,
            "near_qpv300": 0,
            "qpv_uncertain": 0,
        }
        if not hit.empty:
            base.update({k: hit.iloc[0][k] for k in base})
        count, population = qpv_model.count(con, t)
        record = {
            "key": t.key,
            "level": t.level,
            "code": t.code,
            "name": t.label,
            **{k: float(v) if v is not None else 0.0 for k, v in base.items()},
            "qpv": count,
            "qpv_population": population,
        }
        rows.append(with_rates(record, t.population))
    return pd.DataFrame(rows)


def choropleth(
    con: duckdb.DuckDBPyConnection, level: str, *, within: Territory | None = None
) -> pd.DataFrame:
    """Areas of `level` with counts and rates (areas without any establishment get 0):
    régions, départements (of a région when `within` is one), EPCI (of a région or a
    département), or the communes of `within`
    (never of all France: 35,000 communes are too heavy to draw)."""
    if level not in CHOROPLETH_LEVELS:
        raise ValueError(level)
    if level == "commune":
        if within is None or within.level == "france":
            raise ValueError("les communes ne sont cartographiées qu'au sein d'un territoire")
        geoms = terr.communes(con, within)
        agg = queries.df(con, "ui_agg_communes", terr.filter_params(within))
    else:
        reg = within.code if within is not None and within.level == "region" else None
        dep = within.code if within is not None and within.level == "departement" else None
        params = {"reg": reg, "dep": dep} if level == "epci" else {"reg": reg}
        geoms = queries.df(con, _GEOMETRIES[level], params)
        agg = queries.df(con, "ui_agg_level", {"level": level, "reg": reg, "dep": dep})
    frame = geoms.merge(agg, on="code", how="left")
    for col in (
        "establishments",
        "employer_establishments",
        "in_qpv",
        "near_qpv300",
        "qpv_uncertain",
    ):
        frame[col] = frame[col].fillna(0).astype("int64")
    frame["employees_est"] = frame["employees_est"].fillna(0.0)
    population = frame["population"].where(frame["population"] > 0)
    frame["per10k"] = frame["establishments"] / population * 10_000
    located = frame["establishments"] - frame["qpv_uncertain"]
    frame["share_qpv"] = (frame["in_qpv"] / located.where(located > 0)) * 100
    frame["count"] = frame["establishments"]
    return frame
