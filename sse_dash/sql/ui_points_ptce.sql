-- PTCE of a territory with coordinates (location may be approximate: commune or département).
SELECT id, name, commune_code, dep_code, reg_code, structure, call, theme, lon, lat,
       location_precision
FROM ptce p
WHERE lon IS NOT NULL AND lat IS NOT NULL
  AND @include(ui_poi_filter)
ORDER BY name
