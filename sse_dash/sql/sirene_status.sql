-- Figures for `data status`: counts, employer share, QPV membership and agreement with INSEE.
SELECT
    count(*) AS establishments,
    count(*) FILTER (WHERE employer) AS employers,
    count(*) FILTER (WHERE NOT diffusible) AS non_diffusible,
    count(*) FILTER (WHERE geo_source = 'none') AS without_coordinates,
    count(qpv24) AS in_qpv,
    count(*) FILTER (WHERE insee_plg_qp24 IS NOT NULL AND qpv24_distance_m IS NOT NULL)
        AS compared,
    count(*) FILTER (WHERE insee_plg_qp24 IS NOT NULL AND qpv24_distance_m IS NOT NULL
                       AND coalesce(qpv24, 'CSZ') = insee_plg_qp24) AS agree
FROM establishments
