-- Fragment: communes `c` of the territory — at most one of $region, $departement, $epci,
-- $commune, $qpv_area is set (all NULL = France), as in ui_sse_filter: a NULL parameter folds
-- its test away, so a département is a plain filter on dep_code. A QPV's communes are those
-- it spans.
($region IS NULL OR c.reg_code = $region)
  AND ($departement IS NULL OR c.dep_code = $departement)
  AND ($epci IS NULL OR c.epci_code = $epci OR c.ept_code = $epci)
  AND ($commune IS NULL OR c.code = $commune)
  AND ($qpv_area IS NULL OR c.code IN (
       SELECT qc.commune_code FROM qpv_communes qc
       WHERE qc.code = $qpv_area AND qc.geography = '2024'))
