-- Territories of a level whose accent-free lower-case name contains $q (empty = all), optionally
-- within a département ($dep) or a région ($reg); exact code matches come first.
SELECT level, code, name, population, region_code, dep_code, epci_type
FROM territories
WHERE level = $level
  AND ($q = '' OR name_search LIKE '%' || $q || '%' OR lower(code) = $q)
  AND ($dep IS NULL OR dep_code = $dep)
  AND ($reg IS NULL OR region_code = $reg)
ORDER BY (lower(code) = $q) DESC, name_search, code
LIMIT $limit
