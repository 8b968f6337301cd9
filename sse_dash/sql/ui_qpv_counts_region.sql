-- Number of QPV (one geography) and their population per région.
SELECT r.code, r.name, count(q.code) AS qpv, sum(i.population) AS population
FROM regions r
LEFT JOIN qpv q ON q.reg_code = r.code AND q.geography = $geography
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
GROUP BY r.code, r.name
ORDER BY qpv DESC, r.code
