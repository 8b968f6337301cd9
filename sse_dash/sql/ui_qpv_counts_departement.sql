-- Number of QPV (one geography) per département of a région (all when $reg is NULL).
SELECT d.code, d.name, d.region_code, count(q.code) AS qpv
FROM departements d
LEFT JOIN qpv q ON q.dep_code = d.code AND q.geography = $geography
WHERE $reg IS NULL OR d.region_code = $reg
GROUP BY d.code, d.name, d.region_code
ORDER BY d.code
