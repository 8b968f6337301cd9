-- Consistency of agg_weight / agg_evolution, one French line per problem (none = consistent):
-- région, département and commune rows add up to the located France total; the evolution
-- identity actives(N+1) = actives(N) + creations(N) - closures(N); the last year's actives +
-- creations - closures = today's actives (agg_weight).
WITH located AS (
    SELECT sse_insee, sse_statut, sum(establishments) AS n, sum(employer_establishments) AS e,
        sum(employees_est) AS j
    FROM agg_weight WHERE level = 'commune' GROUP BY ALL
),
parts AS (
    SELECT level, sse_insee, sse_statut, sum(establishments) AS n,
        sum(employer_establishments) AS e, sum(employees_est) AS j
    FROM agg_weight WHERE level IN ('region', 'departement') GROUP BY ALL
),
level_problems AS (
    SELECT 'agg_weight ' || p.level || ' : ' || p.n || ' établissements au lieu de ' || l.n AS msg
    FROM parts AS p JOIN located AS l USING (sse_insee, sse_statut)
    WHERE p.n <> l.n OR p.e <> l.e OR abs(p.j - l.j) > 1e-6
),
series AS (
    SELECT level, code, year, sum(actives_jan1) AS a, sum(creations) AS c, sum(closures) AS f
    FROM agg_evolution GROUP BY ALL
),
identity_problems AS (
    SELECT 'agg_evolution ' || s.level || ' ' || s.code || ' ' || s.year || ' : identité fausse' AS msg
    FROM series AS s
    JOIN series AS n ON n.level = s.level AND n.code = s.code AND n.year = s.year + 1
    WHERE n.a <> s.a + s.c - s.f
),
today AS (
    SELECT level, code, sum(establishments) AS n FROM agg_weight
    WHERE level <> 'qpv' GROUP BY ALL
),
last AS (
    SELECT level, code, a + c - f AS n FROM series
    WHERE year = (SELECT max(year) FROM agg_evolution)
),
today_problems AS (
    SELECT 'agg_evolution ' || coalesce(l.level, t.level) || ' ' || coalesce(l.code, t.code)
        || ' : ' || coalesce(l.n, 0) || ' actifs reconstitués, ' || coalesce(t.n, 0)
        || ' aujourd''hui' AS msg
    FROM last AS l FULL JOIN today AS t ON t.level = l.level AND t.code = l.code
    WHERE coalesce(l.n, 0) <> coalesce(t.n, 0)
)
SELECT msg FROM level_problems
UNION ALL SELECT msg FROM identity_problems
UNION ALL SELECT msg FROM today_problems
ORDER BY msg
