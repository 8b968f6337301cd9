-- Bounding box of a territory's display geometry ({table} checked by queries.ident).
SELECT min(ST_YMin(geom_display)) AS lat_min, min(ST_XMin(geom_display)) AS lon_min,
       max(ST_YMax(geom_display)) AS lat_max, max(ST_XMax(geom_display)) AS lon_max
FROM {table}
WHERE ($code IS NULL OR code = $code) AND geom_display IS NOT NULL
