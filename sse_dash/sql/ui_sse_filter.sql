-- Fragment included by the ui_sse_* queries: establishments `e` of the territory
-- ($level, $code) under the page filters ($family, $sector, $size: NULL = all; $qpv in
-- all/in/near; $employer).
($level = 'france'
    OR ($level = 'region' AND e.reg_code = $code)
    OR ($level = 'departement' AND e.dep_code = $code)
    OR ($level = 'epci' AND (e.epci_code = $code OR e.ept_code = $code))
    OR ($level = 'commune' AND e.commune_code = $code))
  AND ($family IS NULL OR e.family = $family)
  AND ($sector IS NULL OR e.naf_section = $sector)
  AND ($size IS NULL OR e.size_class = $size)
  AND ($qpv = 'all' OR ($qpv = 'in' AND e.qpv24 IS NOT NULL) OR ($qpv = 'near' AND e.near_qpv300))
  AND (NOT $employer OR e.employer)
