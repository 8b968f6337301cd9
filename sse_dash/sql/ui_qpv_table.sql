-- QPV of one geography inside a territory with their INSEE indicators (NULL when absent).
SELECT q.code, q.name, q.commune_code, c.name AS commune_name, q.dep_code, q.geometry_status,
       q.lon, q.lat, i.population, i.youth_index, i.households, i.social_housing_rate,
       i.employment_rate, i.poverty_rate, i.caf_recipients, i.rsa
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
LEFT JOIN communes c ON c.code = q.commune_code
WHERE q.geography = $geography
  AND (
    $level = 'france'
    OR ($level = 'region' AND q.reg_code = $code)
    OR ($level = 'departement' AND q.dep_code = $code)
    OR ($level = 'epci' AND (q.epci_code = $code OR list_has_any(q.commune_codes,
        (SELECT list(c2.code) FROM communes c2 WHERE c2.epci_code = $code OR c2.ept_code = $code))))
    OR ($level = 'commune' AND list_contains(q.commune_codes, $code))
  )
ORDER BY q.code
