-- Row count of a Parquet file from its footer only ($source: path or URL; with httpfs, a
-- few kilobytes are read whatever the size of the file).
SELECT sum(num_rows) FROM parquet_file_metadata($source)
