-- Display contour of one territory; {table} is checked by queries.ident().
SELECT ST_AsWKB(geom_display) AS wkb FROM {table} WHERE code = $code
