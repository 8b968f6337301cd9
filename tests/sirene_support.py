"""Shared by the SIRENE tests: the hand-made fixtures of tests/fixtures/sirene (`mini_geo`, a
small geography warehouse; `hm`, hand-written rows of the three SIRENE files) and a catalogue
listing SIRENE files by local path."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sse_dash.catalog import Catalog, Dataset
from sse_dash.sirene.step import ROLES

FIX = Path(__file__).parent / "fixtures" / "sirene"


def load_fixture(name: str):
    """tests/fixtures/sirene/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(f"sirene_{name}", FIX / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mini_geo = load_fixture("mini_geo")
hm = load_fixture("handmade")


def local_catalog(tmp_path: Path, paths: dict[str, str], *extra: Dataset) -> Catalog:
    """A catalogue whose three SIRENE datasets are the local files `paths` (role -> path),
    plus `extra` datasets."""
    sirene = tuple(
        Dataset(
            id=role,
            role=role,
            title=f"Base Sirene {role}",
            publisher="INSEE",
            licence="Licence Ouverte 2.0",
            vintage="2026-11",
            format="parquet",
            path=paths[role],
        )
        for role in ROLES
    )
    return Catalog(name="t", description="", file=tmp_path / "t.toml", datasets=sirene + extra)
