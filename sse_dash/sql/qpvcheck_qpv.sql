-- QPV attributes for « Adresse en QPV ? » (names, communes), one row per QPV and geography.
SELECT code, name, geography, dep_code, commune_codes
FROM qpv
ORDER BY geography, code
