-- Evolution in one territory ($level, $code), one row per year: SSE establishments (perimeter
-- column {perimeter}) and all establishments active on 1 January, creations and closures.
SELECT
    year AS annee,
    coalesce(sum(actives_jan1) FILTER (WHERE {perimeter}), 0) AS etablissements_ess_actifs_1er_janvier,
    coalesce(sum(creations) FILTER (WHERE {perimeter}), 0) AS creations_ess,
    coalesce(sum(closures) FILTER (WHERE {perimeter}), 0) AS fermetures_ess,
    sum(actives_jan1) AS etablissements_tous_actifs_1er_janvier,
    sum(creations) AS creations_tous,
    sum(closures) AS fermetures_tous
FROM agg_evolution
WHERE level = $level AND code = $code
GROUP BY year
ORDER BY year
