"""File exports (CSV/XLSX) shared by the pages and the CLI."""
