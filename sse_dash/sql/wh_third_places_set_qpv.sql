-- Nearest QPV 2024 of each third place, from the frame registered as third_places_qpv.
UPDATE third_places AS t
SET qpv24 = q.qpv24, qpv24_nearest = q.qpv24_nearest, qpv24_distance_m = q.qpv24_distance_m
FROM third_places_qpv AS q
WHERE q.id = t.id AND q.lon = t.lon AND q.lat = t.lat
