-- Third places with what the duplicate detection compares (build).
SELECT rowid AS rid, id, name, commune_code, dataset_id, location_precision, kind
FROM third_places
