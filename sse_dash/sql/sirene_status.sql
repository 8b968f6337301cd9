-- Figures for `data status`: counts, employer share, QPV status and agreement with INSEE.
-- Comparable rows: our location is precise enough (status « oui » or « non ») and INSEE gives
-- a zone it is sure of (plg_qp24 filled, qualite_qp24 = 1; a vintage without that column is
-- taken as sure). « HZ » (hors zone) and « CSZ » (commune sans zonage) both mean « outside ».
SELECT
    count(*) AS establishments,
    count(*) FILTER (WHERE employer) AS employers,
    count(*) FILTER (WHERE NOT diffusible) AS non_diffusible,
    count(*) FILTER (WHERE geo_source = 'none') AS without_coordinates,
    count(*) FILTER (WHERE qpv24_status = 'oui') AS in_qpv,
    count(*) FILTER (WHERE near_qpv300_status = 'oui') AS near_qpv,
    count(*) FILTER (WHERE qpv24_status = 'incertain') AS uncertain,
    count(*) FILTER (WHERE qpv24_status IN ('oui', 'non') AND insee_plg_qp24 IS NOT NULL
                       AND coalesce(insee_qualite_qp24, '1') = '1') AS compared,
    count(*) FILTER (WHERE qpv24_status IN ('oui', 'non') AND insee_plg_qp24 IS NOT NULL
                       AND coalesce(insee_qualite_qp24, '1') = '1'
                       AND ((qpv24_status = 'oui' AND insee_plg_qp24 = qpv24)
                            OR (qpv24_status = 'non' AND insee_plg_qp24 IN ('HZ', 'CSZ'))))
        AS agree
FROM establishments
