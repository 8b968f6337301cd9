-- Fragment included by the ui_sse_* queries: establishments `e` of the territory under the
-- page filters. Territory: at most one of $region, $departement, $epci, $commune is set (all
-- NULL = France). Each is written `$x IS NULL OR column = $x`: DuckDB folds the bound value
-- into a plain comparison on the column and skips row groups by their min/max (the table is
-- stored by reg, dep, commune), which a `$level = … AND …` chain of ORs did not allow
-- (50,000 points of a département: 41 -> 17 ms). An EPCI/EPT is also looked up through its
-- communes (establishments take epci_code/ept_code from their commune, so it is the same set):
-- DuckDB then filters the scan by the communes' codes (Aix-Marseille-Provence: 113 -> 25 ms).
-- A QPV territory ($qpv_area, exports) is the establishments inside that QPV (as
-- agg_territory's level 'qpv').
-- Filters: $family, $sector, $size (NULL = all), $qpv in all/in/near, $employer.
($region IS NULL OR e.reg_code = $region)
  AND ($departement IS NULL OR e.dep_code = $departement)
  AND ($epci IS NULL OR ((e.epci_code = $epci OR e.ept_code = $epci)
       AND e.commune_code IN (SELECT c.code FROM communes c
                              WHERE c.epci_code = $epci OR c.ept_code = $epci)))
  AND ($commune IS NULL OR e.commune_code = $commune)
  AND ($qpv_area IS NULL OR e.qpv24 = $qpv_area)
  AND ($family IS NULL OR e.family = $family)
  AND ($sector IS NULL OR e.naf_section = $sector)
  AND ($size IS NULL OR e.size_class = $size)
  AND ($qpv = 'all' OR ($qpv = 'in' AND e.qpv24_status = 'oui') OR ($qpv = 'near' AND e.near_qpv300))
  AND (NOT $employer OR e.employer)
