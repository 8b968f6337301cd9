"""Read one catalogue dataset into a DataFrame with canonical column names.

Every source format the official catalogue uses goes through `read_dataset`, so loaders in
build.py never care whether a table came as CSV in a zip, a shapefile or GeoParquet."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sse_dash.catalog import Dataset

GEO_FORMATS = {"geoparquet", "geojson", "shapefile", "gpkg"}


class ReadError(ValueError):
    """A dataset cannot be read or lacks a column; the message is French."""


# ------------------------------------------------------------------ code normalisation
_FLOAT_TAIL = re.compile(r"\.0+$")


def _clean(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = _FLOAT_TAIL.sub("", str(value).strip())
    return text or None


def norm_commune(value) -> str | None:
    """INSEE commune code on 5 characters (`1001` -> `01001`, Corsica `2A004` kept)."""
    text = _clean(value)
    if text is None:
        return None
    text = text.upper()
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


def split_commune_codes(value) -> list[str]:
    """All commune codes of a field that may list several (`"93014, 93047"`), normalised."""
    text = _clean(value)
    if text is None:
        return []
    return [c for c in (norm_commune(p) for p in re.split(r"[,;|/\s]+", text)) if c]


def norm_dep(value) -> str | None:
    """Département on 2 characters, 3 overseas (`971`…`989`), `2A`/`2B`."""
    text = _clean(value)
    if text is None:
        return None
    text = text.upper()
    if text.isdigit():
        if len(text) == 3 and text.startswith("0"):
            text = text[1:]  # QPV codes carry a 3-digit département: 093 -> 93
        return text.zfill(2)
    if text in ("02A", "02B"):
        return text[1:]  # Corsica in a QPV code: QN02A01M -> 2A
    return text


def norm_region(value) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    return text.zfill(2) if text.isdigit() else text.upper()


def norm_siren(value) -> str | None:
    """EPCI / EPT SIREN on 9 digits."""
    text = _clean(value)
    if text is None:
        return None
    return text.zfill(9) if text.isdigit() else text


CODE_NORMALISERS = {
    "commune_code": norm_commune,
    "parent_code": norm_commune,
    "city_code": norm_commune,
    "dep_code": norm_dep,
    "region_code": norm_region,
    "reg_code": norm_region,
    "epci_code": norm_siren,
    "ept_code": norm_siren,
}
# What the `code` column means for each role.
CODE_BY_ROLE = {
    "regions_cog": norm_region,
    "regions_geom": norm_region,
    "departements_cog": norm_dep,
    "departements_geom": norm_dep,
    "communes_cog": norm_commune,
    "communes_geom": norm_commune,
    "epci_cog": norm_siren,
    "epci_geom": norm_siren,
}


# INSEE COG CSV `TYPECOM` -> the names used by the Etalab package (and by the warehouse).
COG_TYPES = {
    "COM": "commune-actuelle",
    "COMD": "commune-deleguee",
    "COMA": "commune-associee",
    "ARM": "arrondissement-municipal",
}


def normalise_codes(df: pd.DataFrame, role: str) -> pd.DataFrame:
    """Zero-pad every code column in place; codes become plain Python strings or None."""
    if role == "communes_cog" and "type" in df.columns:
        df["type"] = [COG_TYPES.get(str(t).upper(), t) if t is not None else t for t in df["type"]]
    for col, fn in CODE_NORMALISERS.items():
        if col in df.columns:
            df[col] = pd.Series([fn(v) for v in df[col]], index=df.index, dtype=object)
    fn = CODE_BY_ROLE.get(role)
    if "code" in df.columns:
        fn = fn or _clean
        df["code"] = pd.Series([fn(v) for v in df["code"]], index=df.index, dtype=object)
    if "former_codes" in df.columns:
        df["former_codes"] = pd.Series(
            [
                None if _clean(v) is None else [norm_commune(x) for x in str(v).split(",") if x]
                for v in df["former_codes"]
            ],
            index=df.index,
            dtype=object,
        )
    return df


# ------------------------------------------------------------------ raw readers
def _zip_member(ds: Dataset, file: Path) -> str:
    """The path inside the zip: `ds.member`, or the only member with a usable extension."""
    with zipfile.ZipFile(file) as zf:
        names = zf.namelist()
    if ds.member:
        if ds.member not in names:
            raise ReadError(
                f"Jeu « {ds.id} » : fichier « {ds.member} » absent de l'archive {file.name}."
            )
        return ds.member
    ext = {
        "shapefile": (".shp",),
        "geojson": (".geojson", ".json"),
        "gpkg": (".gpkg",),
        "csv": (".csv", ".txt"),
        "xlsx": (".xlsx",),
        "json": (".json",),
        "parquet": (".parquet",),
        "geoparquet": (".parquet",),
    }[ds.format]
    hits = [n for n in names if n.lower().endswith(ext)]
    if len(hits) != 1:
        raise ReadError(
            f"Jeu « {ds.id} » : préciser « member » (fichier à lire dans {file.name}) ; "
            f"candidats : {hits or names[:10]}."
        )
    return hits[0]


def _read_geo(ds: Dataset, target: str) -> gpd.GeoDataFrame:
    kwargs = {"layer": ds.layer} if ds.layer else {}
    gdf = gpd.read_file(target, engine="pyogrio", **kwargs)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return gdf


def _read_csv(ds: Dataset, source) -> pd.DataFrame:
    encoding = (ds.encoding or "utf-8").lower()
    if encoding in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # tolerate a BOM
    return pd.read_csv(
        source,
        sep=ds.separator or ",",
        encoding=encoding,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )


def _read_json(raw: bytes, options: dict | None = None) -> pd.DataFrame | gpd.GeoDataFrame:
    """A GeoJSON FeatureCollection, or a list of records (geo.api.gouv.fr, Etalab packages);
    options `record_path` / `meta` / `meta_prefix` unnest e.g. EPT -> member communes."""
    options = options or {}
    data = json.loads(raw)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return gpd.GeoDataFrame.from_features(data["features"], crs=4326)
    if isinstance(data, dict):
        for key in ("data", "results", "records"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise ValueError("JSON attendu : une liste d'enregistrements")
    if options.get("record_path"):
        df = pd.json_normalize(
            data,
            record_path=options["record_path"],
            meta=options.get("meta"),
            meta_prefix=options.get("meta_prefix"),
        )
    else:
        df = pd.json_normalize(data)
    for col in df.columns:  # lists (e.g. codesPostaux) -> comma-separated text
        if df[col].map(lambda v: isinstance(v, list)).any():
            df[col] = df[col].map(lambda v: ",".join(map(str, v)) if isinstance(v, list) else v)
    return df


def read_raw(ds: Dataset, file: Path) -> pd.DataFrame | gpd.GeoDataFrame:
    """The file as-is (source column names), geometries in EPSG:4326."""
    file = Path(file)
    fmt = ds.format
    is_zip = (
        file.suffix.lower() == ".zip"
        or zipfile.is_zipfile(file)
        and fmt
        not in (
            "xlsx",
            "parquet",
            "geoparquet",
        )
    )
    if is_zip:
        member = _zip_member(ds, file)
        if fmt in GEO_FORMATS and fmt != "geoparquet":
            return _read_geo(ds, f"/vsizip/{file}/{member}")
        with zipfile.ZipFile(file) as zf:
            payload = zf.read(member)
        return _read_bytes(ds, payload)
    if fmt in ("geojson", "shapefile", "gpkg"):
        return _read_geo(ds, str(file))
    return _read_bytes(ds, file.read_bytes(), file)


def _read_bytes(ds: Dataset, payload: bytes, file: Path | None = None):
    fmt = ds.format
    buf = io.BytesIO(payload)
    if fmt == "geoparquet":
        gdf = gpd.read_parquet(file or buf)
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        return gdf
    if fmt == "parquet":
        return pd.read_parquet(file or buf)
    if fmt == "csv":
        return _read_csv(ds, buf)
    if fmt == "xlsx":
        kwargs = {"sheet_name": ds.layer} if ds.layer else {}
        return pd.read_excel(buf, dtype=str, engine="openpyxl", **kwargs)
    if fmt == "json":
        return _read_json(payload, ds.options)
    if fmt in ("geojson", "gpkg", "shapefile"):
        return gpd.read_file(buf, engine="pyogrio")
    raise ReadError(f"Jeu « {ds.id} » : format « {fmt} » non pris en charge.")


def source_columns(ds: Dataset, available: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """For each canonical column, the source column to read: the catalogue may give several
    names separated by « | » (editions of one source name a column differently: the 2023
    tiers-lieux census calls the commune code `Insee`), the first present wins; a canonical
    column listed in `options.optional_columns` may be absent (NULL). Returns the choice and
    the missing required columns."""
    optional = (
        set(ds.options.get("optional_columns") or []) if isinstance(ds.options, dict) else set()
    )
    have = set(available)
    chosen: dict[str, str | None] = {}
    missing: list[str] = []
    for canon, spec in ds.columns.items():
        names = [n.strip() for n in str(spec).split("|") if n.strip()]
        found = next((n for n in names if n in have), None)
        if found is None and canon not in optional:
            missing.append(" ou ".join(names) or str(spec))
        chosen[canon] = found
    return chosen, missing


def read_dataset(ds: Dataset, file: Path) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read `file` for `ds`: canonical columns (keys of `ds.columns`) plus `geometry` if any,
    codes zero-padded."""
    try:
        raw = read_raw(ds, file)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a French message
        raise ReadError(
            f"Jeu « {ds.id} » : lecture impossible de {Path(file).name} ({ds.format}) : {exc}"
        ) from exc
    chosen, missing = source_columns(ds, list(raw.columns))
    if missing:
        raise ReadError(
            f"Jeu « {ds.id} » : colonne(s) absente(s) de {Path(file).name} : "
            + ", ".join(f"« {m} »" for m in missing)
            + f" (colonnes disponibles : {', '.join(map(str, raw.columns[:30]))})."
        )
    out = pd.DataFrame(
        {
            canon: (
                raw[src].reset_index(drop=True)
                if src is not None
                else pd.Series([None] * len(raw), dtype=object)
            )
            for canon, src in chosen.items()
        }
    )
    for canon in out.columns:
        if out[canon].dtype.kind == "O" or str(out[canon].dtype).startswith("string"):
            out[canon] = out[canon].astype(object).where(out[canon].notna(), None)
    out = normalise_codes(out, ds.role)
    geometry = None
    if isinstance(raw, gpd.GeoDataFrame) and raw.geometry is not None:
        geometry = gpd.GeoSeries(raw.geometry.to_numpy(), crs=raw.crs or 4326)
    if ds.options.get("split"):
        out, geometry = split_grouped_rows(
            out, geometry, ds.options["split"], ds.options.get("split_separator", "; ")
        )
    if geometry is not None:
        return gpd.GeoDataFrame(out, geometry=geometry.to_numpy(), crs=geometry.crs)
    return out


