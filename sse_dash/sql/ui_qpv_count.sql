-- Number and population of the QPV 2024 of a territory (Comparer).
SELECT count(q.code) AS qpv, sum(i.population) AS qpv_population
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
WHERE q.geography = '2024'
  AND @include(ui_qpv_filter)
