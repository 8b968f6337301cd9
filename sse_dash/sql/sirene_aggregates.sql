-- agg_territory: additive counts per territory × family × NAF section × size class.
-- EPT rows are `epci` rows too (their communes are also counted in their EPCI).
-- in_qpv / near_qpv300 count establishments whose location is precise enough to say so
-- (status « oui »); qpv_uncertain counts those whose status is « incertain » (random point in
-- the commune, no coordinates): shares in QPV are taken over the others.
CREATE OR REPLACE TABLE agg_territory AS
WITH base AS (
    SELECT
        family, naf_section, size_class, employer, employees_est,
        qpv24_status = 'oui' AS in_qpv, near_qpv300, qpv24_status = 'incertain' AS uncertain,
        reg_code, dep_code, epci_code, ept_code, commune_code, qpv24
    FROM establishments
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
    level,
    code,
    family,
    naf_section,
    size_class,
    count(*) AS establishments,
    count(*) FILTER (WHERE employer) AS employer_establishments,
    sum(employees_est) AS employees_est,
    count(*) FILTER (WHERE in_qpv) AS in_qpv,
    count(*) FILTER (WHERE near_qpv300) AS near_qpv300,
    count(*) FILTER (WHERE uncertain) AS qpv_uncertain
FROM levels
GROUP BY level, code, family, naf_section, size_class
ORDER BY level, code, family, naf_section, size_class
