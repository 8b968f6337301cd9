-- agg_weight: active establishments (SSE or not) per territory × perimeter flags × family ×
-- sector group × NAF section × size class. Region, département and commune rows partition the
-- France row (establishments with a known commune); EPT rows repeat part of their EPCI; qpv
-- rows count establishments INSEE places in a QPV 2024 (plg_qp24).
CREATE OR REPLACE TABLE agg_weight AS
WITH base AS (
    SELECT sse_insee, sse_statut, family, sector_group, naf_section, size_class, employer,
        employees_est, reg_code, dep_code, epci_code, ept_code, commune_code, qpv24
    FROM weight_base
    WHERE active
),
levels AS (
    SELECT 'france' AS level, $france_code AS code, * FROM base
    UNION ALL SELECT 'region', reg_code, * FROM base WHERE reg_code IS NOT NULL
    UNION ALL SELECT 'departement', dep_code, * FROM base WHERE dep_code IS NOT NULL
    UNION ALL SELECT 'epci', epci_code, * FROM base WHERE epci_code IS NOT NULL
    UNION ALL SELECT 'epci', ept_code, * FROM base WHERE ept_code IS NOT NULL
    UNION ALL SELECT 'commune', commune_code, * FROM base WHERE commune_code IS NOT NULL
    UNION ALL SELECT 'qpv', qpv24, * FROM base WHERE qpv24 IS NOT NULL
)
SELECT
    level, code, sse_insee, sse_statut, family, sector_group, naf_section, size_class,
    count(*) AS establishments,
    count(*) FILTER (WHERE employer) AS employer_establishments,
    sum(employees_est) AS employees_est
FROM levels
GROUP BY ALL
ORDER BY level, code
