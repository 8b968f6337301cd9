-- Names of the communes whose codes are listed (tables show « Saint-Denis (93066) »).
SELECT code, name
FROM communes
WHERE list_contains($codes, code)
