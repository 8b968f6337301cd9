"""Pure query and view functions behind the pages (DuckDB in, DataFrames / figures / maps out)."""
