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
    "Outre-mer : valeurs dans le tableau « Voir les données ». Pour la carte des communes, choisissez un département (ou une de ses communes) à gauche.": "Overseas: values in the « Show the data » table. For the municipality map, choose a département (or one of its municipalities) on the left.",
    "Les établissements de l'ESS (SIRENE) ne sont pas encore dans la base : seules les données sur les quartiers prioritaires sont affichées.": "SSE establishments (SIRENE) are not in the database yet: only priority-neighbourhood data are shown.",
    "Ce tableau de bord présente l'**économie sociale et solidaire** (ESS) des territoires et sa présence dans les **quartiers prioritaires de la politique de la ville** (QPV). Choisissez un territoire dans le panneau de gauche, puis une page.": "This dashboard presents the **social and solidarity economy** (SSE) of French territories and its presence in **priority neighbourhoods** (QPV). Choose a territory in the left panel, then a page.",
    "Choisissez une région, un département, un EPCI ou une commune pour la carte.": "Choose a region, département, EPCI or municipality for the map.",
    "Chiffres calculés avec les filtres ci-dessus.": "Figures computed with the filters above.",
    "Les établissements de l'ESS (SIRENE) ne sont pas encore dans la base. Construisez-la avec `make data-dev` ou `python -m sse_dash data build`.": "SSE establishments (SIRENE) are not in the database yet. Build it with `make data-dev` or `python -m sse_dash data build`.",
    "**Établissements ESS dans le quartier et à 300 m ou moins**": "**SSE establishments in the neighbourhood and within 300 m**",
    "Aucun QPV de la géographie 2015 ne recoupe ce quartier dans la base.": "No QPV of the 2015 geography overlaps this neighbourhood in the database.",
    "**Géographies 2015 et 2024**": "**2015 and 2024 geographies**",
    "Le contour de ce quartier est vide dans la source : pas de carte possible.": "This neighbourhood's contour is empty in the source: no map possible.",
    "Ce code de quartier prioritaire est inconnu dans la base.": "This priority-neighbourhood code is unknown in the database.",
    "Indicateurs INSEE des QPV 2024 (vide quand la source n'en donne pas). Établissements ESS « à 300 m ou moins » : dans le QPV ou à moins de 300 m de son contour, comptés pour leur QPV le plus proche.": "INSEE indicators of the 2024 QPV (empty when the source has none). SSE establishments « within 300 m »: inside the QPV or less than 300 m from its contour, counted for their nearest QPV.",
    "Indicateurs des quartiers": "Neighbourhood indicators",
    "Pas de contours 2015 pour ce territoire dans la base.": "No 2015 contours for this territory in the database.",
    "Aucun quartier prioritaire (géographie 2024) dans ce territoire.": "No priority neighbourhood (2024 geography) in this territory.",
    "Choisissez une région, un département, un EPCI ou une commune dans le panneau de gauche pour afficher la carte et le tableau de ses quartiers prioritaires.": "Choose a region, département, EPCI or municipality in the left panel to show the map and table of its priority neighbourhoods.",
    "Les PTCE et certains tiers-lieux sont localisés au centre de leur commune (localisation approximative).": "PTCE and some third places are located at the centre of their municipality (approximate location).",
    "Les établissements ESS s'affichent pour une région, un département, un EPCI ou une commune (choisissez-en un dans le panneau de gauche).": "SSE establishments are shown for a region, département, EPCI or municipality (choose one in the left panel).",
    "Indicateurs": "Indicators",
    "Choisissez au moins deux territoires à comparer.": "Choose at least two territories to compare.",
    "Territoire choisi : France. Comparaison des régions ; choisissez un autre niveau à gauche.": "Territory: France. Regions are compared; choose another level on the left.",
    "Les établissements de l'ESS (SIRENE) ne sont pas encore dans la base.": "SSE establishments (SIRENE) are not in the database yet.",
    "Détail des anomalies": "Issue details",
    "Aucune anomalie enregistrée lors de la construction de la base.": "No issue recorded while building the database.",
    "Les établissements ESS de cette base viennent d'un **SIRENE synthétique** généré pour la démonstration : les chiffres ESS (établissements, emplois, familles, secteurs) sont **fictifs**. Les contours et indicateurs des QPV, les tiers-lieux et les PTCE sont des données réelles.": "The SSE establishments of this database come from a **synthetic SIRENE** generated for demonstration: SSE figures (establishments, jobs, families, sectors) are **fictitious**. QPV contours and indicators, third places and PTCE are real data.",
    "Données SIRENE synthétiques — chiffres fictifs, pour démonstration": "Synthetic SIRENE data — fictitious figures, for demonstration",
    "Le territoire indiqué dans l'adresse de la page (paramètre « territoire ») est inconnu ou mal formé. Affichage par défaut : France.": "The territory given in the page address (« territoire » parameter) is unknown or malformed. Showing France.",
    "Taux de pauvreté": "Poverty rate",
    "Taux d'emploi 15-64 ans": "Employment rate 15-64",
    "Logements sociaux": "Social housing",
    "Établissements ESS dans le QPV": "SSE establishments in the QPV",
    "Établissements ESS à 300 m ou moins": "SSE establishments within 300 m",
    "Détail d'un quartier": "Neighbourhood detail",
    "Habitants des QPV": "QPV inhabitants",
    "Afficher aussi les contours de 2015 (ancienne géographie, quand ils existent)": "Also show the 2015 contours (former geography, when available)",
    "Légende": "Legend",
    "Comparer avec le territoire parent et la France": "Compare with the parent territory and France",
    "Questions de proximité": "Proximity questions",
    # ---------------------------------------------------------------- shared page skeleton
    "ex. : saint-denis, 93066…": "e.g. saint-denis, 93066…",
    "Aucun territoire ne correspond à cette recherche.": "No territory matches this search.",
    "Base construite le {built} — catalogue « {catalog} »": (
        "Database built on {built} — catalogue « {catalog} »"
    ),
    "Première construction en cours : la géographie (QPV, territoires, tiers-lieux, PTCE) est "
    "disponible, les établissements de l'ESS (SIRENE) arrivent à la fin de la construction": (
        "First build in progress: the geography (QPV, territories, third places, PTCE) is "
        "available, SSE establishments (SIRENE) arrive at the end of the build"
    ),
    """**La base de données du tableau de bord n'est pas encore construite.**

Fichier attendu : `{path}`

Pour la construire :

- données de développement (sans réseau) : `make data-dev`
- données officielles : `python -m sse_dash data build` (ou `make data`)

Le dossier des données peut être choisi avec la variable d'environnement `SSE_DASH_DATA_DIR`.
Rechargez ensuite cette page.""": """**The dashboard database has not been built yet.**

Expected file: `{path}`

To build it:

- development data (no network): `make data-dev`
- official data: `python -m sse_dash data build` (or `make data`)

The data folder can be chosen with the `SSE_DASH_DATA_DIR` environment variable.
Then reload this page.""",
    """**La base de données n'a pas pu être ouverte.**

Fichier : `{path}` — elle est peut-être en cours de reconstruction ou endommagée.
Relancez `python -m sse_dash data build`, puis rechargez la page.""": """**The database could not be opened.**

File: `{path}` — it may be being rebuilt or damaged.
Run `python -m sse_dash data build` again, then reload the page.""",
    """**La base de données a été construite par une version antérieure du tableau de bord**
(schéma {found}, attendu {expected}) : certaines pages ne peuvent pas la lire.

Reconstruisez-la avec le bouton ci-dessous, `make data-dev` ou `python -m sse_dash data build`.""": """**The database was built by an earlier version of the dashboard**
(schema {found}, expected {expected}): some pages cannot read it.

Rebuild it with the button below, `make data-dev` or `python -m sse_dash data build`.""",
    "\n\nDétail : {error}": "\n\nDetail: {error}",
    "Paramètre(s) d'adresse ignoré(s) car inconnu(s) ou mal formé(s) : {listed}. Les valeurs "
    "par défaut sont utilisées.": (
        "Page address parameter(s) ignored because unknown or malformed: {listed}. Default "
        "values are used."
    ),
    "Export indisponible pour ce graphique.": "Export unavailable for this chart.",
    "Export indisponible pour ce tableau.": "Export unavailable for this table.",
    # ---------------------------------------------------------------- downloads
    "Export d'image indisponible sur ce serveur (Chromium introuvable) ; les données restent "
    "téléchargeables en CSV et XLSX.": (
        "Image export unavailable on this server (Chromium not found); the data can still be "
        "downloaded as CSV and XLSX."
    ),
    "Image {format}": "{format} image",
    "Image avec titre, territoire et sources, pour une note ou un diaporama": (
        "Image with title, territory and sources, for a note or a slide show"
    ),
    "Tableau CSV": "CSV table",
    "Tableau XLSX": "XLSX table",
    "Séparateur point-virgule, virgule décimale (Excel en français)": (
        "Semicolon separator, decimal comma (French Excel)"
    ),
    "Classeur Excel avec une feuille « Sources »": "Excel workbook with a « Sources » sheet",
    "Carte {format}": "{format} map",
    "Carte statique (contours, QPV, établissements, échelle, sources)": (
        "Static map (boundaries, QPV, establishments, scale, sources)"
    ),
    "La note de synthèse sera disponible une fois l'entrepôt de données construit.": (
        "The briefing note will be available once the data warehouse is built."
    ),
    "Format de la note de synthèse": "Briefing note format",
    "Préparer la note de synthèse": "Prepare the briefing note",
    "Préparation de la note (chiffres clés, graphiques, carte)…": (
        "Preparing the note (key figures, charts, map)…"
    ),
    "Note de synthèse impossible : {error}": "Briefing note impossible: {error}",
    "La note de synthèse n'a pas pu être générée ; réessayez plus tard.": (
        "The briefing note could not be generated; try again later."
    ),
    "Télécharger la note ({format})": "Download the note ({format})",
    # ---------------------------------------------------------------- data build panel
    "Construire / mettre à jour les données": "Build / update the data",
    "Catalogue": "Catalogue",
    "Catalogue configuré ({name})": "Configured catalogue ({name})",
    "Sources officielles (téléchargement)": "Official sources (download)",
    "Données de développement (../shared/data, SIRENE synthétique)": (
        "Development data (../shared/data, synthetic SIRENE)"
    ),
    "Échelle du SIRENE synthétique": "Scale of the synthetic SIRENE",
    "très petite (test)": "very small (test)",
    "développement (1/100, toute la France)": "development (1/100, all of France)",
    "Dossier des données : `{path}`. La base actuelle reste utilisée jusqu'à la fin de la "
    "construction.": (
        "Data folder: `{path}`. The current database stays in use until the build is finished."
    ),
    "Lancer la construction": "Start the build",
    "La construction des données est réservée à l'administrateur du service (voir "
    "docs/deploy.md).": (
        "Building the data is reserved for the service's administrator (see docs/deploy.md)."
    ),
    "Connecté en administrateur : {who}": "Signed in as administrator: {who}",
    "Se déconnecter": "Sign out",
    "Se connecter (administrateurs)": "Sign in (administrators)",
    "Les données sont mises à jour par l'administrateur du service (tâche de "
    "rafraîchissement mensuelle). Base actuelle construite le {built}.": (
        "The data are updated by the service's administrator (monthly refresh job). Current "
        "database built on {built}."
    ),
    "Base construite le {built}": "Database built on {built}",
    "Base construite le {built} — catalogue « {catalog} » — dossier `{path}`": (
        "Database built on {built} — catalogue « {catalog} » — folder `{path}`"
    ),
    """**La base de données du tableau de bord n'est pas encore construite.**

Administrateur du service : construisez-la sur le serveur avec `python -m sse_dash data build`
(ou `make data`, ou la tâche `refresh` d'un déploiement, voir docs/deploy.md), puis rechargez
cette page. Une première construction rend la géographie disponible avant la fin.""": """**The dashboard database has not been built yet.**

Service administrator: build it on the server with `python -m sse_dash data build`
(or `make data`, or the `refresh` job of a deployment, see docs/deploy.md), then reload
this page. A first build makes the geography available before it ends.""",
    """**La base de données n'a pas pu être ouverte.**

Elle est peut-être en cours de reconstruction ou endommagée. Réessayez dans quelques minutes ;
si le problème persiste, prévenez l'administrateur du service (`python -m sse_dash data build`
sur le serveur).""": """**The database could not be opened.**

It may be being rebuilt or damaged. Try again in a few minutes; if the problem persists,
tell the service's administrator (`python -m sse_dash data build` on the server).""",
    """**La base de données a été construite par une version antérieure du tableau de bord**
(schéma {found}, attendu {expected}) : certaines pages ne peuvent pas la lire.

Administrateur du service : reconstruisez-la avec `python -m sse_dash data build` (ou la tâche
`refresh` d'un déploiement), puis rechargez cette page.""": """**The database was built by an earlier version of the dashboard**
(schema {found}, expected {expected}): some pages cannot read it.

Service administrator: rebuild it with `python -m sse_dash data build` (or the `refresh`
job of a deployment), then reload this page.""",
    "Préparation…": "Preparing…",
    "Terminé": "Done",
    "La construction a échoué ({error}). La base existante est intacte.": (
        "The build failed ({error}). The existing database is intact."
    ),
    "Base construite : `{path}`. Rechargez la page pour l'utiliser.": (
        "Database built: `{path}`. Reload the page to use it."
    ),
    # ---------------------------------------------------------------- SSE labels and tables
    "Non employeur": "Non-employer",
    "0 salarié au 31/12": "0 employees on 31/12",
    "1 à 9 salariés": "1 to 9 employees",
    "10 à 49 salariés": "10 to 49 employees",
    "50 à 249 salariés": "50 to 249 employees",
    "250 salariés ou plus": "250 employees or more",
    "Non renseigné": "Not given",
    "(non diffusible)": "(not public)",
    "(nom non diffusible)": "(name not public)",
    " (localisation approximative)": " (approximate location)",
    "Employeur": "Employer",
    "Création": "Created",
    "Distance au QPV le plus proche (m)": "Distance to the nearest QPV (m)",
    "oui": "yes",
    "non": "no",
    "Catégorie": "Category",
    "Emplois estimés pour 1 000 habitants": "Estimated jobs per 1,000 inhabitants",
    "Part d'employeurs": "Share of employers",
    "Part en QPV ou à 300 m": "Share in or within 300 m of a QPV",
    "Tiers-lieu": "Third place",
    "Fabrique de territoire": "Fabrique de territoire (local hub)",
    "Manufacture de proximité": "Manufacture de proximité (local workshop)",
    "Couche": "Layer",
    "Au moins un salarié au 31 décembre (tranche d'effectifs SIRENE).": (
        "At least one employee on 31 December (SIRENE size band)."
    ),
    "Milieu de la tranche d'effectifs de chaque établissement : ordre de grandeur.": (
        "Middle of each establishment's size band: an order of magnitude."
    ),
    "Milieu de la tranche d'effectifs : ordre de grandeur.": (
        "Middle of the size band: an order of magnitude."
    ),
    "Établissements en QPV": "Establishments in a QPV",
    "Part en QPV (%)": "Share in QPV (%)",
    "Population municipale des QPV 2024 (INSEE), quand elle est connue.": (
        "Municipal population of the 2024 QPV (INSEE), when known."
    ),
    "Année": "Year",
    "Plus de {n} établissements : la carte n'en montre qu'une partie. Filtrez ou choisissez un "
    "territoire plus petit.": (
        "More than {n} establishments: the map shows only some of them. Filter or choose a "
        "smaller territory."
    ),
    "Voir les données ({n} premiers établissements)": "Show the data (first {n} establishments)",
    "{total} établissements ; {shown} affichés. Les noms des unités non diffusibles ne sont pas "
    "publiés.": (
        "{total} establishments; {shown} shown. Names of non-public units are not published."
    ),
    "Établissements ESS — {territory}": "SSE establishments — {territory}",
    # ---------------------------------------------------------------- QPV page
    "Code QPV": "QPV code",
    "Commune principale": "Main municipality",
    "Taux de pauvreté (%)": "Poverty rate (%)",
    "Taux d'emploi (%)": "Employment rate (%)",
    "Logements sociaux (%)": "Social housing (%)",
    "Indice de jeunesse": "Youth index",
    "dont employeurs": "of which employers",
    "Emplois estimés dans le QPV": "Estimated jobs in the QPV",
    "Établissements ESS pour 10 000 hab.": "SSE establishments per 10,000 inhab.",
    "{name} ({code}) — géographie {geography}": "{name} ({code}) — {geography} geography",
    "Commune principale : {commune}": "Main municipality: {commune}",
    "Part des logements sociaux (recalculée par la source, peut dépasser 100 %).": (
        "Share of social housing (recomputed by the source, may exceed 100%)."
    ),
    "Dans le QPV ou à moins de 300 m de son contour (QPV le plus proche).": (
        "In the QPV or less than 300 m from its contour (nearest QPV)."
    ),
    "Tiers-lieux à {distance} ou moins": "Third places within {distance}",
    "**Tiers-lieux à {distance} ou moins**": "**Third places within {distance}**",
    "Géographie": "Geography",
    "Part de la surface du QPV {geography} recouverte (%)": (
        "Share of the {geography} QPV area covered (%)"
    ),
    "Dans le QPV": "In the QPV",
    "Distance au contour (m)": "Distance to the contour (m)",
    "Localisation": "Location",
    "approximative (commune)": "approximate (municipality)",
    "adresse": "address",
    # ---------------------------------------------------------------- Écosystème
    "Tiers-lieux à moins de N m d'un QPV": "Third places less than N m from a QPV",
    "QPV sans établissement ESS à moins de N m": "QPV without SSE establishments within N m",
    "Établissements ESS d'un secteur à moins de N m d'un PTCE": (
        "SSE establishments of a sector less than N m from a PTCE"
    ),
    "Plus de {n} établissements : seule une partie est cartographiée. Choisissez un territoire "
    "plus petit.": (
        "More than {n} establishments: only some are mapped. Choose a smaller territory."
    ),
    "**{n}** tiers-lieux de {territory} à {distance} ou moins d'un quartier prioritaire.": (
        "**{n}** third places of {territory} within {distance} of a priority neighbourhood."
    ),
    "**{n}** QPV sur {total} sans établissement ESS à {distance} ou moins de leur contour.": (
        "**{n}** QPV out of {total} without any SSE establishment within {distance} of their "
        "contour."
    ),
    "**{n}** établissements ESS du secteur {sector} à {distance} ou moins d'un PTCE de "
    "{territory}.": (
        "**{n}** SSE establishments of sector {sector} within {distance} of a PTCE of {territory}."
    ),
    "**{n}** établissements ESS à {distance} ou moins d'un PTCE de {territory}.": (
        "**{n}** SSE establishments within {distance} of a PTCE of {territory}."
    ),
    "QPV le plus proche": "Nearest QPV",
    "Établissements ESS à la distance choisie": "SSE establishments within the chosen distance",
    "PTCE le plus proche": "Nearest PTCE",
    # ---------------------------------------------------------------- Comparer
    "Territoires à comparer ({level}, 2 à 4)": "Territories to compare ({level}, 2 to 4)",
    "Référence : {reference}. « indice » = valeur rapportée à la référence (référence = 100) ; "
    "« rang » parmi les territoires comparés (1 = valeur la plus élevée).": (
        "Reference: {reference}. « index » = value relative to the reference (reference = 100); "
        "« rank » among the compared territories (1 = highest value)."
    ),
    "Comparaison": "Comparison",
    " (référence)": " (reference)",
    "indice {n}": "index {n}",
    "rang {n}": "rank {n}",
    "Indice (référence = 100)": "Index (reference = 100)",
    "Rang": "Rank",
    "Établissements ESS pour 10 000 habitants": "SSE establishments per 10,000 inhabitants",
    "Part d'établissements employeurs": "Share of employer establishments",
    "Part des établissements en QPV": "Share of establishments in a QPV",
    "Nombre de QPV 2024": "Number of 2024 QPV",
    # ---------------------------------------------------------------- Données & sources
    "Jeu de données": "Dataset",
    "Identifiant": "Identifier",
    "Producteur": "Publisher",
    "Millésime": "Vintage",
    "Licence": "Licence",
    "Récupéré le": "Retrieved on",
    "Lignes": "Rows",
    "Synthétique": "Synthetic",
    "oui — fictif": "yes — fictitious",
    "Type d'anomalie": "Issue type",
    "Nombre": "Count",
    "Exemple (code)": "Example (code)",
    "Exemple (détail)": "Example (detail)",
    "Détail": "Detail",
    "Géométrie réparée": "Geometry repaired",
    "Géométrie vide": "Empty geometry",
    "Commune introuvable": "Municipality not found",
    "Commune rapprochée (code ancien ou arrondissement)": (
        "Municipality matched (former code or arrondissement)"
    ),
    "Ligne écartée": "Row dropped",
    "Mise à jour": "Update",
    "Catégorie juridique": "Legal category",
    "Libellé": "Label",
    "Famille de l'ESS": "SSE family",
    "Catégories juridiques et familles de l'ESS": "Legal categories and SSE families",
    "Tranche": "Band",
    "Classe de taille": "Size class",
    "Tranches d'effectifs et emplois estimés": "Size bands and estimated jobs",
    "Périmètre de l'ESS": "Scope of the SSE",
    "Sont comptés les établissements **actifs** du répertoire SIRENE (INSEE) dont l'unité "
    "légale porte l'indicateur `economieSocialeSolidaireUniteLegale = O` (loi du 31 juillet "
    "2014 : associations, coopératives, mutuelles, fondations et sociétés commerciales de "
    "l'ESS). Les unités non diffusibles sont comptées mais leur nom n'est jamais affiché.": (
        "Counted are the **active** establishments of the SIRENE register (INSEE) whose legal "
        "unit carries the flag `economieSocialeSolidaireUniteLegale = O` (law of 31 July 2014: "
        "associations, cooperatives, mutual societies, foundations and SSE commercial "
        "companies). Non-public units are counted but their name is never shown."
    ),
    "La famille est déduite de la catégorie juridique de l'unité légale (tableau ci-dessous) ; "
    "une catégorie inconnue est classée « Autres structures de l'ESS ».": (
        "The family is derived from the legal category of the legal unit (table below); an "
        "unknown category is classed as « Other SSE organisations »."
    ),
    "SIRENE ne donne qu'une **tranche d'effectifs** salariés. L'emploi estimé d'un "
    "établissement est le milieu de sa tranche (par exemple 4 pour « 3 à 5 salariés »). C'est "
    "un ordre de grandeur, pas une statistique d'emploi officielle (voir les publications de "
    "l'INSEE et d'ESS France). Un établissement est **employeur** si sa tranche est « 1 ou 2 "
    "salariés » ou plus.": (
        "SIRENE only gives a **size band** of employees. The estimated employment of an "
        "establishment is the middle of its band (for example 4 for « 3 to 5 employees »). It "
        "is an order of magnitude, not an official employment statistic (see the publications "
        "of INSEE and ESS France). An establishment is an **employer** if its band is « 1 or 2 "
        "employees » or more."
    ),
    "Établissements en QPV et à proximité": "Establishments in and near a QPV",
    "L'appartenance à un quartier prioritaire est calculée sur le contour officiel du QPV "
    "(jamais d'après le code commune : un QPV couvre une petite partie de sa commune). « À "
    "moins de 300 m » inclut les établissements situés dans le QPV. Les établissements sans "
    "coordonnées ne sont ni dans ni près d'un QPV.": (
        "Being in a priority neighbourhood is computed on the official QPV contour (never from "
        "the municipality code: a QPV covers a small part of its municipality). « Within "
        "300 m » includes the establishments inside the QPV. Establishments without "
        "coordinates are neither in nor near a QPV."
    ),
    "Taux pour 10 000 habitants": "Rate per 10,000 inhabitants",
    "Nombre d'établissements rapporté à la population municipale du territoire (populations "
    "légales INSEE du millésime du code officiel géographique).": (
        "Number of establishments divided by the municipal population of the territory (INSEE "
        "legal populations of the official geographic code's vintage)."
    ),
    "Tiers-lieux et PTCE": "Third places and PTCE",
    "Les tiers-lieux viennent du recensement France Tiers-Lieux ; les PTCE (pôles territoriaux "
    "de coopération économique) des listes publiques des appels à projets. Une localisation "
    "« approximative » est le centre de la commune ou du département.": (
        "Third places come from the France Tiers-Lieux census; PTCE (territorial clusters of "
        "economic cooperation) from the public lists of the calls for projects. An "
        "« approximate » location is the centre of the municipality or of the département."
    ),
    # ---------------------------------------------------------------- Adresse en QPV ?
    "Chargement des contours des QPV…": "Loading the QPV contours…",
    "Indique si une adresse (ou chaque ligne d'un fichier) se trouve dans un quartier "
    "prioritaire de la politique de la ville (géographie 2024), à quelle distance du QPV le "
    "plus proche, et le statut dans la géographie 2015 lorsqu'elle est chargée. L'appartenance "
    "est calculée sur le contour du quartier, jamais sur le code commune.": (
        "Tells whether an address (or each row of a file) lies in a priority neighbourhood of "
        "urban policy (2024 geography), how far the nearest QPV is, and the status in the 2015 "
        "geography when it is loaded. Membership is computed on the neighbourhood's contour, "
        "never on the municipality code."
    ),
    "Une adresse": "One address",
    "Un fichier d'adresses": "A file of addresses",
    "Géocodeur": "Geocoder",
    "Géoplateforme IGN (service en ligne, adresses envoyées à l'IGN)": (
        "IGN Géoplateforme (online service, addresses sent to IGN)"
    ),
    "Aucun (coordonnées uniquement)": "None (coordinates only)",
    "Adresse ou coordonnées": "Address or coordinates",
    "ex. : 12 rue de la République 93200 Saint-Denis — ou 2,3601 ; 48,9362": (
        "e.g. 12 rue de la République 93200 Saint-Denis — or 2.3601 ; 48.9362"
    ),
    "Coordonnées : longitude puis latitude en degrés (WGS84), ou X puis Y en mètres "
    "(Lambert-93). L'ordre inversé est détecté.": (
        "Coordinates: longitude then latitude in degrees (WGS84), or X then Y in metres "
        "(Lambert-93). The reverse order is detected."
    ),
    "Vérifier": "Check",
    "Vérification impossible pour le moment. Réessayez avec des coordonnées.": (
        "Check impossible for the moment. Try again with coordinates."
    ),
    "Cliquez sur la carte pour vérifier un point.": "Click on the map to check a point.",
    "Clic non exploitable.": "Unusable click.",
    "**Dans un QPV 2024** : {name} ({code})": "**In a 2024 QPV**: {name} ({code})",
    "**Hors QPV 2024**": "**Outside the 2024 QPV**",
    "Adresse trouvée": "Address found",
    "Score de géocodage": "Geocoding score",
    "Précision": "Precision",
    "numéro": "house number",
    "voie": "street",
    "lieu-dit": "locality",
    "commune": "municipality",
    "Coordonnées (lon, lat)": "Coordinates (lon, lat)",
    "En QPV 2024": "In a 2024 QPV",
    "Code du QPV": "QPV code",
    "Nom du QPV": "QPV name",
    "Commune(s) du QPV": "Municipality(ies) of the QPV",
    "Commune du point": "Municipality of the point",
    "À moins de 300 m d'un QPV": "Within 300 m of a QPV",
    "Résultat": "Result",
    "Autres adresses proposées par le géocodeur": "Other addresses suggested by the geocoder",
    "Adresse": "Address",
    "Fichier illisible : enregistrez-le en CSV (UTF-8, séparateur ;) ou en XLSX.": (
        "Unreadable file: save it as CSV (UTF-8, separator ;) or XLSX."
    ),
    "Aucune colonne d'adresse ou de coordonnées n'a été reconnue : choisissez-les ci-dessous.": (
        "No address or coordinate column was recognised: choose them below."
    ),
    "Comment les lignes sont-elles localisées ?": "How are the rows located?",
    "Une colonne avec l'adresse complète": "One column with the full address",
    "Numéro, voie, code postal, commune en colonnes séparées": (
        "Number, street, postcode, municipality in separate columns"
    ),
    "Longitude / latitude (WGS84, degrés)": "Longitude / latitude (WGS84, degrees)",
    "X / Y Lambert-93 (mètres)": "X / Y Lambert-93 (metres)",
    "— aucune —": "— none —",
    "Adresse complète": "Full address",
    "Numéro": "Number",
    "Voie": "Street",
    "Code postal": "Postcode",
    "X (Lambert-93)": "X (Lambert-93)",
    "Y (Lambert-93)": "Y (Lambert-93)",
    "Longitude": "Longitude",
    "Latitude": "Latitude",
    "**Fichier CSV ou Excel (XLSX)** — limites : {limits}": (
        "**CSV or Excel (XLSX) file** — limits: {limits}"
    ),
    "Le fichier reste en mémoire le temps de la session : il n'est ni enregistré ni journalisé. "
    "Avec le géocodeur de l'IGN, les colonnes d'adresse sont envoyées au service de la "
    "Géoplateforme.": (
        "The file stays in memory for the session: it is neither saved nor logged. With the IGN "
        "geocoder, the address columns are sent to the Géoplateforme service."
    ),
    "Déposer le fichier": "Drop the file",
    "Classeur Excel, {rows} lignes": "Excel workbook, {rows} rows",
    "CSV {encoding}, séparateur {separator}, {rows} lignes, {columns} colonnes": (
        "CSV {encoding}, separator {separator}, {rows} rows, {columns} columns"
    ),
    "point-virgule": "semicolon",
    "virgule": "comma",
    "tabulation": "tab",
    "barre |": "bar |",
    "Lancer la vérification": "Start the check",
    "Annuler": "Cancel",
    "Vérification en cours…": "Check in progress…",
    "Vérification annulée : les lignes non traitées portent le statut « annulé ».": (
        "Check cancelled: the rows not processed have the status « annulé »."
    ),
    "Localisées": "Located",
    "Hors QPV, à moins de 300 m": "Outside a QPV, within 300 m",
    "Aucune ligne n'a pu être localisée : vérifiez les colonnes choisies et le géocodeur.": (
        "No row could be located: check the chosen columns and the geocoder."
    ),
    "**Lignes par QPV**": "**Rows by QPV**",
    "**Lignes par statut**": "**Rows by status**",
    "Statut": "Status",
    "**Résultats** (colonnes d'origine inchangées, suivies des colonnes ajoutées)": (
        "**Results** (original columns unchanged, followed by the added columns; added columns "
        "and statuses are named in French, as in the downloaded file)"
    ),
    "Télécharger (CSV)": "Download (CSV)",
    "Préparer le fichier Excel": "Prepare the Excel file",
    "Écriture du fichier Excel…": "Writing the Excel file…",
    "Télécharger (Excel)": "Download (Excel)",
    "Carte : {drawn} points affichés sur {located}.": "Map: {drawn} points shown out of {located}.",
    "Garder comme couche de carte": "Keep as a map layer",
    "Point vérifié": "Checked point",
    "Points gardés : ils s'affichent comme couche sur la carte de la page Écosystème.": (
        "Points kept: they are shown as a layer on the map of the Ecosystem page."
    ),
    # Messages and statuses of sse_dash.qpvcheck, shown through i18n.t_known.
    "Entrepôt de données introuvable : lancez d'abord « python -m sse_dash data build ».": (
        "Data warehouse not found: first run « python -m sse_dash data build »."
    ),
    "Saisissez deux nombres : longitude et latitude, ou X et Y Lambert-93.": (
        "Enter two numbers: longitude and latitude, or Lambert-93 X and Y."
    ),
    "Saisissez exactement deux nombres : longitude et latitude (ex. 2,35 ; 48,85) ou X et Y "
    "Lambert-93 (ex. 652000 ; 6862000).": (
        "Enter exactly two numbers: longitude and latitude (e.g. 2.35 ; 48.85) or Lambert-93 X "
        "and Y (e.g. 652000 ; 6862000)."
    ),
    "Coordonnées illisibles : saisissez deux nombres.": "Unreadable coordinates: enter two numbers.",
    "Coordonnées hors de France : saisissez longitude puis latitude en degrés (WGS84, ex. "
    "2,35 ; 48,85) ou X puis Y en mètres (Lambert-93, ex. 652000 ; 6862000).": (
        "Coordinates outside France: enter longitude then latitude in degrees (WGS84, e.g. "
        "2.35 ; 48.85) or X then Y in metres (Lambert-93, e.g. 652000 ; 6862000)."
    ),
    "Longitude et latitude semblaient inversées : elles ont été remises dans l'ordre.": (
        "Longitude and latitude seemed swapped: they were put back in order."
    ),
    "Coordonnées lues en Lambert-93 (mètres) et converties en WGS84.": (
        "Coordinates read as Lambert-93 (metres) and converted to WGS84."
    ),
    "Saisissez une adresse ou des coordonnées.": "Enter an address or coordinates.",
    "Adresse introuvable : vérifiez l'orthographe, ajoutez la commune.": (
        "Address not found: check the spelling, add the municipality."
    ),
    "Ce fichier est localisé par adresse : choisissez le géocodeur de l'IGN, ou indiquez des "
    "colonnes de coordonnées.": (
        "This file is located by address: choose the IGN geocoder, or give coordinate columns."
    ),
    "Aucune adresse n'a pu être géocodée.": "No address could be geocoded.",
    "Aucune ligne n'a de coordonnées utilisables.": "No row has usable coordinates.",
    "Le fichier est vide.": "The file is empty.",
    "Ce fichier .xlsx n'est pas un classeur Excel valide (contenu illisible).": (
        "This .xlsx file is not a valid Excel workbook (unreadable content)."
    ),
    "Ancien format Excel (.xls) non pris en charge : enregistrez le fichier en .xlsx ou CSV.": (
        "Old Excel format (.xls) not supported: save the file as .xlsx or CSV."
    ),
    "Fichier UTF-16 illisible (encodage incohérent).": "Unreadable UTF-16 file (inconsistent encoding).",
    "Le fichier ne ressemble pas à un CSV (contenu binaire). Exportez vos données en CSV ou en "
    "XLSX.": "The file does not look like a CSV (binary content). Export your data as CSV or XLSX.",
    "Le fichier ne ressemble pas à un CSV (caractères de contrôle). Exportez vos données en CSV "
    "ou en XLSX.": (
        "The file does not look like a CSV (control characters). Export your data as CSV or XLSX."
    ),
    "CSV mal formé : certaines lignes ont plus de champs que la ligne d'en-tête. Vérifiez les "
    "guillemets et le séparateur.": (
        "Malformed CSV: some rows have more fields than the header row. Check the quotes and "
        "the separator."
    ),
    "Le fichier ne contient qu'une ligne d'en-tête, aucune donnée.": (
        "The file only contains a header row, no data."
    ),
    "Classeur Excel illisible (fichier abîmé ou format non pris en charge).": (
        "Unreadable Excel workbook (damaged file or unsupported format)."
    ),
    "Avec une voie seule, indiquez aussi la colonne du code postal ou de la commune.": (
        "With a street alone, also give the postcode or municipality column."
    ),
    "Une même colonne est choisie pour deux rôles différents.": (
        "The same column is chosen for two different roles."
    ),
    "Erreur inattendue pendant la vérification. Réessayez ou découpez le fichier.": (
        "Unexpected error during the check. Try again or split the file."
    ),
    "géographie 2015 non chargée pour ce secteur": "2015 geography not loaded for this area",
    "hors QPV 2015": "outside the 2015 QPV",
    "ok (longitude et latitude inversées, corrigées)": "ok (longitude and latitude swapped, fixed)",
    "coordonnées manquantes": "missing coordinates",
    "coordonnées illisibles": "unreadable coordinates",
    "coordonnées hors France": "coordinates outside France",
    "à vérifier (score de géocodage faible)": "to check (low geocoding score)",
    "à vérifier (localisé à la voie ou à la commune)": (
        "to check (located at the street or municipality)"
    ),
    "non géocodé (adresse introuvable)": "not geocoded (address not found)",
    "non géocodé (adresse vide)": "not geocoded (empty address)",
    "non géocodé (service de géocodage indisponible)": (
        "not geocoded (geocoding service unavailable)"
    ),
    "non géocodé (réponse incomplète du service)": "not geocoded (incomplete service response)",
    "non géocodé (géocodage annulé)": "not geocoded (geocoding cancelled)",
    "Fichier trop volumineux ({size} Mo) : la limite est de {limit} Mo. Découpez-le en "
    "plusieurs fichiers.": "File too large ({size} MB): the limit is {limit} MB. Split it into "
    "several files.",
    "Trop de lignes : le fichier en contient plus de {limit} (sans compter l'en-tête). "
    "Découpez-le en plusieurs parties.": (
        "Too many rows: the file has more than {limit} (header not counted). Split it into "
        "several parts."
    ),
    "Trop de colonnes ({width}) : la limite est de {limit} colonnes. Gardez seulement les "
    "colonnes utiles.": "Too many columns ({width}): the limit is {limit} columns. Keep only "
    "the useful columns.",
    "Fichier trop grand : plus de {limit} cellules (lignes × colonnes). Découpez-le ou gardez "
    "seulement les colonnes utiles.": (
        "File too large: more than {limit} cells (rows × columns). Split it or keep only the "
        "useful columns."
    ),
    "CSV mal formé (ligne {line}) : le nombre de champs varie d'une ligne à l'autre. Vérifiez "
    "les guillemets et le séparateur.": (
        "Malformed CSV (line {line}): the number of fields varies from row to row. Check the "
        "quotes and the separator."
    ),
    "CSV mal formé : le nombre de champs varie d'une ligne à l'autre. Vérifiez les guillemets "
    "et le séparateur.": (
        "Malformed CSV: the number of fields varies from row to row. Check the quotes and the "
        "separator."
    ),
    "Encodage reconnu : {encoding}. Vérifiez les accents dans l'aperçu ; au besoin, "
    "enregistrez le fichier en CSV UTF-8.": (
        "Encoding recognised: {encoding}. Check the accents in the preview; if needed, save the "
        "file as UTF-8 CSV."
    ),
    "Aucune donnée dans les {run} lignes qui suivent l'en-tête (ligne {row}) : les lignes plus "
    "bas (à partir de la ligne {next}) ne sont pas lues.": (
        "No data in the {run} rows after the header (row {row}): the rows further down (from "
        "row {next}) are not read."
    ),
    "Classeur trop volumineux une fois décompressé (plus de {size} Mo de données) : "
    "enregistrez-le en CSV ou découpez-le.": (
        "Workbook too large once decompressed (more than {size} MB of data): save it as CSV "
        "or split it."
    ),
    "Lecture du classeur interrompue au bout de {seconds} secondes : le fichier est trop "
    "lourd. Enregistrez-le en CSV ou découpez-le.": (
        "Reading the workbook stopped after {seconds} seconds: the file is too heavy. Save it "
        "as CSV or split it."
    ),
    "Cellule trop longue ({ref}) : une cellule Excel contient au plus {limit} caractères. "
    "Vérifiez le fichier.": (
        "Cell too long ({ref}): an Excel cell holds at most {limit} characters. Check the file."
    ),
    "Cellule trop longue (texte partagé n° {n}) : une cellule Excel contient au plus {limit} "
    "caractères. Vérifiez le fichier.": (
        "Cell too long (shared text no. {n}): an Excel cell holds at most {limit} characters. "
        "Check the file."
    ),
    "Cellule trop longue (plus de 10 millions de caractères) : une cellule Excel contient au "
    "plus {limit} caractères. Vérifiez le fichier.": (
        "Cell too long (over 10 million characters): an Excel cell holds at most {limit} "
        "characters. Check the file."
    ),
    "Trop de lignes : le classeur en contient plus de {limit} (sans compter l'en-tête). "
    "Découpez le fichier en plusieurs parties.": (
        "Too many rows: the workbook has more than {limit} (header not counted). Split the file "
        "into several parts."
    ),
    "Trop de colonnes : le classeur a des cellules jusqu'en colonne {col} (ligne {row}) ; la "
    "limite est de {limit} colonnes.": (
        "Too many columns: the workbook has cells up to column {col} (row {row}); the limit is "
        "{limit} columns."
    ),
    "Fichier trop grand : plus de {limit} cellules remplies. Découpez-le ou gardez seulement "
    "les colonnes utiles.": (
        "File too large: more than {limit} filled cells. Split it or keep only the useful columns."
    ),
    "Lecture arrêtée après la ligne {last} : plus de {run} lignes vides suivent. Les lignes à "
    "partir de la ligne {next} ne sont pas lues.": (
        "Reading stopped after row {last}: more than {run} empty rows follow. The rows from row "
        "{next} on are not read."
    ),
    "{n} ligne(s) avaient longitude et latitude inversées : corrigées.": (
        "{n} row(s) had longitude and latitude swapped: fixed."
    ),
    "Le fichier {kind} n'a pas pu être écrit ; les résultats ci-dessus et l'autre format "
    "restent disponibles.": (
        "The {kind} file could not be written; the results above and the other format remain "
        "available."
    ),
    "{rows} lignes, {columns} colonnes et {size} Mo au plus (CSV ou XLSX).": (
        "{rows} rows, {columns} columns and {size} MB at most (CSV or XLSX)."
    ),
    "Score de géocodage faible ({score}) : vérifiez que l'adresse trouvée est la bonne.": (
        "Low geocoding score ({score}): check that the address found is the right one."
    ),
    "Adresse trouvée au niveau « {level} » et non au numéro : la réponse tient compte de cette "
    "précision (« incertain » près d'une limite de QPV).": (
        "Address found at the « {level} » level, not the house number: the answer takes this "
        "precision into account (« uncertain » near a QPV boundary)."
    ),
    # « incertain »: location precision (sse_dash.qpvcheck.precision)
    "incertain": "uncertain",
    "Incertain": "Uncertain",
    "Hors QPV": "Outside QPV",
    "Réponse": "Answer",
    "**Incertain** : l'adresse n'est pas localisée assez précisément pour répondre.": (
        "**Uncertain**: the address is not located precisely enough to answer."
    ),
    "Oui : dans le QPV {name} ({code}).": "Yes: in the QPV {name} ({code}).",
    "Non : aucun QPV 2024 dans ce territoire.": "No: no 2024 QPV in this territory.",
    "Non : QPV le plus proche {name} ({code}) à {distance}.": (
        "No: nearest QPV {name} ({code}) at {distance}."
    ),
    "Incertain : {reason}": "Uncertain: {reason}",
    "QPV le plus proche {name} ({code}) à {distance}, mais l'adresse n'est localisée qu'à "
    "{radius} près ({level}).": (
        "Nearest QPV {name} ({code}) at {distance}, but the address is only located to within "
        "{radius} ({level})."
    ),
    "Le point trouvé est dans le QPV {name} ({code}), à {edge} de sa limite, mais l'adresse "
    "n'est localisée qu'à {radius} près ({level}).": (
        "The point found is in the QPV {name} ({code}), {edge} from its boundary, but the "
        "address is only located to within {radius} ({level})."
    ),
    "La localisation de l'adresse ({level}) n'a pas de précision connue ; QPV le plus proche "
    "du point trouvé : {name} ({code}).": (
        "The address's location ({level}) has no known precision; QPV nearest to the point "
        "found: {name} ({code})."
    ),
    "Précision de la localisation": "Location precision",
    "Précision de la localisation : {radius} ({level})": "Location precision: {radius} ({level})",
    "coordonnées": "coordinates",
    "coordonnées (exactes)": "coordinates (exact)",
    "inconnue": "unknown",
    "coordonnées (score faible)": "coordinates (low score)",
    "numéro (score faible)": "house number (low score)",
    "voie (score faible)": "street (low score)",
    "lieu-dit (score faible)": "locality (low score)",
    "commune (score faible)": "municipality (low score)",
    "inconnue (score faible)": "unknown (low score)",
    "{level}, précision inconnue": "{level}, unknown precision",
    "{level}, à {radius} près": "{level}, to within {radius}",
    "QPV où tombe le point trouvé": "QPV the point found falls in",
    "Distance à la limite du QPV": "Distance to the QPV boundary",
    "Réponse « incertain » : comment la précision est prise en compte": (
        "« Uncertain » answers: how location precision is taken into account"
    ),
    "La réponse est « incertain » quand l'adresse peut se trouver, compte tenu de la précision "
    "de sa localisation, d'un côté ou de l'autre de la limite d'un QPV (ou de la limite des "
    "300 m). Un point sur la limite compte comme dans le QPV. Les coordonnées saisies ou "
    "cliquées sont prises comme exactes.": (
        "The answer is « uncertain » when, given how precisely it is located, the address may "
        "lie on either side of a QPV boundary (or of the 300 m limit). A point on the boundary "
        "counts as inside the QPV. Coordinates typed or clicked are taken as exact."
    ),
    "Rayon de précision": "Precision radius",
    "toute la commune": "the whole municipality",
    "score < {score}": "score < {score}",
    "niveau suivant (numéro → voie → commune)": (
        "next level down (house number → street → municipality)"
    ),
    "Lignes localisées moins précisément que leur distance à la limite d'un QPV (géocodage à "
    "la voie, à la commune, ou score faible) : ni dans ni hors QPV.": (
        "Rows located less precisely than their distance to a QPV boundary (geocoded to the "
        "street or municipality, or low score): neither in nor outside a QPV."
    ),
    "Sans compter {n} ligne(s) pour lesquelles les 300 m sont incertains.": (
        "Not counting {n} row(s) for which the 300 m are uncertain."
    ),
    "{n} ligne(s) « incertain » : leur localisation n'est pas assez précise pour dire si elles "
    "sont dans un QPV. Elles ne sont comptées ni dans ni hors QPV (colonnes "
    "« precision_localisation » et « rayon_precision_m » du fichier).": (
        "{n} « uncertain » row(s): their location is not precise enough to say whether they "
        "are in a QPV. They are counted neither in nor outside a QPV (columns "
        "« precision_localisation » and « rayon_precision_m » of the file)."
    ),
    "{where} — dans le QPV {name} ({code})": "{where} — in the QPV {name} ({code})",
    "{where} — hors QPV, {distance} de {nearest}": "{where} — outside QPV, {distance} from {nearest}",
    "{where} — incertain : localisé à {radius} près ({level}), {distance} de {nearest}": (
        "{where} — uncertain: located to within {radius} ({level}), {distance} from {nearest}"
    ),
    "Préparation": "Preparing",
    "Lecture des coordonnées": "Reading the coordinates",
    "Recherche des QPV": "Finding the QPV",
    "Géocodage": "Geocoding",
    # location precision and QPV status of establishments, third places, full export
    (
        "Part calculée sur {located} établissements bien localisés ; {uncertain} établissements "
        "localisés trop imprécisément pour dire s'ils sont en QPV (point placé au hasard dans "
        "la commune, ou sans coordonnées) ne sont pas comptés."
    ): (
        "Share computed over {located} precisely located establishments; {uncertain} "
        "establishments located too coarsely to tell whether they are in a QPV (point placed at "
        "random in the municipality, or no coordinates) are not counted."
    ),
    "QPV incertain (localisation imprécise)": "QPV uncertain (imprecise location)",
    "Établissements à localisation imprécise (QPV incertain)": (
        "Establishments with an imprecise location (QPV uncertain)"
    ),
    "Point placé au hasard dans la commune : QPV incertain": (
        "Point placed at random in the municipality: QPV uncertain"
    ),
    "Contour pointillé : point placé au hasard dans la commune (QPV incertain)": (
        "Dashed outline: point placed at random in the municipality (QPV uncertain)"
    ),
    " (position approximative : QPV incertain)": " (approximate position: QPV uncertain)",
    " — aussi dans : ": " — also in: ",
    (
        "{n} tiers-lieux de {territory} ne sont connus que par leur commune : leur distance à un "
        "QPV est incertaine, ils ne sont pas comptés."
    ): (
        "{n} third places of {territory} are only known by their municipality: their distance "
        "to a QPV is uncertain, they are not counted."
    ),
    (
        "Les PTCE et certains tiers-lieux sont localisés au centre de leur commune (localisation "
        "approximative) ; les établissements placés au hasard dans leur commune par l'INSEE sont "
        "dessinés en pointillé : leur présence en QPV est incertaine."
    ): (
        "PTCE and some third places are located at the centre of their municipality "
        "(approximate location); establishments placed at random in their municipality by "
        "INSEE are drawn dashed: whether they are in a QPV is uncertain."
    ),
    (
        "{total} établissements ; {shown} affichés ci-dessous, tous dans les téléchargements. Les "
        "noms des unités non diffusibles ne sont pas publiés."
    ): (
        "{total} establishments; {shown} shown below, all of them in the downloads. Names of "
        "non-public units are not published."
    ),
    "Tous les établissements ({n}) — CSV": "All establishments ({n}) — CSV",
    "Tous les établissements ({n}) — XLSX": "All establishments ({n}) — XLSX",
    (
        "Toute la sélection, pas seulement les lignes affichées : statut QPV (oui, non, "
        "incertain), distance, précision de localisation. Point-virgule, virgule décimale."
    ): (
        "The whole selection, not only the rows shown: QPV status (yes, no, uncertain), "
        "distance, location precision. Semicolon-separated, decimal comma."
    ),
    "Trop de lignes pour Excel : prenez le CSV.": "Too many rows for Excel: take the CSV.",
    (
        "{n} établissements ESS de la commune du quartier sont localisés trop imprécisément "
        "(point placé au hasard dans la commune, ou sans coordonnées) pour dire s'ils sont dans "
        "ce QPV : ils ne sont pas comptés."
    ): (
        "{n} SSE establishments of the neighbourhood's municipality are located too coarsely "
        "(point placed at random in the municipality, or no coordinates) to tell whether they "
        "are in this QPV: they are not counted."
    ),
}


def t(text: str, lang: str = "fr") -> str:
    """`text` (French) in `lang`."""
    if lang == "en":
        return EN.get(text, text)
    return text


def t_known(text: str, lang: str = "fr") -> str:
    """Like `t`, for texts made elsewhere (engine messages, statuses, values): translated when
    the dictionary has them, shown as they are otherwise (no entry expected for every one)."""
    if lang == "en" and isinstance(text, str):
        return EN.get(text, text)
    return text


def tf(template: str, lang: str = "fr", /, **values) -> str:
    """A French template translated, then formatted: numbers and names stay out of the
    dictionary keys (`tf("{n} établissements", lang, n=fmt.number(3, lang=lang))`)."""
    return t(template, lang).format(**values)
