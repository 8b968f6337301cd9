-- The France row of `territories` (reference column of the briefing pack).
SELECT level, code, name, population, region_code, dep_code, epci_type
FROM territories
WHERE level = 'france'
LIMIT 1
