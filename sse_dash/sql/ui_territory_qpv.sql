-- One QPV of the 2024 geography as a territory (briefing pack, static map), with the
-- population of its INSEE indicators.
SELECT q.code, q.name, q.dep_code, q.reg_code, q.epci_code, q.commune_code,
       i.population
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
WHERE q.code = $code AND q.geography = '2024'
