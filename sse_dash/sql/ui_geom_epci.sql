-- EPCI (of a région $reg or a département $dep when given; an EPCI's région and département are
-- those of its most populated commune) with population and a display shape simplified to
-- ~500 m. The Métropole du Grand Paris is drawn as its EPT, which partition it.
SELECT e.code, e.name, e.population,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(e.geom_display, 0.005)) AS geometry
FROM epci AS e
JOIN territories AS t ON t.level = 'epci' AND t.code = e.code
WHERE e.geom_display IS NOT NULL
  AND ($reg IS NULL OR t.region_code = $reg)
  AND ($dep IS NULL OR t.dep_code = $dep)
  AND e.code NOT IN (SELECT DISTINCT epci_code FROM communes
                     WHERE ept_code IS NOT NULL AND epci_code IS NOT NULL)
ORDER BY e.code
