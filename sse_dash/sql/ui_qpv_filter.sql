-- « The QPV of a territory », written once: QPV `q` inside the territory ($level, $code),
-- included by every query listing, drawing or counting the QPV of a territory (pages,
-- briefing pack, static maps, comparisons). A QPV belongs to a région or département by its
-- own codes, to an EPCI/EPT or a commune when one of its communes does; a QPV territory
-- (exports) is that QPV.
(
    $level = 'france'
    OR ($level = 'region' AND q.reg_code = $code)
    OR ($level = 'departement' AND q.dep_code = $code)
    OR ($level = 'epci' AND (q.epci_code = $code OR list_has_any(q.commune_codes,
        (SELECT list(c2.code) FROM communes c2 WHERE c2.epci_code = $code OR c2.ept_code = $code))))
    OR ($level = 'commune' AND list_contains(q.commune_codes, $code))
    OR ($level = 'qpv' AND q.code = $code)
  )