def split_grouped_rows(
    df: pd.DataFrame, geometry: gpd.GeoSeries | None, columns: list[str], sep: str
) -> tuple[pd.DataFrame, gpd.GeoSeries | None]:
    """One row per place when a source groups several places of a commune in one row with
    identifiers and names joined by `sep` (ANCT Fabriques de territoire). Rows whose columns do
    not split into the same number of parts are kept whole rather than mis-paired."""
    parts = {
        c: df[c].map(lambda v: str(v).split(sep) if v is not None else [None]) for c in columns
    }
    counts = pd.DataFrame({c: parts[c].map(len) for c in columns})
    aligned = counts.nunique(axis=1) == 1
    n = counts[columns[0]].where(aligned, 1)
    repeat = np.repeat(np.arange(len(df)), n.to_numpy())
    out = df.iloc[repeat].reset_index(drop=True)
    offset = np.concatenate([np.arange(k) for k in n.to_numpy()]) if len(df) else np.array([], int)
    for c in columns:
        src = parts[c].to_numpy()[repeat]
        whole = df[c].to_numpy()[repeat]
        split_ok = aligned.to_numpy()[repeat]
        out[c] = [
            (s[i].strip() if s[i] is not None else None) if ok else w
            for s, i, ok, w in zip(src, offset, split_ok, whole, strict=True)
        ]
    geo = None
    if geometry is not None:
        geo = gpd.GeoSeries(geometry.to_numpy()[repeat], crs=geometry.crs)
    return out, geo


