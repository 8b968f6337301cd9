-- Establishments with coordinates inside a lon/lat box and in the grid cells listed ($cells:
-- floor(lon / $cell) * 100000 + floor(lat / $cell), the cells around the PTCE of a proximity
-- question), optionally of one NAF section. Establishments placed at random in their commune
-- (qualite_xy 33) are left out: their point says nothing about a distance.
SELECT e.siret, CASE WHEN e.diffusible THEN e.name END AS name, e.family, e.naf, e.naf_section,
       e.commune_code, e.lon, e.lat
FROM establishments e
WHERE e.lon BETWEEN $lon_min AND $lon_max AND e.lat BETWEEN $lat_min AND $lat_max
  AND e.qpv24_status <> 'incertain'
  AND ($sector IS NULL OR e.naf_section = $sector)
  AND CAST(floor(e.lon / $cell) AS BIGINT) * 100000 + CAST(floor(e.lat / $cell) AS BIGINT)
      IN (SELECT unnest($cells))
