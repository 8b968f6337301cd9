-- Located establishments of a territory for the maps (slim columns), filtered; a
-- non-diffusible unit is never placed on a map (the build stores none with coordinates).
-- No ORDER BY: the table is stored in geographic order (reg, dep, commune, siret) and DuckDB
-- keeps that order, so the first $limit points are stable without sorting 50,000 rows on
-- every view.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, e.naf, e.qpv24,
       e.qpv24_status, e.lon, e.lat
FROM establishments e
WHERE e.lon IS NOT NULL AND e.lat IS NOT NULL AND e.diffusible IS NOT FALSE
  AND @include(ui_sse_filter)
LIMIT $limit
