-- Display contour of one territory as GeoJSON ({table} checked by queries.ident: regions,
-- departements, epci, communes or qpv — QPV codes differ between geographies).
SELECT ST_AsGeoJSON(geom_display) AS geometry
FROM {table}
WHERE code = $code AND geom_display IS NOT NULL
