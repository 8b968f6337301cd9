-- QPV of one geography inside a territory, with display geometry as GeoJSON (~1 m precision).
-- A QPV belongs to an EPCI/EPT or commune when one of its communes does.
SELECT q.code, q.name, q.geography, q.dep_code, q.reg_code, q.commune_code, q.lon, q.lat,
       q.geometry_status,
       ST_AsGeoJSON(ST_ReducePrecision(q.geom_display, 0.00001)) AS geometry
FROM qpv q
WHERE q.geography = $geography
  AND (
    $level = 'france'
    OR ($level = 'region' AND q.reg_code = $code)
    OR ($level = 'departement' AND q.dep_code = $code)
    OR ($level = 'epci' AND (q.epci_code = $code OR list_has_any(q.commune_codes,
        (SELECT list(c.code) FROM communes c WHERE c.epci_code = $code OR c.ept_code = $code))))
    OR ($level = 'commune' AND list_contains(q.commune_codes, $code))
  )
ORDER BY q.code
