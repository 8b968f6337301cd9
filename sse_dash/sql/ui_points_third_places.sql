-- Third places (tiers-lieux, fabriques, manufactures) of a territory with coordinates.
SELECT id, name, kind, commune_code, dep_code, reg_code, address, url, lon, lat, location_precision
FROM third_places p
WHERE lon IS NOT NULL AND lat IS NOT NULL
  AND @include(ui_poi_filter)
ORDER BY name
