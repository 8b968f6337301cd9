-- Every figure of the Territoire page in ONE scan of the territory's establishments, filtered:
-- the total (dim 'total'), and counts by family, NAF section, size class and creation year
-- (missing creation dates are left out of 'year' only). Replaces five scans per page view.
SELECT
    CASE
        WHEN grouping(e.family) = 0 THEN 'family'
        WHEN grouping(e.naf_section) = 0 THEN 'naf_section'
        WHEN grouping(e.size_class) = 0 THEN 'size_class'
        WHEN grouping(year(e.created)) = 0 THEN 'year'
        ELSE 'total'
    END AS dim,
    coalesce(e.family, e.naf_section, e.size_class, CAST(year(e.created) AS VARCHAR)) AS code,
    @include(ui_sse_counts)
FROM establishments e
WHERE @include(ui_sse_filter)
GROUP BY GROUPING SETS ((e.family), (e.naf_section), (e.size_class), (year(e.created)), ())
