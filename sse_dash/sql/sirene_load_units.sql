-- SSE legal units of the StockUniteLegale file ($units: path or URL of the parquet file).
CREATE OR REPLACE TEMP TABLE sirene_units AS
SELECT
    CAST(siren AS VARCHAR) AS siren,
    CAST(statutDiffusionUniteLegale AS VARCHAR) AS ul_diffusion,
    CAST(categorieJuridiqueUniteLegale AS VARCHAR) AS legal_category,
    denominationUniteLegale AS ul_name,
    sigleUniteLegale AS ul_sigle,
    trim(concat_ws(' ', prenomUsuelUniteLegale, coalesce(nomUsageUniteLegale, nomUniteLegale)))
        AS ul_person
FROM read_parquet($units)
WHERE economieSocialeSolidaireUniteLegale = 'O'
