-- Third places with coordinates inside a lon/lat box, precisely located ones only (a commune
-- centre says nothing about a distance to a QPV), each place once.
SELECT id, name, kind, commune_code, lon, lat, location_precision
FROM third_places
WHERE lon BETWEEN $lon_min AND $lon_max AND lat BETWEEN $lat_min AND $lat_max
  AND coalesce(qpv24_status, 'non') <> 'incertain'
  AND duplicate_of IS NULL
