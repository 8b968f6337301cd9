-- agg_territory of several territories by one dimension ({dim} checked by queries.ident).
SELECT a.level, a.code AS territory_code, a.{dim} AS code,
       sum(a.establishments) AS establishments,
       sum(a.employer_establishments) AS employer_establishments,
       sum(a.employees_est) AS employees_est
FROM agg_territory a
WHERE list_contains($keys, a.level || '|' || a.code)
GROUP BY 1, 2, 3
ORDER BY establishments DESC