def to_number(series: pd.Series) -> pd.Series:
    """Numbers from text as French sources write them (`12,5`, `1 234`), NaN when empty."""
    if series.dtype.kind in "fiub":
        return pd.Series(series.to_numpy(dtype="float64", na_value=np.nan), index=series.index)
    text = (
        series.astype(object)
        .map(lambda v: None if v is None else str(v))
        .str.replace("\u202f", "", regex=False)
        .str.replace("\xa0", "", regex=False)
        .str.replace(" ", "", regex=False)
        .str.replace(",", ".", regex=False)
    )
    return pd.to_numeric(text, errors="coerce").astype("float64")


# ------------------------------------------------------------------ point layers
@dataclass
class Gazetteer:
    """Commune lookups the point reader needs: alias -> current code, commune -> département,
    département -> région, commune contours (for centroids and point-in-commune)."""

    codes: np.ndarray
    geoms: np.ndarray
    dep_of: dict[str, str]
    region_of_dep: dict[str, str]
    alias_of: dict[str, str]
    tree: shapely.STRtree | None = None
    row_of: dict[str, int] = field(default_factory=dict)
    centroid_lon: np.ndarray | None = None
    centroid_lat: np.ndarray | None = None

    @classmethod
    def build(cls, codes, geoms, dep_of, region_of_dep, alias_of) -> Gazetteer:
        from sse_dash.warehouse.geometry import centroids

        codes = np.asarray(codes, dtype=object)
        geoms = np.asarray(geoms, dtype=object)
        lon, lat = centroids(geoms)
        return cls(
            codes=codes,
            geoms=geoms,
            dep_of=dict(dep_of),
            region_of_dep=dict(region_of_dep),
            alias_of=dict(alias_of),
            tree=shapely.STRtree(geoms) if len(geoms) else None,
            row_of={c: i for i, c in enumerate(codes)},
            centroid_lon=lon,
            centroid_lat=lat,
        )

    def current(self, code: str | None) -> str | None:
        return None if code is None else self.alias_of.get(code, code)

    def centroid(self, code: str | None) -> tuple[float, float]:
        i = self.row_of.get(code) if code else None
        if i is None:
            return (np.nan, np.nan)
        return (float(self.centroid_lon[i]), float(self.centroid_lat[i]))

    def commune_at(self, lon, lat) -> list[str | None]:
        """The commune containing each point (None outside every contour or without coords)."""
        lon = np.asarray(lon, dtype="float64")
        lat = np.asarray(lat, dtype="float64")
        out: list[str | None] = [None] * len(lon)
        if self.tree is None or not len(lon):
            return out
        ok = np.flatnonzero(~np.isnan(lon) & ~np.isnan(lat))
        if not ok.size:
            return out
        pts = shapely.points(lon[ok], lat[ok])
        p_i, g_i = self.tree.query(pts, predicate="intersects")
        for p, g in sorted(zip(p_i, g_i, strict=True), reverse=True):
            out[ok[p]] = self.codes[g]  # lowest commune code wins on shared borders
        return out


