-- Establishments of a territory for the map and the table, filtered; names of non-diffusible
-- units are never returned. Rows with coordinates first.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, e.naf, e.naf_section,
       e.size_class, e.employees_est, e.employer, e.created, e.commune_code, e.qpv24,
       e.qpv24_distance_m, e.near_qpv300, e.lon, e.lat
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
ORDER BY (e.lon IS NULL), e.siret
LIMIT $limit
