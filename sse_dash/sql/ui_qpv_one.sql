-- One QPV (any geography) with its indicators and display geometry as GeoJSON.
SELECT q.code, q.name, q.geography, q.commune_code, c.name AS commune_name, q.dep_code,
       q.reg_code, q.epci_code, q.commune_codes, q.area_m2, q.geometry_status, q.lon, q.lat,
       i.population, i.youth_index, i.households, i.social_housing, i.social_housing_rate,
       i.employment_rate, i.poverty_rate, i.caf_covered, i.caf_recipients, i.rsa,
       ST_AsGeoJSON(ST_ReducePrecision(q.geom_display, 0.00001)) AS geometry,
       ST_AsWKB(q.geom) AS wkb
FROM qpv q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
LEFT JOIN communes c ON c.code = q.commune_code
WHERE q.code = $code
LIMIT 1
