"""Official column lists of the three INSEE SIRENE files, with their Parquet types, and the file
names under which they are published.

Names, order and types follow data.gouv.fr's conversion configuration of the SIRENE stock and
geolocation files (repository datagouv/datagouvfr_data_pipelines, `config_stock.json` and
`config_geoloc.json`, the `dtype` of each file: 35 legal-unit columns, 54 establishment columns,
19 geolocation columns, with the NAF 2025 columns published since December 2025). Types are
written as DuckDB type names there and here; `arrow_schema` turns them into Arrow types
(DATETIME = TIMESTAMP, microseconds; FLOAT = float32). Notable: `categorieJuridiqueUniteLegale`
is BIGINT, the stock's `coordonneeLambert…` are VARCHAR (they can read « [ND] »), the
geolocation file's x / y / longitude / latitude / distance_precision are FLOAT (float32) and
`epsg` is VARCHAR.

The pipeline reads only the columns it needs and TRY_CASTs them, so a vintage that types a
column differently (text vs number) does not break the build."""

from __future__ import annotations

import pyarrow as pa

# DuckDB type names of the reference configuration -> Arrow types of the Parquet files.
ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "DATETIME": pa.timestamp("us"),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "FLOAT": pa.float32(),
}

# File names of the synthetic generator's default layout (one folder, short names).
UNITE_LEGALE_FILE = "StockUniteLegale.parquet"
ETABLISSEMENT_FILE = "StockEtablissement.parquet"
GEOLOCALISATION_FILE = "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques.parquet"

# Names of the files as published. Since June 2026 INSEE uploads a new dated file each month
# to the data.gouv.fr datasets (static.data.gouv.fr/resources/<dataset>/<YYYYMMDD-HHMMSS>/<name>);
# the names below are those of the uploads (seen in public code reading them, e.g.
# …/base-sirene-des-entreprises-et-de-leurs-etablissements-siren-siret/20260801-074451/
# stock-stocketablissement-parquet.parquet). Until May 2026 data.gouv.fr's pipeline published
# the `_utf8.parquet` names (object.files.data.gouv.fr/data-pipeline-open/siren/…), which
# mirrors made before then still carry.
OFFICIAL_NAMES: dict[str, str] = {
    "sirene_unites_legales": "stock-stockunitelegale-parquet.parquet",
    "sirene_etablissements": "stock-stocketablissement-parquet.parquet",
    "sirene_geolocalisation": (
        "geoloc-geolocalisationetablissement-sirene-pour-etudes-statistiques-parquet.parquet"
    ),
}
OLD_NAMES: dict[str, str] = {
    "sirene_unites_legales": "StockUniteLegale_utf8.parquet",
    "sirene_etablissements": "StockEtablissement_utf8.parquet",
    "sirene_geolocalisation": (
        "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.parquet"
    ),
}

UNITE_LEGALE: tuple[tuple[str, str], ...] = (
    ("siren", "VARCHAR"),
    ("statutDiffusionUniteLegale", "VARCHAR"),
    ("unitePurgeeUniteLegale", "BOOLEAN"),
    ("dateCreationUniteLegale", "DATE"),
    ("sigleUniteLegale", "VARCHAR"),
    ("sexeUniteLegale", "VARCHAR"),
    ("prenom1UniteLegale", "VARCHAR"),
    ("prenom2UniteLegale", "VARCHAR"),
    ("prenom3UniteLegale", "VARCHAR"),
    ("prenom4UniteLegale", "VARCHAR"),
    ("prenomUsuelUniteLegale", "VARCHAR"),
    ("pseudonymeUniteLegale", "VARCHAR"),
    ("identifiantAssociationUniteLegale", "VARCHAR"),
    ("trancheEffectifsUniteLegale", "VARCHAR"),
    ("anneeEffectifsUniteLegale", "BIGINT"),
    ("dateDernierTraitementUniteLegale", "DATETIME"),
    ("nombrePeriodesUniteLegale", "BIGINT"),
    ("categorieEntreprise", "VARCHAR"),
    ("anneeCategorieEntreprise", "BIGINT"),
    ("dateDebut", "DATE"),
    ("etatAdministratifUniteLegale", "VARCHAR"),
    ("nomUniteLegale", "VARCHAR"),
    ("nomUsageUniteLegale", "VARCHAR"),
    ("denominationUniteLegale", "VARCHAR"),
    ("denominationUsuelle1UniteLegale", "VARCHAR"),
    ("denominationUsuelle2UniteLegale", "VARCHAR"),
    ("denominationUsuelle3UniteLegale", "VARCHAR"),
    ("categorieJuridiqueUniteLegale", "BIGINT"),
    ("activitePrincipaleUniteLegale", "VARCHAR"),
    ("nomenclatureActivitePrincipaleUniteLegale", "VARCHAR"),
    ("nicSiegeUniteLegale", "VARCHAR"),
    ("economieSocialeSolidaireUniteLegale", "VARCHAR"),
    ("societeMissionUniteLegale", "VARCHAR"),
    ("caractereEmployeurUniteLegale", "VARCHAR"),
    ("activitePrincipaleNAF25UniteLegale", "VARCHAR"),
)

