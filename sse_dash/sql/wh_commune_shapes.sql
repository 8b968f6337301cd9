-- Display shapes of the communes as GeoJSON (~10 m), computed once at build time: read by
-- ui_geom_communes instead of converting every commune of a territory on each view.
CREATE OR REPLACE TABLE commune_shapes AS
SELECT code, ST_AsGeoJSON(ST_ReducePrecision(geom_display, 0.0001)) AS geojson
FROM communes
WHERE geom_display IS NOT NULL
ORDER BY code
