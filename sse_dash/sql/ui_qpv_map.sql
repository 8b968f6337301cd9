-- QPV of one geography inside a territory, with display geometry as GeoJSON (~1 m precision).
SELECT q.code, q.name, q.geography, q.dep_code, q.reg_code, q.commune_code, q.lon, q.lat,
       q.geometry_status,
       ST_AsGeoJSON(ST_ReducePrecision(q.geom_display, 0.00001)) AS geometry
FROM qpv q
WHERE q.geography = $geography
  AND @include(ui_qpv_filter)
ORDER BY q.code
