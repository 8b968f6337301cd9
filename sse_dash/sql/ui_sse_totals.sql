-- Key figures of a territory with filters (the 'total' row of ui_sse_summary alone): the
-- parent and France references of the Territoire page need only this, and a plain aggregate
-- of France is ~5x cheaper than the grouping sets.
SELECT
    'total' AS dim,
    CAST(NULL AS VARCHAR) AS code,
    count(*) AS establishments,
    count(*) FILTER (WHERE e.employer) AS employer_establishments,
    coalesce(sum(e.employees_est), 0) AS employees_est,
    count(*) FILTER (WHERE e.qpv24 IS NOT NULL) AS in_qpv,
    count(*) FILTER (WHERE e.near_qpv300) AS near_qpv300
FROM establishments e
WHERE @include(ui_sse_filter)
