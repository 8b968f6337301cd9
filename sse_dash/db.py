"""DuckDB connections. The spatial (and httpfs) extensions are loaded from their PyPI wheels
by path: nothing is fetched from the network and nothing is written to $HOME."""

from __future__ import annotations

import importlib.resources
import threading
import time
from collections.abc import Callable
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


def connect_for_build(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Read-write connection of a build: DuckDB's memory bounded (config.build_memory), the
    excess spilled to a temporary folder beside the warehouse file."""
    from sse_dash import config

    path = Path(path)
    spill = path.with_name(path.name + ".spill")
    con = connect(path)
    con.execute(f"SET memory_limit = '{config.build_memory()}'")  # checked by config
    quoted = str(spill).replace("'", "''")
    con.execute(f"SET temp_directory = '{quoted}'")
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


class PublishedWarehouse:
    """The read-only connection of a long-running reader (the app's server) to the warehouse
    version published now.

    When `sse.duckdb` designates a new version, the next call opens that file; the previous
    connection stays open `retire_after` seconds for the queries other sessions are running
    on it, then is closed. A warehouse rewritten in place under the same file name (not how
    `data build` publishes) is the same database for DuckDB, which would hand back the open
    instance of the old file: that connection is closed before the new one opens, as is the
    connection to another data folder (a changed SSE_DASH_DATA_DIR: tests and benchmarks)."""

    def __init__(
        self,
        pointer: Callable[[], Path],
        *,
        retire_after: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._pointer = pointer
        self._retire_after = retire_after
        self._clock = clock
        self._lock = threading.Lock()
        self._key: tuple[str, float] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._retired: dict[tuple[str, float], tuple[float, duckdb.DuckDBPyConnection]] = {}

    def key(self) -> tuple[str, float]:
        """(file, modification time) of the version published now; WarehouseMissing if none."""
        from sse_dash import config

        pointer = self._pointer()
        for _ in range(3):  # the link may move between reading it and looking at its target
            path = config.published_warehouse(pointer)
            try:
                return str(path), path.stat().st_mtime
            except FileNotFoundError:
                continue
        raise WarehouseMissing(str(pointer))

    def connection(self, key: tuple[str, float] | None = None) -> duckdb.DuckDBPyConnection:
        """Connection to the version `key` (default: the one published now)."""
        key = key or self.key()
        with self._lock:
            self._close_retired()
            current = self._key
            if current is not None and self._con is not None:
                if key == current or (key[0] == current[0] and key[1] < current[1]):
                    return self._con
            if key in self._retired:  # asked by a rerun that looked just before the switch
                return self._retired[key][1]
            if self._con is not None and current is not None:
                newer_version = (
                    key[0] != current[0] and Path(key[0]).parent == Path(current[0]).parent
                )
                if newer_version:
                    self._retired[current] = (self._clock() + self._retire_after, self._con)
                else:
                    _close(self._con)
                self._con, self._key = None, None
            self._con = open_warehouse(Path(key[0]))
            self._key = key
            return self._con

    @property
    def retired(self) -> int:
        """Connections to older versions still open (kept for queries in flight)."""
        return len(self._retired)

    def _close_retired(self) -> None:
        now = self._clock()
        for key, (deadline, con) in list(self._retired.items()):
            if deadline <= now:
                del self._retired[key]
                _close(con)

    def close(self) -> None:
        with self._lock:
            for _, con in self._retired.values():
                _close(con)
            if self._con is not None:
                _close(self._con)
            self._retired, self._con, self._key = {}, None, None


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass
