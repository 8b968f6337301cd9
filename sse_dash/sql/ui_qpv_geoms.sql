-- Membership geometries (WKB) of the QPV 2024 of a territory, for distance computations.
SELECT q.code, q.name, q.commune_code, ST_AsWKB(q.geom) AS wkb
FROM qpv q
WHERE q.geography = '2024' AND q.geom IS NOT NULL
  AND (
    $level = 'france'
    OR ($level = 'region' AND q.reg_code = $code)
    OR ($level = 'departement' AND q.dep_code = $code)
    OR ($level = 'epci' AND (q.epci_code = $code OR list_has_any(q.commune_codes,
        (SELECT list(c.code) FROM communes c WHERE c.epci_code = $code OR c.ept_code = $code))))
    OR ($level = 'commune' AND list_contains(q.commune_codes, $code))
  )
ORDER BY q.code
