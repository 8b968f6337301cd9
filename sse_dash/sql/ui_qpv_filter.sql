-- Fragment included by the ui_qpv_* queries: QPV `q` inside the territory ($level, $code).
-- A QPV belongs to an EPCI/EPT or commune when one of its communes does.
(
    $level = 'france'
    OR ($level = 'region' AND q.reg_code = $code)
    OR ($level = 'departement' AND q.dep_code = $code)
    OR ($level = 'epci' AND (q.epci_code = $code OR list_has_any(q.commune_codes,
        (SELECT list(c2.code) FROM communes c2 WHERE c2.epci_code = $code OR c2.ept_code = $code))))
    OR ($level = 'commune' AND list_contains(q.commune_codes, $code))
  )
