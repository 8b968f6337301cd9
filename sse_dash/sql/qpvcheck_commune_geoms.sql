-- Commune outlines (display geometry) to name the commune of a point given by coordinates.
SELECT code, ST_AsWKB(geom_display) AS wkb
FROM communes
WHERE geom_display IS NOT NULL
