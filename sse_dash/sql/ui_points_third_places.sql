-- Third places (tiers-lieux, fabriques, manufactures) of a territory with coordinates; a place
-- listed by several sources appears once (the row kept), with the other sources in also_in.
SELECT id, name, kind, commune_code, dep_code, reg_code, address, url, lon, lat, location_precision,
       also_in, qpv24_status
FROM third_places p
WHERE lon IS NOT NULL AND lat IS NOT NULL
  AND duplicate_of IS NULL
  AND @include(ui_poi_filter)
ORDER BY name
