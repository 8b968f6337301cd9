-- PTCE of a territory with coordinates (location may be approximate: commune or département).
SELECT id, name, commune_code, dep_code, reg_code, structure, call, theme, lon, lat,
       location_precision
FROM ptce
WHERE lon IS NOT NULL AND lat IS NOT NULL
  AND (
    $level = 'france'
    OR ($level = 'region' AND reg_code = $code)
    OR ($level = 'departement' AND dep_code = $code)
    OR ($level = 'epci' AND commune_code IN
        (SELECT c.code FROM communes c WHERE c.epci_code = $code OR c.ept_code = $code))
    OR ($level = 'commune' AND commune_code = $code)
  )
ORDER BY name
