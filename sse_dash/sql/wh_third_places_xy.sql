-- Third places with coordinates, for their nearest-QPV computation (build).
SELECT id, lon, lat FROM third_places WHERE lon IS NOT NULL AND lat IS NOT NULL
