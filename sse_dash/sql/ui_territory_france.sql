-- The France row of the territories view.
SELECT level, code, name, population, region_code, dep_code, epci_type
FROM territories
WHERE level = 'france'
LIMIT 1
