-- Communes of one département with population and display geometry (~10 m precision).
SELECT code, name, population, ST_AsGeoJSON(ST_ReducePrecision(geom_display, 0.0001)) AS geometry
FROM communes
WHERE geom_display IS NOT NULL AND dep_code = $dep
ORDER BY code
