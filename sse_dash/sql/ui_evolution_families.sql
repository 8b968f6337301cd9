-- SSE establishments (perimeter column {perimeter}) active on 1 January, by family and year,
-- in one territory ($level, $code).
SELECT year AS annee, family, sum(actives_jan1) AS actifs, sum(creations) AS creations,
    sum(closures) AS fermetures
FROM agg_evolution
WHERE level = $level AND code = $code AND {perimeter}
GROUP BY year, family
ORDER BY year, family
