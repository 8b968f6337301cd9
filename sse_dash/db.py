"""DuckDB connections. The spatial (and httpfs) extensions are loaded from their PyPI wheels
by path: nothing is fetched from the network and nothing is written to $HOME."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import duckdb

_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet (run `python -m sse_dash data build`)."""


def extension_path(name: str) -> Path:
    """Path of the signed extension file shipped in the `duckdb-extension-<name>` wheel."""
    pkg = importlib.resources.files(f"duckdb_extension_{name}")
    target = pkg / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    path = Path(str(target))
    if not path.exists():
        raise RuntimeError(
            f"Extension DuckDB « {name} » introuvable pour DuckDB {duckdb.__version__} "
            f"(attendu : {path}). Installez duckdb-extension-{name}=={duckdb.__version__}."
        )
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"LOAD '{extension_path(name)}'")


def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    spatial: bool = True,
    httpfs: bool = False,
    threads: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a connection with the extensions loaded. `path=None` opens an in-memory database."""
    if path is not None and read_only and not Path(path).exists():
        raise WarehouseMissing(str(path))
    config = dict(_CONFIG)
    if threads:
        config["threads"] = str(threads)
    con = duckdb.connect(
        str(path) if path is not None else ":memory:", read_only=read_only, config=config
    )
    if spatial:
        load_extension(con, "spatial")
    if httpfs:
        load_extension(con, "httpfs")
    return con


def open_warehouse(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the built warehouse (the app and every reader use this)."""
    from sse_dash import config

    return connect(path or config.warehouse_path(), read_only=True)


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])
