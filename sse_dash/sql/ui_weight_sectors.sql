-- SSE share of each observatory sector group in one territory ($level, $code): establishments,
-- employer establishments and estimated jobs, SSE (perimeter column {perimeter}) and all.
SELECT
    g.code AS secteur,
    g.label_fr AS libelle,
    g.sort,
    coalesce(sum(a.establishments) FILTER (WHERE a.{perimeter}), 0) AS etablissements_ess,
    coalesce(sum(a.establishments), 0) AS etablissements_tous,
    coalesce(sum(a.employer_establishments) FILTER (WHERE a.{perimeter}), 0) AS employeurs_ess,
    coalesce(sum(a.employer_establishments), 0) AS employeurs_tous,
    coalesce(sum(a.employees_est) FILTER (WHERE a.{perimeter}), 0) AS emplois_estimes_ess,
    coalesce(sum(a.employees_est), 0) AS emplois_estimes_tous
FROM ref_sector_groups AS g
LEFT JOIN agg_weight AS a ON a.sector_group = g.code AND a.level = $level AND a.code = $code
GROUP BY g.code, g.label_fr, g.sort
ORDER BY g.sort
