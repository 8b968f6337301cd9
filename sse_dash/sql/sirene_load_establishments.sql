-- Active establishments of SSE units, with their geolocation and current commune.
-- $employer_bands: band codes counted as employers (applied when $employers_only).
-- $dep / $reg: optional scope (NULL = whole country).
-- Placeholders et_naf25 and geo_…: optional columns (the NAF 2025 column exists since December 2025; the
-- zone quality columns are read when present), or NULL, checked against the files' schemas.
-- Lambert coordinates are text in the stock (« [ND] » when non-diffusible): TRY_CAST.
CREATE OR REPLACE TEMP TABLE sirene_raw AS
WITH e AS (
    SELECT
        CAST(siret AS VARCHAR) AS siret,
        CAST(siren AS VARCHAR) AS siren,
        CAST(statutDiffusionEtablissement AS VARCHAR) AS et_diffusion,
        CAST(trancheEffectifsEtablissement AS VARCHAR) AS tranche,
        TRY_CAST(dateCreationEtablissement AS DATE) AS created,
        CAST(codeCommuneEtablissement AS VARCHAR) AS commune_raw,
        TRY_CAST(coordonneeLambertAbscisseEtablissement AS DOUBLE) AS stock_x,
        TRY_CAST(coordonneeLambertOrdonneeEtablissement AS DOUBLE) AS stock_y,
        CAST(enseigne1Etablissement AS VARCHAR) AS enseigne,
        CAST(denominationUsuelleEtablissement AS VARCHAR) AS usual_name,
        CAST(activitePrincipaleEtablissement AS VARCHAR) AS naf_raw,
        CAST(nomenclatureActivitePrincipaleEtablissement AS VARCHAR) AS naf_nomenclature_raw,
        CAST({et_naf25} AS VARCHAR) AS naf25_raw
    FROM read_parquet($establishments)
    WHERE etatAdministratifEtablissement = 'A'
),
g AS (
    SELECT
        CAST(siret AS VARCHAR) AS siret,
        TRY_CAST(x AS DOUBLE) AS geo_x,
        TRY_CAST(y AS DOUBLE) AS geo_y,
        TRY_CAST(epsg AS INTEGER) AS geo_epsg,
        TRY_CAST(x_longitude AS DOUBLE) AS geo_lon,
        TRY_CAST(y_latitude AS DOUBLE) AS geo_lat,
        CAST(qualite_xy AS VARCHAR) AS qualite_xy,
        CAST(plg_qp24 AS VARCHAR) AS insee_plg_qp24,
        CAST({geo_qualite_qp24} AS VARCHAR) AS insee_qualite_qp24,
        CAST({geo_plg_qp15} AS VARCHAR) AS insee_plg_qp15,
        CAST({geo_qualite_qp15} AS VARCHAR) AS insee_qualite_qp15
    FROM read_parquet($geolocation)
),
alias AS (
    SELECT alias_code, arg_min(commune_code, CASE kind WHEN 'self' THEN 0 ELSE 1 END) AS code
    FROM commune_aliases
    GROUP BY alias_code
),
joined AS (
    SELECT
        e.*,
        CASE WHEN length(e.tranche) = 1 THEN '0' || e.tranche ELSE e.tranche END AS size_band_raw,
        concat_ws('|', coalesce(e.naf_raw, ''), coalesce(e.naf_nomenclature_raw, ''),
                  coalesce(e.naf25_raw, ''), coalesce(u.ul_naf, ''),
                  coalesce(u.ul_naf_nomenclature, ''), coalesce(u.ul_naf25, '')) AS activity_key,
        u.ul_diffusion,
        u.legal_category,
        u.ul_name,
        u.ul_sigle,
        u.ul_person,
        g.siret IS NOT NULL AS has_geoloc_row,
        g.geo_x, g.geo_y, g.geo_epsg, g.geo_lon, g.geo_lat, g.qualite_xy,
        g.insee_plg_qp24, g.insee_qualite_qp24, g.insee_plg_qp15, g.insee_qualite_qp15,
        c.code AS commune_code,
        c.dep_code,
        c.reg_code
    FROM e
    JOIN sirene_units AS u ON u.siren = e.siren
    LEFT JOIN g ON g.siret = e.siret
    LEFT JOIN alias AS a ON a.alias_code = e.commune_raw
    LEFT JOIN communes AS c ON c.code = coalesce(a.code, e.commune_raw)
)
SELECT (row_number() OVER (ORDER BY siret)) - 1 AS rn, *
FROM joined
WHERE (NOT $employers_only OR list_contains($employer_bands, size_band_raw))
  AND ($dep IS NULL OR dep_code = $dep)
  AND ($reg IS NULL OR reg_code = $reg)
