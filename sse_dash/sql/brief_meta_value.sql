-- One value of the warehouse `meta` table.
SELECT value FROM meta WHERE key = $key
