-- Fragment included by ui_sse_summary and ui_sse_totals: the counts of establishments `e`
-- (one definition, so that a territory and its references are counted alike). in_qpv and
-- near_qpv300 only count establishments located precisely enough to say so; qpv_uncertain
-- counts the others (random point in the commune, no coordinates).
count(*) AS establishments,
count(*) FILTER (WHERE e.employer) AS employer_establishments,
coalesce(sum(e.employees_est), 0) AS employees_est,
count(*) FILTER (WHERE e.qpv24_status = 'oui') AS in_qpv,
count(*) FILTER (WHERE e.near_qpv300) AS near_qpv300,
count(*) FILTER (WHERE e.qpv24_status = 'incertain') AS qpv_uncertain
