-- Communes of a territory (level/code bound), with population and display contour.
SELECT c.code, c.name, c.population, ST_AsWKB(c.geom_display) AS wkb
FROM communes c
WHERE ($level = 'region' AND c.reg_code = $code)
       OR ($level = 'departement' AND c.dep_code = $code)
       OR ($level = 'epci' AND (c.epci_code = $code OR c.ept_code = $code))
       OR ($level = 'commune' AND c.code = $code)
       OR ($level = 'qpv' AND c.code IN (
            SELECT commune_code FROM qpv_communes WHERE code = $code AND geography = '2024'))
ORDER BY c.code
