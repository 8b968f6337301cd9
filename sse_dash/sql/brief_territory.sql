-- One territory of the unified `territories` view (briefing pack, static map).
SELECT level, code, name, population, region_code, dep_code, epci_type
FROM territories
WHERE level = $level AND code = $code
