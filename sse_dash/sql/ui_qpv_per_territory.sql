-- Number and population of QPV 2024 for several territories ($keys = ['level|code', ...]).
WITH k AS (
  SELECT split_part(x, '|', 1) AS level, split_part(x, '|', 2) AS code
  FROM unnest($keys) t(x)
), kc AS (
  SELECT k.level, k.code,
         CASE WHEN k.level = 'epci' THEN (SELECT list(c.code) FROM communes c
              WHERE c.epci_code = k.code OR c.ept_code = k.code) END AS communes
  FROM k
)
SELECT kc.level, kc.code, count(q.code) AS qpv, sum(i.population) AS qpv_population
FROM kc
LEFT JOIN qpv q ON q.geography = '2024' AND (
    kc.level = 'france'
    OR (kc.level = 'region' AND q.reg_code = kc.code)
    OR (kc.level = 'departement' AND q.dep_code = kc.code)
    OR (kc.level = 'epci' AND (q.epci_code = kc.code OR list_has_any(q.commune_codes, kc.communes)))
    OR (kc.level = 'commune' AND list_contains(q.commune_codes, kc.code)))
LEFT JOIN qpv_indicators i ON i.code = q.code AND i.geography = q.geography
GROUP BY kc.level, kc.code
