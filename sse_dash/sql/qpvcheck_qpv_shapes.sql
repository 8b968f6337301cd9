-- Display outlines of a few QPV (the one found and the nearest) for the result map.
SELECT code, name, geography, ST_AsGeoJSON(coalesce(geom_display, geom)) AS geojson
FROM qpv
WHERE geography = $geography AND list_contains($codes, code)
ORDER BY code
