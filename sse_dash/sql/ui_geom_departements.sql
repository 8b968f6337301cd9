-- Départements (of a région when $reg is given) with population and national-map shape
-- (simplified to ~200 m at build time).
SELECT code, name, population, map_geojson AS geometry
FROM departements
WHERE map_geojson IS NOT NULL AND ($reg IS NULL OR region_code = $reg)
ORDER BY code
