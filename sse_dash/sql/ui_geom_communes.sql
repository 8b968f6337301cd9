-- Communes of a territory (see ui_commune_filter) with population and display geometry (~10 m
-- precision): the commune choropleth of the home page (one département), the commune outlines
-- of the maps and the static maps. The GeoJSON made at build time (commune_shapes) when there,
-- else converted here (a base whose shapes were not prepared: the same text).
SELECT c.code, c.name, c.population,
       coalesce(s.geojson, ST_AsGeoJSON(ST_ReducePrecision(c.geom_display, 0.0001))) AS geometry
FROM communes c
LEFT JOIN commune_shapes s ON s.code = c.code
WHERE c.geom_display IS NOT NULL AND @include(ui_commune_filter)
ORDER BY c.code
