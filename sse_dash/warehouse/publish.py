"""Publishing a finished warehouse without disturbing its readers.

Each build is moved to a file of its own, `sse.<UTC time>.<random>.duckdb`, and `sse.duckdb`
becomes a symbolic link to it, replaced in one `rename` (atomic on POSIX file systems, local
or NFS). A reader that opens `sse.duckdb` afterwards gets the new version; a reader that
already has the previous one open keeps reading it until it closes it (an open file stays
readable after it is unlinked), so a session in flight never sees a half-written or vanished
file. Every command, test and tool keeps opening `SSE_DASH_DATA_DIR/sse.duckdb` as before.

Old versions are removed at the next publish, except the one just replaced: a reader may have
read the link an instant before the switch and not opened its target yet. On a file system
without symbolic links, the new file replaces `sse.duckdb` itself (the older behaviour)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from sse_dash import config

VERSION_RE = re.compile(r"^sse\.\d{8}T\d{12}Z\.[0-9a-f]{8}\.duckdb$")
# files kept next to a version and removed with it (sse_dash.qpv_index's persisted index)
_COMPANION_RE = re.compile(r"^sse\.\d{8}T\d{12}Z\.[0-9a-f]{8}\.duckdb\.qpvindex(?:\.tmp)?$")
_LINK_RE = re.compile(r"^\.sse\.\d{8}T\d{12}Z\.[0-9a-f]{8}\.duckdb\.link$")


def version_name(now: datetime | None = None) -> str:
    """File name of a new warehouse version (sorts by publication time, to the microsecond:
    a first build publishes twice within a second)."""
    now = now or datetime.now(UTC)
    return f"sse.{now:%Y%m%dT%H%M%S%fZ}.{secrets.token_hex(4)}.duckdb"


def current_version(data_dir: Path) -> str | None:
    """Name of the version `sse.duckdb` designates, None for a plain file or no warehouse."""
    try:
        target = os.readlink(Path(data_dir) / config.WAREHOUSE_NAME)
    except OSError:
        return None
    return Path(target).name


def versions(data_dir: Path) -> list[Path]:
    """Published version files in `data_dir`, oldest first."""
    return sorted(p for p in Path(data_dir).iterdir() if VERSION_RE.match(p.name))


def publish(staged: Path, data_dir: Path) -> Path:
    """Make the complete warehouse file `staged` (in `data_dir`) the one `sse.duckdb` designates;
    returns the path of the published version."""
    data_dir = Path(data_dir)
    pointer = data_dir / config.WAREHOUSE_NAME
    previous = current_version(data_dir)
    name = version_name()
    version = data_dir / name
    os.replace(staged, version)
    link = data_dir / f".{name}.link"
    try:
        os.symlink(name, link)
    except OSError:  # no symbolic links here: replace the file itself
        os.replace(version, pointer)
        _sync_dir(data_dir)
        return pointer
    os.replace(link, pointer)
    _sync_dir(data_dir)
    remove_old_versions(data_dir, keep={name, previous})
    return version


def remove_old_versions(data_dir: Path, keep: set[str | None]) -> list[str]:
    """Delete version files, their companions (QPV index) and stray link files of an
    interrupted publish, except those of the versions in `keep`. Only names this module (or the
    QPV index, for its version) writes are ever touched."""
    removed = []
    for path in Path(data_dir).iterdir():
        if path.name in keep:
            continue
        companion = _COMPANION_RE.match(path.name)
        if companion and path.name.split(".duckdb", 1)[0] + ".duckdb" in keep:
            continue
        if VERSION_RE.match(path.name) or _LINK_RE.match(path.name) or companion:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path.name)
    return removed


def _sync_dir(path: Path) -> None:
    """Flush the directory entry so that the switch survives a power cut."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
