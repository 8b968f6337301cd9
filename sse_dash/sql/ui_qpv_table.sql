-- QPV of one geography inside a territory with their INSEE indicators (NULL when absent) and
-- the names of every commune they span (`communes`: the main commune alone is misleading for
-- the 149 QPV that span several).
WITH t AS (
    SELECT q.code, q.name, q.geography, q.commune_code, q.dep_code, q.geometry_status, q.lon,
           q.lat
    FROM qpv q
    WHERE q.geography = $geography
      AND @include(ui_qpv_filter)
), names AS (
    SELECT qc.code, string_agg(DISTINCT cm.name, ', ' ORDER BY cm.name) AS communes
    FROM qpv_communes qc
    JOIN communes cm ON cm.code = qc.commune_code
    WHERE qc.geography = $geography AND qc.code IN (SELECT code FROM t)
    GROUP BY qc.code
)
SELECT q.code, q.name, q.commune_code, c.name AS commune_name,
       coalesce(nm.communes, c.name) AS communes, q.dep_code, q.geometry_status,
       q.lon, q.lat, i.population, i.youth_index, i.households, i.social_housing_rate,
       i.employment_rate, i.poverty_rate, i.caf_recipients, i.rsa
FROM t q
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
LEFT JOIN communes c ON c.code = q.commune_code
LEFT JOIN names nm ON nm.code = q.code
ORDER BY q.code
