-- Third places with coordinates inside a lon/lat box.
SELECT id, name, kind, commune_code, lon, lat, location_precision
FROM third_places
WHERE lon BETWEEN $lon_min AND $lon_max AND lat BETWEEN $lat_min AND $lat_max
