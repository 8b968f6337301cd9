-- Membership geometries (WKB) of the QPV 2024 of a territory, for distance computations.
SELECT q.code, q.name, q.commune_code, ST_AsWKB(q.geom) AS wkb
FROM qpv q
WHERE q.geography = '2024' AND q.geom IS NOT NULL
  AND @include(ui_qpv_filter)
ORDER BY q.code
