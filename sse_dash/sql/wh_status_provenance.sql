SELECT dataset_id, source, retrieved_at, sha256, vintage, rows, synthetic
FROM provenance
ORDER BY dataset_id
