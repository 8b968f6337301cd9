-- Establishments by SSE family (associations, cooperatives, …) for one territory.
SELECT a.family AS code, coalesce(f.label_fr, a.family) AS label,
       sum(a.establishments) AS establishments,
       sum(a.employees_est) AS employees_est
FROM agg_territory a
LEFT JOIN ref_families f ON f.code = a.family
WHERE a.level = $level AND a.code = $code
GROUP BY ALL
ORDER BY min(f.sort) NULLS LAST, label
