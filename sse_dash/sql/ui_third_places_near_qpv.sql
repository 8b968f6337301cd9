-- Third places of the territory within $radius m of a QPV 2024 (of the territory or not),
-- nearest first; distances computed at build time (sse_dash.warehouse.places). A place known
-- only by its commune has no distance (status « incertain »): left out, counted apart by
-- ui_third_places_uncertain. A place listed by several sources appears once.
SELECT p.id, p.name, p.kind, p.commune_code, p.lon, p.lat, p.location_precision,
       p.qpv24_distance_m AS distance_m, p.qpv24_nearest AS qpv, q.name AS qpv_name
FROM third_places p
LEFT JOIN qpv q ON q.code = p.qpv24_nearest AND q.geography = '2024'
WHERE p.lon IS NOT NULL AND p.lat IS NOT NULL
  AND p.qpv24_distance_m <= $radius
  AND p.duplicate_of IS NULL
  AND @include(ui_poi_filter)
ORDER BY p.qpv24_distance_m, p.name
