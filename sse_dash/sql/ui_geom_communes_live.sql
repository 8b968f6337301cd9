-- ui_geom_communes for a base built before commune_shapes existed: the GeoJSON made here.
SELECT c.code, c.name, c.population,
       ST_AsGeoJSON(ST_ReducePrecision(c.geom_display, 0.0001)) AS geometry
FROM communes c
WHERE c.geom_display IS NOT NULL AND @include(ui_commune_filter)
ORDER BY c.code
