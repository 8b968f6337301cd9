-- Establishments of a territory by creation year, filtered (missing dates left out).
SELECT year(e.created) AS year, count(*) AS establishments
FROM establishments e
WHERE e.created IS NOT NULL
  AND @include(ui_sse_filter)
GROUP BY 1
ORDER BY 1
