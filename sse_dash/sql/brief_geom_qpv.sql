-- Display contour of one 2024 QPV.
SELECT ST_AsWKB(geom_display) AS wkb FROM qpv WHERE code = $code AND geography = '2024'
