-- Establishments by size class for one territory, smallest class first.
WITH classes AS (
    SELECT size_class, min(min_employees) AS lower_bound
    FROM ref_size_bands
    GROUP BY size_class
)
SELECT a.size_class AS label,
       sum(a.establishments) AS establishments,
       sum(a.employees_est) AS employees_est
FROM agg_territory a
LEFT JOIN classes c ON c.size_class = a.size_class
WHERE a.level = $level AND a.code = $code
GROUP BY a.size_class
ORDER BY min(c.lower_bound) NULLS FIRST, label
