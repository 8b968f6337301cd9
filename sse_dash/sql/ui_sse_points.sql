-- Establishments of a territory for the table, filtered, by commune then SIRET (located or
-- not); names of non-diffusible units are never returned.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, e.naf, e.naf_section,
       e.size_class, e.employees_est, e.employer, e.created, e.commune_code, e.qpv24,
       e.qpv24_distance_m, e.near_qpv300, e.lon, e.lat
FROM establishments e
WHERE @include(ui_sse_filter)
ORDER BY e.commune_code, e.siret
LIMIT $limit
