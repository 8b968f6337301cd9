-- Coordinates of one chunk of sirene_raw, for the QPV assignment done in Python.
SELECT rn, geo_lon, geo_lat, geo_x, geo_y, geo_epsg, stock_x, stock_y, dep_code, qualite_xy
FROM sirene_raw
WHERE rn >= $lo AND rn < $hi
ORDER BY rn
