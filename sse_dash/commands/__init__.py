"""CLI subcommands. Each module exposes `register(subparsers)`; `sse_dash.cli` lists them."""
