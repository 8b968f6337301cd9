-- Establishments of a territory by one dimension ({dim} checked by queries.ident), filtered.
SELECT e.{dim} AS code, count(*) AS establishments,
       count(*) FILTER (WHERE e.employer) AS employer_establishments,
       coalesce(sum(e.employees_est), 0) AS employees_est
FROM establishments e
WHERE @include(ui_sse_filter)
GROUP BY 1
ORDER BY establishments DESC, code
