-- Régions with population and national-map shape (simplified to ~200 m at build time).
SELECT code, name, population, map_geojson AS geometry
FROM regions
WHERE map_geojson IS NOT NULL AND ($reg IS NULL OR code = $reg)
ORDER BY code
