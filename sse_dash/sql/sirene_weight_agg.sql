-- agg_weight: active establishments (SSE or not) per territory × perimeter flags × family ×
-- sector group × NAF section × size class. Counted once per commune, then rolled up (a
-- commune's région, département, EPCI and EPT are fixed), plus the QPV rows. Région,
-- département and commune rows partition the France row (establishments with a known commune);
-- EPT rows repeat part of their EPCI; qpv rows count establishments INSEE places in a QPV 2024
-- (plg_qp24).
CREATE OR REPLACE TABLE agg_weight AS
WITH by_commune AS (
    SELECT
        commune_code, reg_code, dep_code, epci_code, ept_code,
        sse_insee, sse_statut, family, sector_group, naf_section, size_class,
        count(*) AS establishments,
        count(*) FILTER (WHERE employer) AS employer_establishments,
        sum(employees_est) AS employees_est
    FROM weight_base
    WHERE active
    GROUP BY ALL
),
levels AS (
    SELECT 'france' AS level, $france_code AS code, * FROM by_commune
    UNION ALL SELECT 'region', reg_code, * FROM by_commune WHERE reg_code IS NOT NULL
    UNION ALL SELECT 'departement', dep_code, * FROM by_commune WHERE dep_code IS NOT NULL
    UNION ALL SELECT 'epci', epci_code, * FROM by_commune WHERE epci_code IS NOT NULL
    UNION ALL SELECT 'epci', ept_code, * FROM by_commune WHERE ept_code IS NOT NULL
    UNION ALL SELECT 'commune', commune_code, * FROM by_commune WHERE commune_code IS NOT NULL
)
SELECT
    level, code, sse_insee, sse_statut, family, sector_group, naf_section, size_class,
    sum(establishments) AS establishments,
    sum(employer_establishments) AS employer_establishments,
    sum(employees_est) AS employees_est
FROM levels
GROUP BY ALL
UNION ALL
SELECT
    'qpv', qpv24, sse_insee, sse_statut, family, sector_group, naf_section, size_class,
    count(*), count(*) FILTER (WHERE employer), sum(employees_est)
FROM weight_base
WHERE active AND qpv24 IS NOT NULL
GROUP BY ALL
ORDER BY 1, 2
