-- Provenance of every dataset in the warehouse.
SELECT dataset_id, role, title, publisher, licence, source, retrieved_at, vintage, rows,
       synthetic, notes, built_at, sha256
FROM provenance
ORDER BY synthetic DESC, dataset_id
