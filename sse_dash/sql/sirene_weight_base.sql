-- weight_raw classified: perimeters, family, NAF section, observatory sector group, size class,
-- employer flag and estimated jobs (midpoint of the size band, ref_size_bands.estimate).
CREATE OR REPLACE TEMP TABLE weight_base AS
SELECT
    r.active,
    r.created,
    r.closed,
    r.sse_insee,
    coalesce(f.statutory, false) AS sse_statut,
    CASE WHEN r.sse_insee OR coalesce(f.statutory, false)
        THEN coalesce(f.family, 'autre') ELSE 'hors_ess' END AS family,
    n.section AS naf_section,
    coalesce(n.sector_group, 'autres') AS sector_group,
    coalesce(b.size_class, 'NN') AS size_class,
    coalesce(b.min_employees >= 1, false) AS employer,
    coalesce(b.estimate, 0.0) AS employees_est,
    r.qpv24,
    r.commune_code,
    r.dep_code,
    r.reg_code,
    r.epci_code,
    r.ept_code
FROM weight_raw AS r
LEFT JOIN weight_category_map AS f ON f.legal_category IS NOT DISTINCT FROM r.legal_category
LEFT JOIN weight_activity_map AS n ON n.activity_key = r.activity_key
LEFT JOIN ref_size_bands AS b ON b.code = r.size_band_raw
