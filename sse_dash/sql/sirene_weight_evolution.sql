-- agg_evolution: per territory × perimeter flags × family × year ($first_year .. $last_year):
-- establishments active on 1 January, creations and closures during the year.
-- Years of creation and closure are clamped to [$first_year - 1, $last_year] (a closure never
-- before its creation; a missing creation date counts as before the series; a closed
-- establishment without a date closes the year it was created), so that
-- actives(N+1) = actives(N) + creations(N) - closures(N) holds exactly and the last year's
-- actives + creations - closures = the establishments active today.
CREATE OR REPLACE TABLE agg_evolution AS
WITH b AS (
    SELECT
        sse_insee, sse_statut, family, reg_code, dep_code, epci_code, ept_code, commune_code,
        least(greatest(year(coalesce(created, DATE '1900-01-01')), $first_year - 1), $last_year)
            AS cy,
        CASE WHEN NOT active THEN least(greatest(
            year(greatest(coalesce(closed, DATE '1900-01-01'),
                          coalesce(created, DATE '1900-01-01'))),
            $first_year - 1), $last_year) END AS fy
    FROM weight_base
),
by_commune AS (
    SELECT commune_code, reg_code, dep_code, epci_code, ept_code, sse_insee, sse_statut, family,
        cy, fy, count(*) AS n
    FROM b
    WHERE fy IS NULL OR fy >= $first_year
    GROUP BY ALL
),
flows AS (
    SELECT level, code, sse_insee, sse_statut, family, cy, fy, sum(n) AS n
    FROM (
        SELECT 'france' AS level, $france_code AS code, * FROM by_commune
        UNION ALL SELECT 'region', reg_code, * FROM by_commune WHERE reg_code IS NOT NULL
        UNION ALL SELECT 'departement', dep_code, * FROM by_commune WHERE dep_code IS NOT NULL
        UNION ALL SELECT 'epci', epci_code, * FROM by_commune WHERE epci_code IS NOT NULL
        UNION ALL SELECT 'epci', ept_code, * FROM by_commune WHERE ept_code IS NOT NULL
        UNION ALL SELECT 'commune', commune_code, * FROM by_commune WHERE commune_code IS NOT NULL
    )
    GROUP BY ALL
),
years AS (SELECT range AS year FROM range($first_year, $last_year + 1))
SELECT
    f.level, f.code, f.sse_insee, f.sse_statut, f.family, y.year,
    coalesce(sum(f.n) FILTER (WHERE f.cy < y.year AND (f.fy IS NULL OR f.fy >= y.year)), 0)
        AS actives_jan1,
    coalesce(sum(f.n) FILTER (WHERE f.cy = y.year), 0) AS creations,
    coalesce(sum(f.n) FILTER (WHERE f.fy = y.year), 0) AS closures
FROM flows AS f
JOIN years AS y ON f.cy <= y.year AND (f.fy IS NULL OR f.fy >= y.year)
GROUP BY ALL
ORDER BY level, code, year
