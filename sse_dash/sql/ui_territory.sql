-- One territory by level and code.
SELECT level, code, name, population, region_code, dep_code, epci_type
FROM territories
WHERE level = $level AND code = $code
LIMIT 1
