-- Régions with population and display geometry simplified to ~200 m (national maps stay light).
SELECT code, name, population, ST_AsGeoJSON(ST_ReducePrecision(ST_SimplifyPreserveTopology(geom_display, 0.002), 0.001)) AS geometry
FROM regions
WHERE geom_display IS NOT NULL AND ($reg IS NULL OR code = $reg)
ORDER BY code
