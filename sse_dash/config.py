"""Where things live. Every command and the app resolve paths here so that
SSE_DASH_DATA_DIR / SSE_DASH_CATALOG behave the same everywhere."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout of the repository, or installed with `pip install .` (no repository:
# the catalogues are shipped in the package, the data folder defaults to ./data).
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file()
CATALOG_DIR = (
    REPO_ROOT / "catalogs" if IN_CHECKOUT else Path(__file__).resolve().parent / "catalogs"
)
OFFICIAL_CATALOG = CATALOG_DIR / "official.toml"
DEV_CATALOG = CATALOG_DIR / "dev.toml"
WAREHOUSE_NAME = "sse.duckdb"


def data_dir() -> Path:
    default = REPO_ROOT / "data" if IN_CHECKOUT else Path.cwd() / "data"
    return Path(os.environ.get("SSE_DASH_DATA_DIR") or default).resolve()


def warehouse_path() -> Path:
    """`sse.duckdb`: what every command opens. Since builds are published as versions
    (sse_dash.warehouse.publish), it is a symbolic link to the current one."""
    return data_dir() / WAREHOUSE_NAME


def published_warehouse(pointer: Path | None = None) -> Path:
    """The file `sse.duckdb` designates right now (itself when it is a plain file). A process
    that stays up opens this path, so that a newer version is a new database for DuckDB."""
    return Path(os.path.realpath(pointer or warehouse_path()))


def downloads_dir() -> Path:
    return data_dir() / "downloads"


def shared_data_dir() -> Path:
    """The development data folder (../shared/data next to the repository)."""
    return Path(
        os.environ.get("SSE_DASH_SHARED_DATA") or (REPO_ROOT.parent / "shared" / "data")
    ).resolve()


def catalog_path(explicit: str | os.PathLike | None = None) -> Path:
    """Explicit option > SSE_DASH_CATALOG > official catalogue."""
    chosen = explicit or os.environ.get("SSE_DASH_CATALOG")
    return Path(chosen).resolve() if chosen else OFFICIAL_CATALOG


def mirror_dir() -> Path | None:
    """Optional local mirror (intranet): files named like the official ones are taken from here."""
    value = os.environ.get("SSE_DASH_MIRROR")
    return Path(value).resolve() if value else None


def brief_logo() -> Path | None:
    """The authority's logo for the briefing pack (SSE_DASH_BRIEF_LOGO: a PNG or JPEG file);
    None when unset or absent."""
    value = os.environ.get("SSE_DASH_BRIEF_LOGO", "").strip()
    if not value:
        return None
    path = Path(value)
    return path if path.is_file() else None


# DuckDB's share of the build (its default is 80 % of the machine's memory): the national build
# must stay within 6 GB of peak RSS, Python and the QPV assignment included. Beyond it, DuckDB
# writes its intermediate results to a temporary folder next to the warehouse.
BUILD_MEMORY_DEFAULT = "3GB"


def build_memory() -> str:
    """DuckDB memory limit of the build (SSE_DASH_BUILD_MEMORY, e.g. « 3GB »)."""
    value = os.environ.get("SSE_DASH_BUILD_MEMORY", "").strip()
    return (
        value
        if re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]?i?B", value, re.IGNORECASE)
        else BUILD_MEMORY_DEFAULT
    )


def tile_url() -> str | None:
    """Map tile template; SSE_DASH_TILES='none' disables tiles (data layers still draw)."""
    value = os.environ.get("SSE_DASH_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    return None if value.strip().lower() in ("", "none", "off") else value


def tile_attribution() -> str:
    return os.environ.get(
        "SSE_DASH_TILES_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    )
