-- agg_territory totals for every région, département or EPCI (choropleths), within a région
-- ($reg) or a département ($dep) when given.
SELECT a.code, sum(a.establishments) AS establishments,
       sum(a.employer_establishments) AS employer_establishments,
       sum(a.employees_est) AS employees_est, sum(a.in_qpv) AS in_qpv,
       sum(a.near_qpv300) AS near_qpv300, sum(a.qpv_uncertain) AS qpv_uncertain
FROM agg_territory a
JOIN territories t ON t.level = a.level AND t.code = a.code
WHERE a.level = $level
  AND ($reg IS NULL OR t.region_code = $reg)
  AND ($dep IS NULL OR t.dep_code = $dep)
GROUP BY a.code
