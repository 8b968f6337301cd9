-- Establishments of a territory for the map and the table, filtered; names of non-diffusible
-- units are never returned. Rows with coordinates first.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, e.naf, e.naf_section,
       e.size_class, e.employees_est, e.employer, e.created, e.commune_code, e.qpv24,
       e.qpv24_distance_m, e.near_qpv300, e.lon, e.lat
FROM establishments e
WHERE @include(ui_sse_filter)
ORDER BY (e.lon IS NULL), e.siret
LIMIT $limit
