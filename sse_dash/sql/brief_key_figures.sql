-- Headline SSE figures of one territory; agg_territory is additive, so rows are summed.
SELECT count(*) AS n_rows,
       sum(establishments) AS establishments,
       sum(employer_establishments) AS employer_establishments,
       sum(employees_est) AS employees_est,
       sum(in_qpv) AS in_qpv,
       sum(near_qpv300) AS near_qpv300,
       sum(qpv_uncertain) AS qpv_uncertain
FROM agg_territory
WHERE level = $level AND ($code IS NULL OR code = $code)
