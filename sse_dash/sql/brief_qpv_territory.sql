-- One 2024 QPV with its indicators (a QPV as the territory of a briefing pack).
SELECT q.code, q.name, q.dep_code, q.reg_code, q.epci_code, q.commune_code,
       i.population
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
WHERE q.code = $code AND q.geography = '2024'
