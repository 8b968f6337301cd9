-- Counts of the codes INSEE publishes in the geolocation file and of our location precision,
-- for `data status`: (variable, value, establishments). A QPV code counts as « code QPV ».
SELECT 'plg_qp24' AS variable,
       CASE WHEN insee_plg_qp24 IS NULL THEN NULL
            WHEN insee_plg_qp24 IN ('HZ', 'CSZ') THEN insee_plg_qp24 ELSE 'QPV' END AS value,
       count(*) AS n
FROM establishments GROUP BY 1, 2
UNION ALL
SELECT 'plg_qp15',
       CASE WHEN insee_plg_qp15 IS NULL THEN NULL
            WHEN insee_plg_qp15 IN ('HZ', 'CSZ') THEN insee_plg_qp15 ELSE 'QPV' END,
       count(*)
FROM establishments GROUP BY 1, 2
UNION ALL
SELECT 'qualite_qp24', insee_qualite_qp24, count(*) FROM establishments GROUP BY 1, 2
UNION ALL
SELECT 'qualite_qp15', insee_qualite_qp15, count(*) FROM establishments GROUP BY 1, 2
UNION ALL
SELECT 'qualite_xy', geo_quality, count(*) FROM establishments GROUP BY 1, 2
UNION ALL
SELECT 'location_precision', location_precision, count(*) FROM establishments GROUP BY 1, 2
ORDER BY 1, 2 NULLS LAST
