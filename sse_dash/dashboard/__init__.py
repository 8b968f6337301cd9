"""The read model: query and view functions behind the pages, the exports and the CLI (DuckDB
in, DataFrames / figures / maps out). See docs/architecture.md."""
