"""The data catalogue: one declarative TOML file listing every dataset the warehouse is built from.

A dataset is either remote (`urls`, downloaded and cached under data/downloads/) or local
(`path`, relative to the catalogue's `base_dir`). `role` says which loader consumes it;
`columns` maps canonical column names (left) to the source's column names (right)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROLES = {
    # geography (issue 2)
    "regions_cog",
    "departements_cog",
    "communes_cog",
    "epci_cog",
    "epci_members",
    "ept_members",
    "regions_geom",
    "departements_geom",
    "communes_geom",
    "epci_geom",
    "qpv",
    "qpv_indicators",
    "third_places",
    "ptce",
    "ess_share",
    # SIRENE (issue 3)
    "sirene_unites_legales",
    "sirene_etablissements",
    "sirene_geolocalisation",
    # reference lists (optional: built-in fallback)
    "naf_rev2",
}
FORMATS = {"parquet", "geoparquet", "geojson", "shapefile", "gpkg", "csv", "xls", "xlsx", "json"}


class CatalogError(ValueError):
    """Invalid catalogue; the message is French and names the file and dataset."""


@dataclass(frozen=True)
class Dataset:
    id: str
    role: str
    title: str
    publisher: str
    licence: str
    vintage: str
    format: str
    urls: tuple[str, ...] = ()
    path: str | None = None
    member: str | None = None  # path inside a zip archive
    layer: str | None = None
    encoding: str | None = None
    separator: str | None = None
    sha256: str | None = None
    size: int | None = None
    synthetic: bool = False
    notes: str = ""
    homepage: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    base_dir: Path | None = None

    @property
    def is_remote(self) -> bool:
        return bool(self.urls) and not self.path

    def local_path(self) -> Path | None:
        if not self.path:
            return None
        p = Path(os.path.expandvars(self.path))
        return p if p.is_absolute() else (self.base_dir or Path.cwd()) / p

    def provenance(self, **fields) -> dict:
        """A `provenance` row describing this dataset; `fields` add or override columns
        (retrieved_at, sha256, rows, …)."""
        row = {
            "dataset_id": self.id,
            "role": self.role,
            "title": self.title,
            "publisher": self.publisher,
            "licence": self.licence,
            "source": self.source,
            "vintage": self.vintage,
            "synthetic": bool(self.synthetic),
            "notes": self.notes or None,
        }
        row.update(fields)
        return row

    def file_vintage(self, detected: str | None, how: str | None) -> tuple[str, str | None]:
        """(vintage, notes) for provenance. A dataset published anew each month
        (`options.vintage_from_file = true`, the SIRENE files) takes the month of the file
        actually used — from its name, dated folder, data.gouv.fr metadata or Last-Modified
        (sse_dash.datagouv) — and says where it was read; others keep the catalogue's
        vintage."""
        if not (isinstance(self.options, dict) and self.options.get("vintage_from_file")):
            return self.vintage, self.notes or None
        if not detected:
            return f"{self.vintage} (mois du fichier inconnu)", self.notes or None
        note = f"Millésime lu : {how}." if how else None
        return detected, " ".join(x for x in (note, self.notes) if x) or None

    @property
    def source(self) -> str:
        """What provenance shows as the source: the official URL or the local file."""
        lp = self.local_path()
        return str(lp) if lp is not None else self.urls[0]


@dataclass(frozen=True)
class Catalog:
    name: str
    description: str
    file: Path
    datasets: tuple[Dataset, ...]

    def by_role(self, role: str) -> list[Dataset]:
        return [d for d in self.datasets if d.role == role]

    def get(self, dataset_id: str) -> Dataset:
        for d in self.datasets:
            if d.id == dataset_id:
                return d
        raise KeyError(dataset_id)


_KNOWN_KEYS = {f for f in Dataset.__dataclass_fields__ if f not in ("base_dir",)}


def load_catalog(path: str | os.PathLike) -> Catalog:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"Catalogue introuvable : {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"Catalogue illisible ({path}) : {exc}") from exc
    head = raw.get("catalog", {})
    base = head.get("base_dir")
    base_env = head.get("base_dir_env")
    if base_env and os.environ.get(base_env):
        base_dir = Path(os.environ[base_env])
    elif base:
        base_dir = (path.parent / os.path.expandvars(base)).resolve()
    else:
        base_dir = path.parent.resolve()
    datasets = []
    seen = set()
    for i, entry in enumerate(raw.get("dataset", [])):
        where = f"{path.name}, jeu n°{i + 1} ({entry.get('id', '?')})"
        unknown = set(entry) - _KNOWN_KEYS
        if unknown:
            raise CatalogError(f"{where} : clés inconnues {sorted(unknown)}")
        for key in ("id", "role", "title", "publisher", "licence", "vintage", "format"):
            if not entry.get(key):
                raise CatalogError(f"{where} : la clé « {key} » est obligatoire")
        if entry["role"] not in ROLES:
            raise CatalogError(f"{where} : rôle inconnu « {entry['role']} »")
        if entry["format"] not in FORMATS:
            raise CatalogError(f"{where} : format inconnu « {entry['format']} »")
        if not entry.get("urls") and not entry.get("path"):
            raise CatalogError(
                f"{where} : indiquer « urls » (source officielle) ou « path » (fichier local)"
            )
        if entry["id"] in seen:
            raise CatalogError(f"{where} : identifiant en double")
        seen.add(entry["id"])
        entry = dict(entry)
        entry["urls"] = tuple(entry.get("urls", ()))
        datasets.append(Dataset(base_dir=base_dir, **entry))
    return Catalog(
        name=head.get("name", path.stem),
        description=head.get("description", ""),
        file=path,
        datasets=tuple(datasets),
    )
