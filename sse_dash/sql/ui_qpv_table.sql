-- QPV of one geography inside a territory with their INSEE indicators (NULL when absent).
SELECT q.code, q.name, q.commune_code, c.name AS commune_name, q.dep_code, q.geometry_status,
       q.lon, q.lat, i.population, i.youth_index, i.households, i.social_housing_rate,
       i.employment_rate, i.poverty_rate, i.caf_recipients, i.rsa
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
LEFT JOIN communes c ON c.code = q.commune_code
WHERE q.geography = $geography
  AND @include(ui_qpv_filter)
ORDER BY q.code
