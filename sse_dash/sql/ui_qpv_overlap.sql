-- QPV of the other geography that intersect a QPV (2015 <-> 2024 comparison), with the share
-- of the given QPV's area they cover (membership geometries, areas in EPSG:2154 m²).
SELECT o.code, o.name, o.geography,
       ST_Area(ST_Transform(ST_Intersection(q.geom, o.geom), 'EPSG:4326', 'EPSG:2154', always_xy := true))
         / nullif(ST_Area(ST_Transform(q.geom, 'EPSG:4326', 'EPSG:2154', always_xy := true)), 0) AS share,
       ST_AsGeoJSON(ST_ReducePrecision(o.geom_display, 0.00001)) AS geometry
FROM qpv q
JOIN qpv o ON o.geography <> q.geography AND ST_Intersects(q.geom, o.geom)
WHERE q.code = $code
ORDER BY share DESC
