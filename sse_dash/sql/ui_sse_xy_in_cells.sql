-- Coordinates of located establishments inside a lon/lat box and in the grid cells listed
-- ($cells: floor(lon / $cell) * 100000 + floor(lat / $cell)): the cells around the QPV of a
-- proximity question, so that a national question reads the establishments near a QPV, not
-- all of them. Establishments placed at random in their commune (qualite_xy 33) are left out.
SELECT e.lon, e.lat
FROM establishments e
WHERE e.lon BETWEEN $lon_min AND $lon_max AND e.lat BETWEEN $lat_min AND $lat_max
  AND e.qpv24_status <> 'incertain'
  AND CAST(floor(e.lon / $cell) AS BIGINT) * 100000 + CAST(floor(e.lat / $cell) AS BIGINT)
      IN (SELECT unnest($cells))
