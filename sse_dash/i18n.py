"""French is the language of the dashboard; English is a courtesy translation.

Texts are written in French in the code and translated here: `t("Territoire", "en")`. A text
missing from the dictionary stays in French (never an error)."""

from __future__ import annotations

LANGS = ("fr", "en")

EN: dict[str, str] = {
    "Vue d'ensemble": "Overview",
    "Territoire": "Territory",
    "Quartiers prioritaires": "Priority neighbourhoods",
    "Écosystème": "Ecosystem",
    "Comparer": "Compare",
    "Données & sources": "Data & sources",
    "Adresse en QPV ?": "Address in a QPV?",
    "Langue": "Language",
    "Niveau": "Level",
    "Rechercher un territoire": "Search a territory",
    "Choisir le territoire": "Choose the territory",
    "France": "France",
    "Région": "Region",
    "Département": "Département",
    "EPCI / EPT": "EPCI / EPT",
    "Commune": "Municipality",
    "Établissements ESS": "SSE establishments",
    "Établissements employeurs": "Employer establishments",
    "Emplois estimés": "Estimated jobs",
    "Part en QPV": "Share in QPV",
    "Part en QPV ou à moins de 300 m": "Share in or within 300 m of a QPV",
    "Pour 10 000 habitants": "Per 10,000 inhabitants",
    "Nombre d'établissements": "Number of establishments",
    "Indicateur": "Indicator",
    "Maille": "Map level",
    "Régions": "Regions",
    "Départements": "Départements",
    "Communes": "Municipalities",
    "Familles de l'ESS": "SSE families",
    "Secteurs d'activité (sections NAF)": "Sectors (NAF sections)",
    "Tranches d'effectifs": "Size bands",
    "Années de création": "Creation years",
    "Voir les données": "Show the data",
    "Carte": "Map",
    "Famille": "Family",
    "Secteur": "Sector",
    "Taille": "Size",
    "Toutes": "All",
    "Tous": "All",
    "Dans un QPV": "In a QPV",
    "Dans un QPV ou à moins de 300 m": "In or within 300 m of a QPV",
    "Employeurs uniquement": "Employers only",
    "Filtres": "Filters",
    "Couches": "Layers",
    "Tiers-lieux": "Third places",
    "PTCE": "PTCE (territorial clusters)",
    "Quartiers prioritaires 2024": "Priority neighbourhoods 2024",
    "Quartiers prioritaires 2015": "Priority neighbourhoods 2015",
    "Adresses vérifiées": "Checked addresses",
    "Nombre de QPV par région": "Number of QPV per region",
    "Provenance des données": "Data provenance",
    "Anomalies de construction": "Build issues",
    "Définitions": "Definitions",
    "Référence": "Reference",
    "Territoire parent": "Parent territory",
    "Distance (m)": "Distance (m)",
    "Question": "Question",
    "Établissements": "Establishments",
    "Population": "Population",
    "Code": "Code",
    "Nom": "Name",
    "Légende": "Legend",
    "Comparer avec le territoire parent et la France": "Compare with the parent territory and France",
    "Questions de proximité": "Proximity questions",
}


def t(text: str, lang: str = "fr") -> str:
    """`text` (French) in `lang`."""
    if lang == "en":
        return EN.get(text, text)
    return text
