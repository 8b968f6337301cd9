-- QPV 2024 of a territory with their indicators and SSE counts (table of the briefing pack).
WITH counts AS (
    SELECT code, sum(establishments) AS establishments,
           sum(employer_establishments) AS employer_establishments,
           sum(employees_est) AS employees_est
    FROM agg_territory
    WHERE level = 'qpv'
    GROUP BY code
),
-- All the communes a QPV spans, through qpv_communes (the main commune alone is misleading).
names AS (
    SELECT qc.code, string_agg(DISTINCT cm.name, ', ' ORDER BY cm.name) AS commune
    FROM qpv_communes qc
    JOIN communes cm ON cm.code = qc.commune_code
    WHERE qc.geography = '2024'
    GROUP BY qc.code
)
SELECT q.code, q.name, coalesce(nm.commune, cm.name) AS commune, i.population, i.poverty_rate, i.employment_rate,
       coalesce(n.establishments, 0) AS establishments,
       coalesce(n.employer_establishments, 0) AS employer_establishments,
       coalesce(n.employees_est, 0) AS employees_est
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
LEFT JOIN communes cm ON cm.code = q.commune_code
LEFT JOIN names nm ON nm.code = q.code
LEFT JOIN counts n ON n.code = q.code
WHERE q.geography = '2024'
  AND (($level = 'qpv' AND q.code = $code)
       OR ($level <> 'qpv' AND q.code IN (
            SELECT qc.code FROM qpv_communes qc JOIN communes c ON c.code = qc.commune_code
            WHERE qc.geography = '2024' AND (($level = 'region' AND c.reg_code = $code)
       OR ($level = 'departement' AND c.dep_code = $code)
       OR ($level = 'epci' AND (c.epci_code = $code OR c.ept_code = $code))
       OR ($level = 'commune' AND c.code = $code)
       OR ($level = 'qpv' AND c.code IN (
            SELECT commune_code FROM qpv_communes WHERE code = $code AND geography = '2024'))))))
ORDER BY i.population DESC NULLS LAST, q.code
