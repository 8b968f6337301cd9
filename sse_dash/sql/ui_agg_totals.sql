-- Totals of agg_territory for several territories ($keys = ['level|code', ...]) with population.
SELECT a.level, a.code, t.name, t.population,
       sum(a.establishments) AS establishments,
       sum(a.employer_establishments) AS employer_establishments,
       sum(a.employees_est) AS employees_est,
       sum(a.in_qpv) AS in_qpv,
       sum(a.near_qpv300) AS near_qpv300,
       sum(a.qpv_uncertain) AS qpv_uncertain
FROM agg_territory a
LEFT JOIN territories t ON t.level = a.level AND t.code = a.code
WHERE list_contains($keys, a.level || '|' || a.code)
GROUP BY a.level, a.code, t.name, t.population
