-- Third places of the territory whose location is too coarse to measure a distance to a QPV
-- (commune centre, département only, no location): their number, said next to the answers.
SELECT count(*) AS n
FROM third_places p
WHERE p.qpv24_status = 'incertain'
  AND p.duplicate_of IS NULL
  AND @include(ui_poi_filter)
