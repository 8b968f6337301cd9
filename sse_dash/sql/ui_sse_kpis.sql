-- Key figures of the SSE establishments of a territory, with the page filters (NULL = all).
SELECT count(*) AS establishments,
       count(*) FILTER (WHERE e.employer) AS employer_establishments,
       coalesce(sum(e.employees_est), 0) AS employees_est,
       count(*) FILTER (WHERE e.qpv24 IS NOT NULL) AS in_qpv,
       count(*) FILTER (WHERE e.near_qpv300) AS near_qpv300
FROM establishments e
WHERE @include(ui_sse_filter)
