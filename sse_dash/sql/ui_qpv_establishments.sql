-- SSE establishments inside a QPV 2024 or within $radius m of it when it is their nearest QPV.
-- Names of non-diffusible units are never returned.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, f.label_fr AS family_label,
       e.naf, e.naf_section, e.size_class, e.employees_est, e.employer, e.created,
       e.commune_code, e.lon, e.lat, e.qpv24, e.qpv24_distance_m, e.diffusible
FROM establishments e
LEFT JOIN ref_families f ON f.code = e.family
WHERE e.qpv24 = $code OR (e.qpv24_nearest = $code AND e.qpv24_distance_m <= $radius)
ORDER BY e.qpv24_distance_m, e.siret
LIMIT $limit
