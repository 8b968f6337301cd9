-- agg_territory totals for every commune of a territory (see ui_commune_filter): commune
-- choropleths.
SELECT a.code, sum(a.establishments) AS establishments,
       sum(a.employer_establishments) AS employer_establishments,
       sum(a.employees_est) AS employees_est, sum(a.in_qpv) AS in_qpv,
       sum(a.near_qpv300) AS near_qpv300, sum(a.qpv_uncertain) AS qpv_uncertain
FROM agg_territory a
JOIN communes c ON c.code = a.code
WHERE a.level = 'commune' AND @include(ui_commune_filter)
GROUP BY a.code