def locate_points(df: pd.DataFrame, ds: Dataset, gaz: Gazetteer) -> pd.DataFrame:
    """Give every row of a point layer a position and a `location_precision`.

    - lon/lat columns (or Lambert-93 `x`/`y` with option `crs = 2154`): precision from the
      option `location_precision` (default `adresse`);
    - else a commune code: the commune centroid, precision `commune` (« localisation
      approximative »);
    - else only a département: precision `departement` and NO point (lon/lat NULL) — a
      département centroid would look like a real place on a map; the row still counts in its
      département and région;
    - else precision `aucune`. Rows are never dropped."""
    n = len(df)
    df = normalise_codes(df.reset_index(drop=True).copy(), ds.role)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    crs = ds.options.get("crs")
    if "lon" in df and "lat" in df:
        lon, lat = to_number(df["lon"]).to_numpy(), to_number(df["lat"]).to_numpy()
    elif "x" in df and "y" in df:
        lon, lat = to_number(df["x"]).to_numpy(), to_number(df["y"]).to_numpy()
        crs = crs or 2154
    if crs and int(crs) != 4326:
        from pyproj import Transformer

        tr = Transformer.from_crs(int(crs), 4326, always_xy=True)
        ok = ~np.isnan(lon) & ~np.isnan(lat)
        lon, lat = lon.copy(), lat.copy()
        if ok.any():
            lon[ok], lat[ok] = tr.transform(lon[ok], lat[ok])
    if isinstance(df, gpd.GeoDataFrame) and df.geometry is not None:
        # a point geometry fills coordinates the attribute columns lack
        g = df.geometry.to_numpy()
        is_pt = np.array([p is not None and p.geom_type == "Point" for p in g], dtype=bool)
        fill = is_pt & np.isnan(lon)
        if fill.any():
            lon[fill] = shapely.get_x(g[fill])
            lat[fill] = shapely.get_y(g[fill])
    lon, lat = np.array(lon, dtype="float64"), np.array(lat, dtype="float64")  # writable
    has_xy = ~np.isnan(lon) & ~np.isnan(lat)

    commune = [gaz.current(c) for c in df["commune_code"]] if "commune_code" in df else [None] * n
    located = gaz.commune_at(np.where(has_xy, lon, np.nan), np.where(has_xy, lat, np.nan))
    commune = [c or loc for c, loc in zip(commune, located, strict=True)]
    dep_src = list(df["dep_code"]) if "dep_code" in df else [None] * n
    precision_xy = ds.options.get("location_precision", "adresse")
    precision = []
    for i in range(n):
        if has_xy[i]:
            precision.append(precision_xy)
        elif commune[i] and not np.isnan(gaz.centroid(commune[i])[0]):
            lon[i], lat[i] = gaz.centroid(commune[i])
            precision.append("commune")
        elif commune[i] or dep_src[i]:
            precision.append("departement" if not commune[i] else "commune")
        else:
            precision.append("aucune")
    dep = [gaz.dep_of.get(c) or d for c, d in zip(commune, dep_src, strict=True)]
    ids = list(df["id"]) if "id" in df else [None] * n
    out["id"] = [_clean(v) or f"{ds.id}-{i + 1}" for i, v in enumerate(ids)]
    for col in df.columns:
        if col not in ("id", "lon", "lat", "x", "y", "commune_code", "dep_code", "geometry"):
            out[col] = df[col].reset_index(drop=True)
    out["commune_code"] = commune
    out["dep_code"] = dep
    out["reg_code"] = [
        (gaz.region_of_dep.get(d) if d else None) or r
        for d, r in zip(dep, df["reg_code"] if "reg_code" in df else [None] * n, strict=True)
    ]
    out["lon"] = lon
    out["lat"] = lat
    out["location_precision"] = precision
    out["dataset_id"] = ds.id
    return out
