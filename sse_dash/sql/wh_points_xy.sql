-- Points of a point layer ({table}: third_places or ptce, checked by queries.ident) with their
-- location precision, for the nearest-QPV computation of the build.
SELECT rowid AS rid, id, lon, lat, location_precision FROM {table}
