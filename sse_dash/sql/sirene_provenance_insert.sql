-- One provenance row for a SIRENE input (real or synthetic).
INSERT INTO provenance (dataset_id, role, title, publisher, licence, source, retrieved_at,
                        sha256, size_bytes, vintage, rows, synthetic, notes, built_at)
VALUES ($dataset_id, $role, $title, $publisher, $licence, $source, $retrieved_at,
        $sha256, $size_bytes, $vintage, $rows, $synthetic, $notes, current_timestamp)
