-- Key figures of a territory with filters (the 'total' row of ui_sse_summary alone): the
-- parent and France references of the Territoire page need only this, and a plain aggregate
-- of France is ~5x cheaper than the grouping sets.
SELECT
    'total' AS dim,
    CAST(NULL AS VARCHAR) AS code,
    @include(ui_sse_counts)
FROM establishments e
WHERE @include(ui_sse_filter)
