"""A mirror folder (SSE_DASH_MIRROR) holding every dataset of catalogs/official.toml under its
official name and in its official format, made offline: the geography from ../shared/data
(Etalab JSON for the COG tables, GeoJSON for the contours, the ANCT zip of the QPV 2024, a
shapefile zip for 2015…), the third places census from tests/fixtures/official, and SIRENE from
the synthetic generator in its « officiel » layout (recognised as synthetic by the build).

The real files are not reachable offline; these copies are derived, so their bytes cannot match
the SHA-256 the catalogue pins for the versioned COG files: `unpinned()` gives the official
catalogue without those pins, everything else (ids, URLs and hence file names, formats, zip
members, column names, options) unchanged."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sse_dash.catalog import Catalog, load_catalog
from sse_dash.config import OFFICIAL_CATALOG
from sse_dash.fetch import target_name
from sse_dash.sirene import synth

FIXTURES = Path(__file__).parent / "fixtures" / "official"


def unpinned(catalog: Catalog | None = None) -> Catalog:
    catalog = catalog or load_catalog(OFFICIAL_CATALOG)
    return replace(
        catalog, datasets=tuple(replace(ds, sha256=None, size=None) for ds in catalog.datasets)
    )


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict("records"):
        out.append(
            {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
        )
    return out


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")


def _write_geojson(path: Path, gdf: gpd.GeoDataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gdf.to_crs(4326).to_json(drop_id=True), encoding="utf-8")


def _split(text) -> list[str]:
    return [p.strip() for p in str(text or "").split(",") if p.strip()]


def build_mirror(mirror: Path, shared: Path, geo_con, *, region: str = "11") -> dict[str, Path]:
    """Write the mirror for one région (the official files are national); returns the file of
    each dataset id."""
    catalog = load_catalog(OFFICIAL_CATALOG)
    name = {ds.id: target_name(ds) for ds in catalog.datasets}
    files: dict[str, Path] = {}

    def dest(ds_id: str) -> Path:
        files[ds_id] = mirror / ds_id / name[ds_id]
        files[ds_id].parent.mkdir(parents=True, exist_ok=True)
        return files[ds_id]

    admin = shared / "admin"
    regions = pd.read_parquet(admin / "cog_regions_2026.parquet")
    deps = pd.read_parquet(admin / "cog_departements_2026.parquet")
    deps = deps[deps["region"] == region]
    communes = pd.read_parquet(admin / "cog_communes_2026.parquet")
    communes = communes[communes["region"] == region]
    dep_codes = set(deps["code"])
    _write_json(dest("cog_regions"), _records(regions[["code", "nom", "zone"]]))
    _write_json(dest("cog_departements"), _records(deps[["code", "nom", "region", "zone"]]))
    rows = []
    for r in communes.to_dict("records"):
        row = {
            "code": r["code"],
            "nom": r["nom"],
            "type": r["type"],
            "departement": r["departement"],
            "region": r["region"],
            "zone": r["zone"],
        }
        if pd.notna(r.get("population")):
            row["population"] = int(r["population"])
        if _split(r.get("codes_postaux")):
            row["codesPostaux"] = _split(r.get("codes_postaux"))
        if _split(r.get("anciens_codes")):
            row["anciensCodes"] = _split(r.get("anciens_codes"))
        if isinstance(r.get("chef_lieu"), str) and r["chef_lieu"]:
            row["chefLieu"] = r["chef_lieu"]
        if isinstance(r.get("commune"), str) and r["commune"]:
            row["commune"] = r["commune"]
        rows.append(row)
    _write_json(dest("cog_communes"), rows)
    members = pd.read_parquet(admin / "cog_epci_membres_2026.parquet")
    members = members[members["code_commune"].isin(set(communes["code"]))]
    epci = pd.read_parquet(admin / "cog_epci_2026.parquet")
    epci = epci[epci["code"].isin(set(members["code_epci"]))]
    _write_json(dest("cog_epci"), _records(epci[["code", "nom", "type", "populationMunicipale"]]))
    _write_json(
        dest("cog_epci_membres"),
        [
            {"code": c, "codeEpci": e}
            for c, e in zip(members.code_commune, members.code_epci, strict=False)
        ],
    )
    ept = pd.read_parquet(admin / "cog_ept_membres_2026.parquet")
    _write_json(
        dest("cog_ept_membres"),
        [
            {"code": code, "nom": nom, "membres": [{"code": c} for c in grp["code_commune"]]}
            for (code, nom), grp in ept.groupby(["code_ept", "nom_ept"])
        ],
    )
    # contours (Etalab layout: properties code, nom)
    for ds_id, file, key in (
        ("contours_regions", "regions_2018_simplifie.parquet", None),
        ("contours_departements", "departements_2018_simplifie.parquet", "dep"),
        ("contours_communes", "communes_2018_simplifie.parquet", "commune"),
    ):
        gdf = gpd.read_parquet(admin / file)
        if key == "dep":
            gdf = gdf[gdf["code"].isin(dep_codes)]
        elif key == "commune":
            gdf = gdf[gdf["code_departement"].isin(dep_codes)]
        _write_geojson(dest(ds_id), gdf[["code", "nom", "geometry"]])
    e = gpd.read_parquet(admin / "epci_2026_derive_communes2018.parquet")
    e = e[e["code_epci"].isin(set(epci["code"]))]
    _write_geojson(
        dest("contours_epci"),
        e.rename(columns={"code_epci": "code", "nom_epci": "nom"})[["code", "nom", "geometry"]],
    )
    # QPV 2024: the ANCT zip layout
    q = gpd.read_parquet(shared / "qpv" / "qpv_2024_contours_simplifies.parquet")
    q = q[q["insee_reg"] == region]
    member = next(ds for ds in catalog.datasets if ds.id == "qpv_2024").member
    with tempfile.TemporaryDirectory() as tmp:
        geojson = Path(tmp) / "q.geojson"
        cols = ["code_qp", "lib_qp", "insee_reg", "insee_dep", "insee_com", "siren_epci"]
        _write_geojson(geojson, q[[*cols, "geometry"]])
        with zipfile.ZipFile(dest("qpv_2024"), "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(geojson, member)
    # QPV 2015: a shapefile in a zip (the 6 full-resolution QPV of Ille-et-Vilaine)
    q15 = gpd.read_parquet(shared / "qpv" / "qpv_2015_rennes_contours_pleine_resolution.parquet")
    member15 = next(ds for ds in catalog.datasets if ds.id == "qpv_2015").member
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / member15
        q15.rename(columns={"code_qp": "CODE_QP", "nom_qp": "NOM_QP"})[
            ["CODE_QP", "NOM_QP", "geometry"]
        ].to_file(shp, driver="ESRI Shapefile", engine="pyogrio")
        with zipfile.ZipFile(dest("qpv_2015"), "w") as zf:
            for part in Path(tmp).iterdir():
                zf.write(part, part.name)
    ind = pd.read_parquet(shared / "qpv" / "qpv_2024_indicateurs_insee.parquet")
    ind[ind["insee_reg"] == region].to_csv(dest("qpv_2024_indicateurs"), index=False)
    # third places: the census extract, the ANCT layers of the région
    shutil.copy(FIXTURES / "bdftl-2026-01-fiche-identite_extrait.csv", dest("tiers_lieux_ftl"))
    for ds_id, file in (
        ("fabriques_de_territoire", "anct_fabriques_de_territoire.parquet"),
        ("manufactures_de_proximite", "anct_manufactures_de_proximite.parquet"),
    ):
        gdf = gpd.read_parquet(shared / "tiers_lieux" / file)
        gdf = gdf[gdf["insee_com"].str[:2].isin({d[:2] for d in dep_codes})]
        gdf = gdf.rename(
            columns={
                "id_lieu": "id_territoire",
                "nom_lieu": "lib_territoire",
                "insee_com": "id_geo",
            }
        )
        _write_geojson(dest(ds_id), gdf[["id_territoire", "lib_territoire", "id_geo", "geometry"]])
    shutil.copy(shared / "ptce" / "ptce_curated.csv", dest("ptce"))
    pd.read_parquet(
        shared / "stats" / "insee_itdd_part_ess_emploi_salarie_2008_2014.parquet"
    ).to_csv(dest("part_ess_emploi"), index=False)
    shutil.copy(FIXTURES / "naf2008_liste_n5_extrait.xls", dest("naf_rev2"))
    # SIRENE: synthetic files under the official names, one folder per dataset id
    info = synth.generate(
        mirror, geo_con, "test", seed=12, scope=f"reg:{region}", layout="officiel"
    )
    for role, path in info["files"].items():
        files[role] = Path(path)
    return files
