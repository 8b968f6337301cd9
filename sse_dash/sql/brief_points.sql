-- Geolocated SSE establishments of a territory (static map); LIMIT bound by the caller.
SELECT e.lon, e.lat, e.family, e.qpv24 IS NOT NULL AS in_qpv
FROM establishments e
WHERE e.lon IS NOT NULL AND e.lat IS NOT NULL
  AND e.diffusible IS NOT FALSE  -- never place a non-diffusible unit on a map
  AND (($level = 'region' AND e.reg_code = $code)
       OR ($level = 'departement' AND e.dep_code = $code)
       OR ($level = 'epci' AND (e.epci_code = $code OR e.ept_code = $code))
       OR ($level = 'commune' AND e.commune_code = $code)
       OR ($level = 'qpv' AND (e.qpv24 = $code OR (e.qpv24_nearest = $code AND e.near_qpv300))))
LIMIT $limit
