-- The canonical `establishments` table (docs/warehouse.md). Names and coordinates of
-- non-diffusible establishments are never stored; they are still counted. QPV membership is
-- only claimed for a precise enough location: `qpv24_status` / `near_qpv300_status` say
-- « oui », « non » or « incertain » (sse_dash.sirene.location), and `qpv24`, `qpv15`,
-- `qpv24_nearest`, `qpv24_distance_m` stay NULL for an uncertain location (a random point in
-- the commune has no meaningful distance to a QPV).
CREATE OR REPLACE TABLE establishments AS
WITH r AS (
    SELECT
        *,
        coalesce(ul_diffusion, 'O') NOT IN ('P', 'N')
            AND coalesce(et_diffusion, 'O') NOT IN ('P', 'N') AS diffusible,
        coalesce(
            nullif(enseigne, '[ND]'),
            nullif(usual_name, '[ND]'),
            nullif(ul_name, '[ND]'),
            nullif(ul_sigle, '[ND]'),
            nullif(nullif(ul_person, ''), '[ND]')
        ) AS any_name
    FROM sirene_raw
)
SELECT
    r.siret,
    r.siren,
    CASE WHEN r.diffusible THEN r.any_name END AS name,
    r.diffusible,
    coalesce(f.family, 'autre') AS family,
    r.legal_category,
    n.naf,
    n.naf_nomenclature,
    n.section AS naf_section,
    coalesce(b.code, 'NN') AS size_band,
    coalesce(b.size_class, 'NN') AS size_class,
    coalesce(b.estimate, 0.0) AS employees_est,
    coalesce(b.min_employees >= 1, false) AS employer,
    r.created,
    r.commune_code,
    r.commune_raw AS commune_code_raw,
    c.epci_code,
    c.ept_code,
    r.dep_code,
    r.reg_code,
    CASE WHEN r.diffusible THEN g.lon END AS lon,
    CASE WHEN r.diffusible THEN g.lat END AS lat,
    r.qualite_xy AS geo_quality,
    g.geo_source,
    g.location_precision,
    g.qpv24_status,
    g.near_qpv300_status,
    CASE WHEN g.qpv24_status = 'oui' THEN g.qpv24 END AS qpv24,
    CASE WHEN g.qpv24_status <> 'incertain' THEN g.qpv15 END AS qpv15,
    CASE WHEN g.qpv24_status <> 'incertain' THEN g.qpv24_nearest END AS qpv24_nearest,
    CASE WHEN g.qpv24_status <> 'incertain' THEN g.qpv24_distance_m END AS qpv24_distance_m,
    g.near_qpv300_status = 'oui' AS near_qpv300,
    r.insee_plg_qp24,
    r.insee_qualite_qp24,
    r.insee_plg_qp15,
    r.insee_qualite_qp15
FROM r
JOIN sirene_geo AS g ON g.rn = r.rn
LEFT JOIN sirene_family_map AS f ON f.legal_category = r.legal_category
LEFT JOIN sirene_naf_map AS n ON n.activity_key = r.activity_key
LEFT JOIN ref_size_bands AS b ON b.code = r.size_band_raw
LEFT JOIN communes AS c ON c.code = r.commune_code
-- Stored in geographic order: the filters of the pages (région, département, commune) then skip
-- most row groups (DuckDB zone maps), ~3x faster than in SIRET order on the national table.
ORDER BY r.reg_code, r.dep_code, r.commune_code, r.siret
