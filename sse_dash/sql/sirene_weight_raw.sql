-- Every establishment of the stock (SSE or not, active or closed) with what the weight and
-- evolution aggregates need; no name, no coordinates. $dep / $reg: optional scope.
-- Placeholders ul_naf25 / et_naf25: the NAF 2025 columns when the files have them, else NULL.
-- A closed establishment ('F') carries its closure date in dateDebut (start of its last period).
CREATE OR REPLACE TEMP TABLE weight_raw AS
WITH u AS (
    SELECT
        CAST(siren AS VARCHAR) AS siren,
        CAST(categorieJuridiqueUniteLegale AS VARCHAR) AS legal_category,
        coalesce(CAST(economieSocialeSolidaireUniteLegale AS VARCHAR) = 'O', false) AS sse_insee,
        CAST(activitePrincipaleUniteLegale AS VARCHAR) AS ul_naf,
        CAST(nomenclatureActivitePrincipaleUniteLegale AS VARCHAR) AS ul_naf_nomenclature,
        CAST({ul_naf25} AS VARCHAR) AS ul_naf25
    FROM read_parquet($units)
),
e AS (
    SELECT
        CAST(siret AS VARCHAR) AS siret,
        CAST(siren AS VARCHAR) AS siren,
        coalesce(CAST(etatAdministratifEtablissement AS VARCHAR), 'A') <> 'F' AS active,
        TRY_CAST(dateCreationEtablissement AS DATE) AS created,
        TRY_CAST(dateDebut AS DATE) AS period_start,
        CAST(trancheEffectifsEtablissement AS VARCHAR) AS tranche,
        CAST(codeCommuneEtablissement AS VARCHAR) AS commune_raw,
        CAST(activitePrincipaleEtablissement AS VARCHAR) AS naf_raw,
        CAST(nomenclatureActivitePrincipaleEtablissement AS VARCHAR) AS naf_nomenclature_raw,
        CAST({et_naf25} AS VARCHAR) AS naf25_raw
    FROM read_parquet($establishments)
),
g AS (
    SELECT CAST(siret AS VARCHAR) AS siret, CAST(plg_qp24 AS VARCHAR) AS plg_qp24
    FROM read_parquet($geolocation)
    WHERE plg_qp24 LIKE 'Q%'
),
alias AS (
    SELECT alias_code, arg_min(commune_code, CASE kind WHEN 'self' THEN 0 ELSE 1 END) AS code
    FROM commune_aliases
    GROUP BY alias_code
)
SELECT
    e.active,
    e.created,
    CASE WHEN NOT e.active THEN e.period_start END AS closed,
    CASE WHEN length(e.tranche) = 1 THEN '0' || e.tranche ELSE e.tranche END AS size_band_raw,
    concat_ws('|', coalesce(e.naf_raw, ''), coalesce(e.naf_nomenclature_raw, ''),
              coalesce(e.naf25_raw, ''), coalesce(u.ul_naf, ''),
              coalesce(u.ul_naf_nomenclature, ''), coalesce(u.ul_naf25, '')) AS activity_key,
    u.legal_category,
    coalesce(u.sse_insee, false) AS sse_insee,
    CASE WHEN e.active THEN g.plg_qp24 END AS qpv24,
    c.code AS commune_code,
    c.dep_code,
    c.reg_code,
    c.epci_code,
    c.ept_code
FROM e
LEFT JOIN u ON u.siren = e.siren
LEFT JOIN g ON g.siret = e.siret
LEFT JOIN alias AS a ON a.alias_code = e.commune_raw
LEFT JOIN communes AS c ON c.code = coalesce(a.code, e.commune_raw)
WHERE ($dep IS NULL OR c.dep_code = $dep)
  AND ($reg IS NULL OR c.reg_code = $reg)
