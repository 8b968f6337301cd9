-- Active establishments of one territory by perimeter: INSEE flag and statutory perimeter
-- (associations, coopératives, mutuelles, fondations by legal category).
SELECT
    coalesce(sum(establishments) FILTER (WHERE sse_insee AND sse_statut), 0) AS both,
    coalesce(sum(establishments) FILTER (WHERE sse_insee AND NOT sse_statut), 0) AS insee_only,
    coalesce(sum(establishments) FILTER (WHERE sse_statut AND NOT sse_insee), 0) AS statut_only
FROM agg_weight
WHERE level = $level AND code = $code
