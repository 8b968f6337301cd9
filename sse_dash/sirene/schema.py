"""Official column lists of the three INSEE SIRENE files, with the dtypes the synthetic generator
writes. Order and names follow INSEE's stock files (parquet/CSV, 2025 vintages, incl. the NAF 2025
columns published since 2025) and the « Géolocalisation des établissements du répertoire Sirene
pour les études statistiques » file. The pipeline reads only the columns it needs and TRY_CASTs
them, so dtype differences in a real vintage (string vs. number) do not break the build."""

from __future__ import annotations

import pyarrow as pa

S = pa.string()
D = pa.date32()
I = pa.int32()  # noqa: E741
F = pa.float64()
T = pa.timestamp("ms")

UNITE_LEGALE_FILE = "StockUniteLegale.parquet"
ETABLISSEMENT_FILE = "StockEtablissement.parquet"
GEOLOCALISATION_FILE = "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques.parquet"

UNITE_LEGALE: tuple[tuple[str, pa.DataType], ...] = (
    ("siren", S),
    ("statutDiffusionUniteLegale", S),
    ("unitePurgeeUniteLegale", S),
    ("dateCreationUniteLegale", D),
    ("sigleUniteLegale", S),
    ("sexeUniteLegale", S),
    ("prenom1UniteLegale", S),
    ("prenom2UniteLegale", S),
    ("prenom3UniteLegale", S),
    ("prenom4UniteLegale", S),
    ("prenomUsuelUniteLegale", S),
    ("pseudonymeUniteLegale", S),
    ("identifiantAssociationUniteLegale", S),
    ("trancheEffectifsUniteLegale", S),
    ("anneeEffectifsUniteLegale", S),
    ("dateDernierTraitementUniteLegale", T),
    ("nombrePeriodesUniteLegale", I),
    ("categorieEntreprise", S),
    ("anneeCategorieEntreprise", S),
    ("dateDebut", D),
    ("etatAdministratifUniteLegale", S),
    ("nomUniteLegale", S),
    ("nomUsageUniteLegale", S),
    ("denominationUniteLegale", S),
    ("denominationUsuelle1UniteLegale", S),
    ("denominationUsuelle2UniteLegale", S),
    ("denominationUsuelle3UniteLegale", S),
    ("categorieJuridiqueUniteLegale", S),
    ("activitePrincipaleUniteLegale", S),
    ("nomenclatureActivitePrincipaleUniteLegale", S),
    ("nicSiegeUniteLegale", S),
    ("economieSocialeSolidaireUniteLegale", S),
    ("societeMissionUniteLegale", S),
    ("caractereEmployeurUniteLegale", S),
    ("activitePrincipaleNAF25UniteLegale", S),
)

ETABLISSEMENT: tuple[tuple[str, pa.DataType], ...] = (
    ("siren", S),
    ("nic", S),
    ("siret", S),
    ("statutDiffusionEtablissement", S),
    ("dateCreationEtablissement", D),
    ("trancheEffectifsEtablissement", S),
    ("anneeEffectifsEtablissement", S),
    ("activitePrincipaleRegistreMetiersEtablissement", S),
    ("dateDernierTraitementEtablissement", T),
    ("etablissementSiege", pa.bool_()),
    ("nombrePeriodesEtablissement", I),
    ("complementAdresseEtablissement", S),
    ("numeroVoieEtablissement", S),
    ("indiceRepetitionEtablissement", S),
    ("dernierNumeroVoieEtablissement", S),
    ("indiceRepetitionDernierNumeroVoieEtablissement", S),
    ("typeVoieEtablissement", S),
    ("libelleVoieEtablissement", S),
    ("codePostalEtablissement", S),
    ("libelleCommuneEtablissement", S),
    ("libelleCommuneEtrangerEtablissement", S),
    ("distributionSpecialeEtablissement", S),
    ("codeCommuneEtablissement", S),
    ("codeCedexEtablissement", S),
    ("libelleCedexEtablissement", S),
    ("codePaysEtrangerEtablissement", S),
    ("libellePaysEtrangerEtablissement", S),
    ("identifiantAdresseEtablissement", S),
    ("coordonneeLambertAbscisseEtablissement", F),
    ("coordonneeLambertOrdonneeEtablissement", F),
    ("complementAdresse2Etablissement", S),
    ("numeroVoie2Etablissement", S),
    ("indiceRepetition2Etablissement", S),
    ("typeVoie2Etablissement", S),
    ("libelleVoie2Etablissement", S),
    ("codePostal2Etablissement", S),
    ("libelleCommune2Etablissement", S),
    ("libelleCommuneEtranger2Etablissement", S),
    ("distributionSpeciale2Etablissement", S),
    ("codeCommune2Etablissement", S),
    ("codeCedex2Etablissement", S),
    ("libelleCedex2Etablissement", S),
    ("codePaysEtranger2Etablissement", S),
    ("libellePaysEtranger2Etablissement", S),
    ("dateDebut", D),
    ("etatAdministratifEtablissement", S),
    ("enseigne1Etablissement", S),
    ("enseigne2Etablissement", S),
    ("enseigne3Etablissement", S),
    ("denominationUsuelleEtablissement", S),
    ("activitePrincipaleEtablissement", S),
    ("nomenclatureActivitePrincipaleEtablissement", S),
    ("caractereEmployeurEtablissement", S),
    ("activitePrincipaleNAF25Etablissement", S),
)

# x, y: metric coordinates in the CRS given by `epsg` (Lambert-93 in metropolitan France, local
# UTM overseas); y_latitude / x_longitude: WGS84. plg_* = zones the point falls in (« CSZ » =
# hors zone). Mayotte is not covered by this file.
GEOLOCALISATION: tuple[tuple[str, pa.DataType], ...] = (
    ("siret", S),
    ("x", F),
    ("y", F),
    ("qualite_xy", S),
    ("epsg", S),
    ("plg_qp24", S),
    ("plg_iris", S),
    ("plg_zus", S),
    ("plg_qp15", S),
    ("plg_qva", S),
    ("plg_code_commune", S),
    ("distance_precision", F),
    ("qualite_qp24", S),
    ("qualite_iris", S),
    ("qualite_zus", S),
    ("qualite_qp15", S),
    ("qualite_qva", S),
    ("y_latitude", F),
    ("x_longitude", F),
)

FILES: dict[str, tuple[str, tuple[tuple[str, pa.DataType], ...]]] = {
    "sirene_unites_legales": (UNITE_LEGALE_FILE, UNITE_LEGALE),
    "sirene_etablissements": (ETABLISSEMENT_FILE, ETABLISSEMENT),
    "sirene_geolocalisation": (GEOLOCALISATION_FILE, GEOLOCALISATION),
}


def arrow_schema(columns: tuple[tuple[str, pa.DataType], ...]) -> pa.Schema:
    return pa.schema([pa.field(name, dtype) for name, dtype in columns])


def column_names(columns: tuple[tuple[str, pa.DataType], ...]) -> list[str]:
    return [name for name, _ in columns]
