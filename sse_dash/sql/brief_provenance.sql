-- Provenance rows for source lines and the « Sources » sheet (sse_dash.export.provenance).
SELECT dataset_id, role, title, publisher, licence, source, retrieved_at, vintage, synthetic
FROM provenance
ORDER BY dataset_id
