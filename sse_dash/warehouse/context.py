"""What every build step shares: the French BuildError, the context a step receives, and the
one way of obtaining a catalogue dataset's file. Steps (sse_dash.warehouse.build.STEPS, the
SIRENE step in sse_dash.sirene.step) import this module, never the build itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sse_dash import config
from sse_dash.catalog import Dataset

Progress = Callable[[str, float, float | None], None]


class BuildError(RuntimeError):
    """The build cannot complete; the message is French and says what to fix."""


@dataclass
class BuildContext:
    """What build steps after the geography (e.g. SIRENE) receive besides the connection."""

    data_dir: Path
    downloads_dir: Path
    progress: Progress | None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Obtained:
    path: Path
    source: str
    retrieved_at: datetime
    sha256: str
    size: int
    vintage: str | None = None  # month of the file (name, Last-Modified, data.gouv.fr)
    vintage_source: str | None = None


def obtain(ds: Dataset, downloads_dir: Path, progress: Progress | None = None) -> Obtained:
    """Local `path` datasets are read in place, remote ones downloaded: both through
    sse_dash.fetch, which checks size and checksum against the catalogue."""
    from sse_dash import fetch

    try:
        got = fetch.fetch_dataset(
            ds, downloads_dir, mirror_dir=config.mirror_dir(), progress=progress
        )
    except fetch.FetchError as exc:
        raise BuildError(str(exc)) from exc
    return Obtained(
        Path(got.path),
        got.source,
        got.retrieved_at,
        got.sha256,
        got.size,
        got.vintage,
        got.vintage_source,
    )


def missing_optional(ds: Dataset, exc: Exception, **provenance) -> tuple[str, dict]:
    """An optional dataset left out of this build: the first line of the reason and its
    provenance row (0 rows, « Jeu facultatif absent »). Shared by the geography build and the
    SIRENE step so that both report it the same way."""
    first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    notes = f"Jeu facultatif absent de cette construction : {first_line}"
    if provenance.get("notes"):
        notes += f" ; {provenance.pop('notes')}"
    return first_line, ds.provenance(rows=0, notes=notes, **provenance)
