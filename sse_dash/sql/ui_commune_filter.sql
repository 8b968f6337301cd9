-- Fragment: communes `c` of the territory ($level, $code) — the communes a QPV spans for a QPV.
(
    $level = 'france'
    OR ($level = 'region' AND c.reg_code = $code)
    OR ($level = 'departement' AND c.dep_code = $code)
    OR ($level = 'epci' AND (c.epci_code = $code OR c.ept_code = $code))
    OR ($level = 'commune' AND c.code = $code)
    OR ($level = 'qpv' AND list_contains(
        (SELECT any_value(q.commune_codes) FROM qpv q WHERE q.code = $code AND q.geography = '2024'),
        c.code))
  )
