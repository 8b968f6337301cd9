-- Sum of one level of agg_territory.
SELECT sum(establishments), sum(employer_establishments), sum(employees_est),
       sum(in_qpv), sum(near_qpv300), sum(qpv_uncertain)
FROM agg_territory
WHERE level = $level
