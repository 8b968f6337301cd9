-- National-map shapes of the departements (simplified to ~200 m, coordinates to 0.001°), computed
-- once at build time: simplifying every shape on each view cost 0.14-0.3 s.
UPDATE departements
SET map_geojson = ST_AsGeoJSON(
    ST_ReducePrecision(ST_SimplifyPreserveTopology(geom_display, 0.002), 0.001)
)
WHERE geom_display IS NOT NULL
