-- SSE legal units of the StockUniteLegale file ($units: path or URL of the parquet file).
-- Placeholder ul_naf25: activitePrincipaleNAF25UniteLegale, or NULL for a vintage without it (before
-- December 2025), checked by the pipeline against the file's schema.
CREATE OR REPLACE TEMP TABLE sirene_units AS
SELECT
    CAST(siren AS VARCHAR) AS siren,
    CAST(statutDiffusionUniteLegale AS VARCHAR) AS ul_diffusion,
    CAST(categorieJuridiqueUniteLegale AS VARCHAR) AS legal_category,
    CAST(denominationUniteLegale AS VARCHAR) AS ul_name,
    CAST(sigleUniteLegale AS VARCHAR) AS ul_sigle,
    trim(concat_ws(' ', prenomUsuelUniteLegale, coalesce(nomUsageUniteLegale, nomUniteLegale)))
        AS ul_person,
    CAST(activitePrincipaleUniteLegale AS VARCHAR) AS ul_naf,
    CAST(nomenclatureActivitePrincipaleUniteLegale AS VARCHAR) AS ul_naf_nomenclature,
    CAST({ul_naf25} AS VARCHAR) AS ul_naf25
FROM read_parquet($units)
WHERE economieSocialeSolidaireUniteLegale = 'O'
