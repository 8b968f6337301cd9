-- QPV 2024 status of each point of a layer ({table}: third_places or ptce) from the frame
-- registered as points_qpv (one row per row id of the layer).
UPDATE {table} AS t
SET qpv24 = q.qpv24, qpv24_nearest = q.qpv24_nearest, qpv24_distance_m = q.qpv24_distance_m,
    qpv24_status = q.qpv24_status, near_qpv300_status = q.near_qpv300_status
FROM points_qpv AS q
WHERE q.rid = t.rowid
