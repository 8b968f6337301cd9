-- SSE establishments per commune of a territory (choropleth of the static map).
SELECT a.code, sum(a.establishments) AS establishments
FROM agg_territory a
JOIN communes c ON c.code = a.code
WHERE a.level = 'commune' AND (($level = 'region' AND c.reg_code = $code)
       OR ($level = 'departement' AND c.dep_code = $code)
       OR ($level = 'epci' AND (c.epci_code = $code OR c.ept_code = $code))
       OR ($level = 'commune' AND c.code = $code)
       OR ($level = 'qpv' AND c.code IN (
            SELECT commune_code FROM qpv_communes WHERE code = $code AND geography = '2024')))
GROUP BY a.code
