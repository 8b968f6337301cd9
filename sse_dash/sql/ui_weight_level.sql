-- Weight of the SSE for every territory of $level, within a région ($reg), a département
-- ($dep) or an EPCI ($epci, its communes) when given: active establishments, employer
-- establishments and estimated jobs, SSE (perimeter column {perimeter}) and all.
SELECT
    t.code,
    t.name AS nom,
    coalesce(sum(a.establishments) FILTER (WHERE a.{perimeter}), 0) AS etablissements_ess,
    coalesce(sum(a.establishments), 0) AS etablissements_tous,
    coalesce(sum(a.employer_establishments) FILTER (WHERE a.{perimeter}), 0) AS employeurs_ess,
    coalesce(sum(a.employer_establishments), 0) AS employeurs_tous,
    coalesce(sum(a.employees_est) FILTER (WHERE a.{perimeter}), 0) AS emplois_estimes_ess,
    coalesce(sum(a.employees_est), 0) AS emplois_estimes_tous
FROM territories AS t
LEFT JOIN agg_weight AS a ON a.level = t.level AND a.code = t.code
WHERE t.level = $level
  AND ($reg IS NULL OR t.region_code = $reg)
  AND ($dep IS NULL OR t.dep_code = $dep)
  AND ($epci IS NULL OR t.code IN (
       SELECT c.code FROM communes AS c WHERE c.epci_code = $epci OR c.ept_code = $epci))
GROUP BY t.code, t.name
ORDER BY t.code
