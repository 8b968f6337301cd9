-- Weight of the SSE in one territory ($level, $code; France is level 'france'): active,
-- employer establishments and estimated jobs, SSE (perimeter column {perimeter}) and all.
SELECT
    coalesce(sum(establishments) FILTER (WHERE {perimeter}), 0) AS etablissements_ess,
    coalesce(sum(establishments), 0) AS etablissements_tous,
    coalesce(sum(employer_establishments) FILTER (WHERE {perimeter}), 0) AS employeurs_ess,
    coalesce(sum(employer_establishments), 0) AS employeurs_tous,
    coalesce(sum(employees_est) FILTER (WHERE {perimeter}), 0) AS emplois_estimes_ess,
    coalesce(sum(employees_est), 0) AS emplois_estimes_tous
FROM agg_weight
WHERE level = $level AND code = $code
