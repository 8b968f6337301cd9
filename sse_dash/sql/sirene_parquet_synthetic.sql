-- 1 when a Parquet file carries sse_dash's « synthetic » key-value metadata (written by the
-- synthetic generator), else 0 ($source: path or URL; only the footer is read).
SELECT count(*) > 0
FROM parquet_kv_metadata($source)
WHERE decode(key) = 'sse_dash_synthetic' AND decode(value) = 'true'
