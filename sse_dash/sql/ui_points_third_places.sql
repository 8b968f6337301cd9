-- Third places (tiers-lieux, fabriques, manufactures) of a territory with coordinates.
SELECT id, name, kind, commune_code, dep_code, reg_code, address, url, lon, lat, location_precision
FROM third_places
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
