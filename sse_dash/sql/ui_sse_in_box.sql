-- Establishments with coordinates inside a lon/lat box (proximity searches across borders),
-- optionally of one NAF section.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, e.naf, e.naf_section,
       e.commune_code, e.lon, e.lat
FROM establishments e
WHERE e.lon BETWEEN $lon_min AND $lon_max AND e.lat BETWEEN $lat_min AND $lat_max
  AND ($sector IS NULL OR e.naf_section = $sector)