ETABLISSEMENT: tuple[tuple[str, str], ...] = (
    ("siren", "VARCHAR"),
    ("nic", "VARCHAR"),
    ("siret", "VARCHAR"),
    ("statutDiffusionEtablissement", "VARCHAR"),
    ("dateCreationEtablissement", "DATE"),
    ("trancheEffectifsEtablissement", "VARCHAR"),
    ("anneeEffectifsEtablissement", "BIGINT"),
    ("activitePrincipaleRegistreMetiersEtablissement", "VARCHAR"),
    ("dateDernierTraitementEtablissement", "DATETIME"),
    ("etablissementSiege", "BOOLEAN"),
    ("nombrePeriodesEtablissement", "BIGINT"),
    ("complementAdresseEtablissement", "VARCHAR"),
    ("numeroVoieEtablissement", "VARCHAR"),
    ("indiceRepetitionEtablissement", "VARCHAR"),
    ("dernierNumeroVoieEtablissement", "VARCHAR"),
    ("indiceRepetitionDernierNumeroVoieEtablissement", "VARCHAR"),
    ("typeVoieEtablissement", "VARCHAR"),
    ("libelleVoieEtablissement", "VARCHAR"),
    ("codePostalEtablissement", "VARCHAR"),
    ("libelleCommuneEtablissement", "VARCHAR"),
    ("libelleCommuneEtrangerEtablissement", "VARCHAR"),
    ("distributionSpecialeEtablissement", "VARCHAR"),
    ("codeCommuneEtablissement", "VARCHAR"),
    ("codeCedexEtablissement", "VARCHAR"),
    ("libelleCedexEtablissement", "VARCHAR"),
    ("codePaysEtrangerEtablissement", "VARCHAR"),
    ("libellePaysEtrangerEtablissement", "VARCHAR"),
    ("identifiantAdresseEtablissement", "VARCHAR"),
    ("coordonneeLambertAbscisseEtablissement", "VARCHAR"),
    ("coordonneeLambertOrdonneeEtablissement", "VARCHAR"),
    ("complementAdresse2Etablissement", "VARCHAR"),
    ("numeroVoie2Etablissement", "VARCHAR"),
    ("indiceRepetition2Etablissement", "VARCHAR"),
    ("typeVoie2Etablissement", "VARCHAR"),
    ("libelleVoie2Etablissement", "VARCHAR"),
    ("codePostal2Etablissement", "VARCHAR"),
    ("libelleCommune2Etablissement", "VARCHAR"),
    ("libelleCommuneEtranger2Etablissement", "VARCHAR"),
    ("distributionSpeciale2Etablissement", "VARCHAR"),
    ("codeCommune2Etablissement", "VARCHAR"),
    ("codeCedex2Etablissement", "VARCHAR"),
    ("libelleCedex2Etablissement", "VARCHAR"),
    ("codePaysEtranger2Etablissement", "VARCHAR"),
    ("libellePaysEtranger2Etablissement", "VARCHAR"),
    ("dateDebut", "DATE"),
    ("etatAdministratifEtablissement", "VARCHAR"),
    ("enseigne1Etablissement", "VARCHAR"),
    ("enseigne2Etablissement", "VARCHAR"),
    ("enseigne3Etablissement", "VARCHAR"),
    ("denominationUsuelleEtablissement", "VARCHAR"),
    ("activitePrincipaleEtablissement", "VARCHAR"),
    ("nomenclatureActivitePrincipaleEtablissement", "VARCHAR"),
    ("caractereEmployeurEtablissement", "VARCHAR"),
    ("activitePrincipaleNAF25Etablissement", "VARCHAR"),
)

# x, y: metric coordinates in the CRS named by `epsg` (Lambert-93 in metropolitan France,
# 5490 Antilles, 2972 Guyane, 2975 La Réunion); y_latitude / x_longitude: WGS84. plg_*: the zone
# the point falls in — a zone code, « HZ » (hors zone: in a zoned commune, outside every zone)
# or « CSZ » (commune sans zonage: the commune has no zone at all); qualite_*: how sure INSEE is
# of that attribution (1, 2, 3). qualite_xy: how the point was placed (11/21 at the address,
# 12/22 along the street, 33 a random point in the commune). Mayotte is not in this file.
GEOLOCALISATION: tuple[tuple[str, str], ...] = (
    ("siret", "VARCHAR"),
    ("x", "FLOAT"),
    ("y", "FLOAT"),
    ("qualite_xy", "VARCHAR"),
    ("epsg", "VARCHAR"),
    ("plg_qp24", "VARCHAR"),
    ("plg_iris", "VARCHAR"),
    ("plg_zus", "VARCHAR"),
    ("plg_qp15", "VARCHAR"),
    ("plg_qva", "VARCHAR"),
    ("plg_code_commune", "VARCHAR"),
    ("distance_precision", "FLOAT"),
    ("qualite_qp24", "VARCHAR"),
    ("qualite_iris", "VARCHAR"),
    ("qualite_zus", "VARCHAR"),
    ("qualite_qp15", "VARCHAR"),
    ("qualite_qva", "VARCHAR"),
    ("y_latitude", "FLOAT"),
    ("x_longitude", "FLOAT"),
)

FILES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "sirene_unites_legales": (UNITE_LEGALE_FILE, UNITE_LEGALE),
    "sirene_etablissements": (ETABLISSEMENT_FILE, ETABLISSEMENT),
    "sirene_geolocalisation": (GEOLOCALISATION_FILE, GEOLOCALISATION),
}


def arrow_type(duck_type: str) -> pa.DataType:
    return ARROW_TYPES[duck_type]


def arrow_schema(
    columns: tuple[tuple[str, str], ...], metadata: dict[str, str] | None = None
) -> pa.Schema:
    return pa.schema(
        [pa.field(name, arrow_type(dtype)) for name, dtype in columns], metadata=metadata
    )


def column_names(columns: tuple[tuple[str, str], ...]) -> list[str]:
    return [name for name, _ in columns]
