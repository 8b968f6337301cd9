-- Régions with population and display geometry (GeoJSON, ~100 m precision) for choropleths.
SELECT code, name, population, ST_AsGeoJSON(ST_ReducePrecision(geom_display, 0.001)) AS geometry
FROM regions
WHERE geom_display IS NOT NULL AND ($reg IS NULL OR code = $reg)
ORDER BY code
