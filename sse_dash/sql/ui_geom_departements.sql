-- Départements (of a région when $reg is given) with population and display geometry simplified to ~200 m.
SELECT code, name, population, ST_AsGeoJSON(ST_ReducePrecision(ST_SimplifyPreserveTopology(geom_display, 0.002), 0.001)) AS geometry
FROM departements
WHERE geom_display IS NOT NULL AND ($reg IS NULL OR region_code = $reg)
ORDER BY code
