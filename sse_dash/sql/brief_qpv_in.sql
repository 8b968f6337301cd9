-- 2024 QPV of a territory (membership through qpv_communes, never through the main commune).
SELECT q.code, q.name, ST_AsWKB(q.geom_display) AS wkb
FROM qpv q
WHERE q.geography = '2024'
  AND q.geom_display IS NOT NULL
  AND (($level = 'qpv' AND q.code = $code)
       OR ($level <> 'qpv' AND q.code IN (
            SELECT qc.code FROM qpv_communes qc JOIN communes c ON c.code = qc.commune_code
            WHERE qc.geography = '2024' AND (($level = 'region' AND c.reg_code = $code)
       OR ($level = 'departement' AND c.dep_code = $code)
       OR ($level = 'epci' AND (c.epci_code = $code OR c.ept_code = $code))
       OR ($level = 'commune' AND c.code = $code)
       OR ($level = 'qpv' AND c.code IN (
            SELECT commune_code FROM qpv_communes WHERE code = $code AND geography = '2024'))))))
ORDER BY q.code
