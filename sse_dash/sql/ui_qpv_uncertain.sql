-- SSE establishments of the communes of one QPV 2024 whose location is too coarse to say
-- whether they are in it (status « incertain »): not counted in or near it, said apart.
SELECT count(*) AS n
FROM establishments e
WHERE e.qpv24_status = 'incertain'
  AND e.commune_code IN (SELECT commune_code FROM qpv_communes
                         WHERE code = $code AND geography = '2024')
