SELECT "key", "value" FROM meta ORDER BY "key"
