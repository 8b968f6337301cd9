-- Warehouse meta (catalog, built_at, sirene_synthetic, schema_version).
SELECT key, value FROM meta
