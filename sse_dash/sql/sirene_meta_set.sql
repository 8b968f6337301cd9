-- Set one meta key (delete + insert works with or without a primary key on `key`).
DELETE FROM meta WHERE "key" = $key;
INSERT INTO meta ("key", "value") VALUES ($key, $value);
