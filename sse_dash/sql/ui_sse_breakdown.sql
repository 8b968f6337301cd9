-- Establishments of a territory by one dimension ({dim} checked by queries.ident), filtered.
SELECT e.{dim} AS code, count(*) AS establishments,
       count(*) FILTER (WHERE e.employer) AS employer_establishments,
       coalesce(sum(e.employees_est), 0) AS employees_est
FROM establishments e
WHERE ($level = 'france'
    OR ($level = 'region' AND e.reg_code = $code)
    OR ($level = 'departement' AND e.dep_code = $code)
    OR ($level = 'epci' AND (e.epci_code = $code OR e.ept_code = $code))
    OR ($level = 'commune' AND e.commune_code = $code))
  AND ($family IS NULL OR e.family = $family)
  AND ($sector IS NULL OR e.naf_section = $sector)
  AND ($size IS NULL OR e.size_class = $size)
  AND ($qpv = 'all' OR ($qpv = 'in' AND e.qpv24 IS NOT NULL) OR ($qpv = 'near' AND e.near_qpv300))
  AND (NOT $employer OR e.employer)
GROUP BY 1
ORDER BY establishments DESC, code
