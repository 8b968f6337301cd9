-- Communes of a territory (see ui_commune_filter) with population and display geometry (~10 m
-- precision): the commune choropleth of the home page (one département) and of static maps.
SELECT c.code, c.name, c.population,
       ST_AsGeoJSON(ST_ReducePrecision(c.geom_display, 0.0001)) AS geometry
FROM communes c
WHERE c.geom_display IS NOT NULL AND @include(ui_commune_filter)
ORDER BY c.code
