-- Column names of a Parquet file, from its footer ($source: path or URL).
SELECT name FROM parquet_schema($source)
