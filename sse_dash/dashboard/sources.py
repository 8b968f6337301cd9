"""« Données & sources »: provenance and build issues in French, definitions of the indicators
(taken from sse_dash.sirene.mappings so that the page always says what the code does)."""

from __future__ import annotations

import pandas as pd

from sse_dash import i18n
from sse_dash.sirene import mappings as m

ISSUE_KINDS = {
    "geometry_repaired": "Géométrie réparée",
    "geometry_empty": "Géométrie vide",
    "commune_unmatched": "Commune introuvable",
    "commune_reconciled": "Commune rapprochée (code ancien ou arrondissement)",
    "row_dropped": "Ligne écartée",
}


def provenance_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Provenance with headers in `lang`; synthetic datasets flagged in words. Titles, notes
    and licences are the sources' own words and stay as recorded."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    date_format = "%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M"
    out = pd.DataFrame(
        {
            t("Jeu de données"): frame["title"].fillna(frame["dataset_id"]),
            t("Identifiant"): frame["dataset_id"],
            t("Producteur"): frame["publisher"],
            t("Millésime"): frame["vintage"],
            t("Licence"): frame["licence"],
            "Source": frame["source"],
            t("Récupéré le"): pd.to_datetime(frame["retrieved_at"]).dt.strftime(date_format),
            t("Lignes"): frame["rows"],
            t("Synthétique"): [t("oui — fictif") if s else t("non") for s in frame["synthetic"]],
            "Notes": frame["notes"],
        }
    )
    return out


def _issue_kinds(kinds: pd.Series, lang: str) -> list[str]:
    return [i18n.t(ISSUE_KINDS[k], lang) if k in ISSUE_KINDS else k for k in kinds]


def issues_summary_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Jeu de données"): frame["dataset_id"],
            t("Type d'anomalie"): _issue_kinds(frame["kind"], lang),
            t("Nombre"): frame["issues"],
            t("Exemple (code)"): frame["example_code"],
            t("Exemple (détail)"): frame["example"],
        }
    )


def issues_table(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("Jeu de données"): frame["dataset_id"],
            t("Type d'anomalie"): _issue_kinds(frame["kind"], lang),
            "Code": frame["code"],
            t("Détail"): frame["detail"],
        }
    )


def definitions(lang: str = "fr") -> list[tuple[str, str]]:
    """(title, markdown) pairs explaining the indicators."""
    return [(i18n.t(title, lang), i18n.t(body, lang)) for title, body in _DEFINITIONS]


_DEFINITIONS = [
    (
        "Périmètre de l'ESS",
        "Sont comptés les établissements **actifs** du répertoire SIRENE (INSEE) dont "
        "l'unité légale porte l'indicateur `economieSocialeSolidaireUniteLegale = O` "
        "(loi du 31 juillet 2014 : associations, coopératives, mutuelles, fondations et "
        "sociétés commerciales de l'ESS). Les unités non diffusibles sont comptées mais "
        "leur nom n'est jamais affiché.",
    ),
    (
        "Familles de l'ESS",
        "La famille est déduite de la catégorie juridique de l'unité légale (tableau "
        "ci-dessous) ; une catégorie inconnue est classée « Autres structures de l'ESS ».",
    ),
    (
        "Emplois estimés",
        "SIRENE ne donne qu'une **tranche d'effectifs** salariés. L'emploi estimé d'un "
        "établissement est le milieu de sa tranche (par exemple 4 pour « 3 à 5 "
        "salariés »). C'est un ordre de grandeur, pas une statistique d'emploi officielle "
        "(voir les publications de l'INSEE et d'ESS France). Un établissement est "
        "**employeur** si sa tranche est « 1 ou 2 salariés » ou plus.",
    ),
    (
        "Établissements en QPV et à proximité",
        "L'appartenance à un quartier prioritaire est calculée sur le contour officiel du "
        "QPV (jamais d'après le code commune : un QPV couvre une petite partie de sa "
        "commune). « À moins de 300 m » inclut les établissements situés dans le QPV. "
        "Les établissements sans coordonnées ne sont ni dans ni près d'un QPV.",
    ),
    (
        "Taux pour 10 000 habitants",
        "Nombre d'établissements rapporté à la population municipale du territoire "
        "(populations légales INSEE du millésime du code officiel géographique).",
    ),
    (
        "Tiers-lieux et PTCE",
        "Les tiers-lieux viennent du recensement France Tiers-Lieux ; les PTCE (pôles "
        "territoriaux de coopération économique) des listes publiques des appels à projets. "
        "Une localisation « approximative » est le centre de la commune ou du département.",
    ),
]


def definition_tables(lang: str = "fr") -> list[tuple[str, pd.DataFrame]]:
    """Mapping tables of the SIRENE pipeline. Legal categories and size bands keep their
    official INSEE wording (French)."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    tables = []
    families = {f[0]: (f[2] if lang == "en" else f[1]) for f in m.FAMILIES}
    legal = pd.DataFrame(
        [
            (code, label, families.get(m.family_of(code), m.family_of(code)))
            for code, label in sorted(m.LEGAL_CATEGORY_LABELS.items())
        ],
        columns=[t("Catégorie juridique"), t("Libellé"), t("Famille de l'ESS")],
    )
    tables.append((t("Catégories juridiques et familles de l'ESS"), legal))
    bands = pd.DataFrame(
        [(b[0], b[1], b[4], b[5]) for b in m.SIZE_BANDS],
        columns=[t("Tranche"), t("Libellé"), t("Emplois estimés"), t("Classe de taille")],
    )
    tables.append((t("Tranches d'effectifs et emplois estimés"), bands))
    return tables
