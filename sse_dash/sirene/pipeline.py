"""SIRENE -> `establishments` + ref_* + `agg_territory`, inside the warehouse connection.

DuckDB reads only the needed columns of the three files and keeps only active establishments of
SSE units (a few % of the 44 M rows); coordinates are then resolved and assigned to QPVs in
chunks of `chunk_rows` so memory stays bounded whatever the scale."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from sse_dash import queries
from sse_dash.qpv_index import QpvIndex
from sse_dash.sirene import aggregates, location, mappings
from sse_dash.sirene.geo import LAMBERT93, OVERSEAS_EPSG, to_wgs84

CHUNK_ROWS = 250_000
EMPLOYER_BANDS = [b[0] for b in mappings.SIZE_BANDS if b[2] is not None and b[2] >= 1]
GEO_TABLE = pa.schema(
    [
        ("rn", pa.int64()),
        ("lon", pa.float64()),
        ("lat", pa.float64()),
        ("geo_source", pa.string()),
        ("qpv24", pa.string()),
        ("qpv15", pa.string()),
        ("qpv24_nearest", pa.string()),
        ("qpv24_distance_m", pa.float64()),
        ("location_precision", pa.string()),
        ("qpv24_status", pa.string()),
        ("near_qpv300_status", pa.string()),
    ]
)
# Columns read only when the file has them (older vintages lack the NAF 2025 columns and the
# 2015 / quality columns of the geolocation file): the query gets the quoted column, else NULL.
UL_NAF25 = "activitePrincipaleNAF25UniteLegale"
ET_NAF25 = "activitePrincipaleNAF25Etablissement"
GEO_QUALITE_QP24, GEO_PLG_QP15, GEO_QUALITE_QP15 = "qualite_qp24", "plg_qp15", "qualite_qp15"

# Intermediate tables of the build, dropped at the end (the allow-list for their names).
WORK_TABLES = ("sirene_raw", "sirene_geo", "sirene_units", "sirene_family_map", "sirene_naf_map")


class PipelineError(ValueError):
    """A SIRENE input cannot be used (French message)."""


@dataclass
class Sources:
    """Where to read the three files: local paths or URLs (read through httpfs)."""

    units: str
    establishments: str
    geolocation: str


@dataclass
class Result:
    establishments: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _scope(scope: str | None) -> tuple[str | None, str | None]:
    if not scope:
        return None, None
    kind, _, value = scope.partition(":")
    if kind == "dep" and value:
        return value, None
    if kind == "reg" and value:
        return None, value
    raise PipelineError(f"Périmètre invalide « {scope} » : attendu dep:93 ou reg:11.")


def columns_of(con, source: str) -> set[str]:
    """Column names of a Parquet file (or URL)."""
    return {n for (n,) in queries.rows(con, "sirene_parquet_columns", {"source": source})}


def activity_map(keys: list[str]) -> pd.DataFrame:
    """activity_key (the six activity columns of an establishment and its unit, joined by
    « | ») -> the activity code used, its nomenclature and its NAF rév. 2 section, by
    mappings.activity (one source of truth, applied to the distinct combinations only)."""
    rows = []
    for key in keys:
        parts = (key or "").split("|")
        parts += [""] * (6 - len(parts))
        code, nomen = mappings.activity(*[p or None for p in parts[:6]])
        rows.append((key, code, nomen, mappings.activity_section(code, nomen)))
    return pd.DataFrame(
        rows, columns=["activity_key", "naf", "naf_nomenclature", "section"]
    ).astype(object)


def write_ref_tables(con, naf_labels: dict[str, str] | None = None) -> None:
    for name, frame in mappings.ref_frames(naf_labels).items():
        con.register("sirene_ref_frame", frame)
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {queries.ident(name, mappings.ref_frames())} AS "  # noqa: S608
                "SELECT * FROM sirene_ref_frame"
            )
        finally:
            con.unregister("sirene_ref_frame")


def resolve_coordinates(lon, lat, gx, gy, gepsg, sx, sy, deps):
    """lon/lat and geo_source per row: the geolocation file's WGS84 columns, else its x/y in the
    CRS named by `epsg`, else the stock's Lambert coordinates (CRS inferred from the
    département), else none."""
    n = len(lon)
    out_lon = np.asarray(lon, dtype="float64").copy()
    out_lat = np.asarray(lat, dtype="float64").copy()
    source = np.full(n, "none", dtype=object)
    ok = ~np.isnan(out_lon) & ~np.isnan(out_lat)
    source[ok] = "geolocalisation"
    gx = np.asarray(gx, dtype="float64")
    gy = np.asarray(gy, dtype="float64")
    gepsg = np.asarray(gepsg, dtype="float64")
    todo = ~ok & ~np.isnan(gx) & ~np.isnan(gy) & ~np.isnan(gepsg)
    for code in np.unique(gepsg[todo]).astype(int):
        m = todo & (gepsg == code)
        try:
            out_lon[m], out_lat[m] = to_wgs84(int(code), gx[m], gy[m])
        except Exception:  # noqa: BLE001 - an unknown EPSG code: fall back to the stock
            continue
        good = m & np.isfinite(out_lon) & np.isfinite(out_lat)
        source[good] = "geolocalisation"
        ok |= good
    sx = np.asarray(sx, dtype="float64")
    sy = np.asarray(sy, dtype="float64")
    deps = np.asarray(deps, dtype=object)
    stock_epsg = np.full(n, LAMBERT93, dtype=np.int64)
    for dep, code in OVERSEAS_EPSG.items():
        stock_epsg[deps == dep] = code
    stock_epsg[np.array([d is not None and str(d).startswith("98") for d in deps], dtype=bool)] = 0
    for code in np.unique(stock_epsg):
        m = ~ok & (stock_epsg == code) & ~np.isnan(sx) & ~np.isnan(sy) & (code != 0)
        if m.any():
            out_lon[m], out_lat[m] = to_wgs84(int(code), sx[m], sy[m])
            source[m] = "lambert93"
            ok |= m
    out_lon[~ok] = np.nan
    out_lat[~ok] = np.nan
    return out_lon, out_lat, source


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def _nan(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table.column(name).to_pandas(), dtype="float64")


def build(
    con,
    sources: Sources,
    *,
    employers_only: bool = False,
    scope: str | None = None,
    progress=None,
    chunk_rows: int = CHUNK_ROWS,
    naf_labels: dict[str, str] | None = None,
) -> Result:
    """Create establishments, ref_* and agg_territory in `con` from the three SIRENE files;
    `naf_labels`: NAF sub-class labels from INSEE's full list (else the built-in ones)."""
    dep, reg = _scope(scope)
    res = Result()
    t0 = time.perf_counter()

    def tick(label: str, done: float, total: float | None) -> None:
        if progress:
            progress(label, done, total)

    write_ref_tables(con, naf_labels)
    ul, et, geo = (
        columns_of(con, src) for src in (sources.units, sources.establishments, sources.geolocation)
    )
    tick("SIRENE : unités légales de l'ESS", 0, None)
    units_sql = queries.render(
        "sirene_load_units",
        {"ul_naf25": queries.ident(UL_NAF25, ul) if UL_NAF25 in ul else "NULL"},
    )
    con.execute(units_sql, {"units": sources.units})
    tick("SIRENE : établissements actifs", 0, None)
    establishments_sql = queries.render(
        "sirene_load_establishments",
        {
            "et_naf25": queries.ident(ET_NAF25, et) if ET_NAF25 in et else "NULL",
            "geo_qualite_qp24": (
                queries.ident(GEO_QUALITE_QP24, geo) if GEO_QUALITE_QP24 in geo else "NULL"
            ),
            "geo_plg_qp15": queries.ident(GEO_PLG_QP15, geo) if GEO_PLG_QP15 in geo else "NULL",
            "geo_qualite_qp15": (
                queries.ident(GEO_QUALITE_QP15, geo) if GEO_QUALITE_QP15 in geo else "NULL"
            ),
        },
    )
    con.execute(
        establishments_sql,
        {
            "establishments": sources.establishments,
            "geolocation": sources.geolocation,
            "employers_only": bool(employers_only),
            "employer_bands": EMPLOYER_BANDS,
            "dep": dep,
            "reg": reg,
        },
    )
    res.timings["read"] = time.perf_counter() - t0
    n = con.execute("SELECT count(*) FROM sirene_raw").fetchone()[0]

    # classification maps, computed in Python from the distinct codes (single source of truth)
    cats = [r[0] for r in con.execute("SELECT DISTINCT legal_category FROM sirene_raw").fetchall()]
    fam = pd.DataFrame(
        {"legal_category": cats, "family": [mappings.family_of(c) for c in cats]},
        columns=["legal_category", "family"],
    ).astype(str)
    keys = [r[0] for r in con.execute("SELECT DISTINCT activity_key FROM sirene_raw").fetchall()]
    naf = activity_map(keys)
    for name, frame in (("sirene_family_map", fam), ("sirene_naf_map", naf)):
        con.register("sirene_map_frame", frame)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {queries.ident(name, ['sirene_family_map', 'sirene_naf_map'])} "  # noqa: S608
            "AS SELECT * FROM sirene_map_frame"
        )
        con.unregister("sirene_map_frame")

    t1 = time.perf_counter()
    idx24 = QpvIndex.from_warehouse(con, "2024")
    idx15 = QpvIndex.from_warehouse(con, "2015")
    res.timings["qpv_index"] = time.perf_counter() - t1
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sirene_geo (rn BIGINT, lon DOUBLE, lat DOUBLE, "
        "geo_source VARCHAR, qpv24 VARCHAR, qpv15 VARCHAR, qpv24_nearest VARCHAR, "
        "qpv24_distance_m DOUBLE, location_precision VARCHAR, qpv24_status VARCHAR, "
        "near_qpv300_status VARCHAR)"
    )
    t2 = time.perf_counter()
    tick("SIRENE : localisation et QPV", 0, None)
    for lo in range(0, max(n, 1), chunk_rows):
        chunk = con.execute(
            queries.load("sirene_geo_chunk"), {"lo": lo, "hi": lo + chunk_rows}
        ).to_arrow_table()
        if chunk.num_rows == 0:
            break
        lon, lat, source = resolve_coordinates(
            _nan(chunk, "geo_lon"),
            _nan(chunk, "geo_lat"),
            _nan(chunk, "geo_x"),
            _nan(chunk, "geo_y"),
            _nan(chunk, "geo_epsg"),
            _nan(chunk, "stock_x"),
            _nan(chunk, "stock_y"),
            _col(chunk, "dep_code"),
        )
        a24 = idx24.assign(lon, lat)
        in15 = (
            idx15.assign(lon, lat, with_distance=False).inside
            if len(idx15)
            else np.full(len(lon), None, dtype=object)
        )
        precision = location.precision_of(_col(chunk, "qualite_xy"), ~np.isnan(lon))
        status24 = location.qpv_status(precision, a24.inside != None)  # noqa: E711
        status300 = location.near_status(precision, a24.distance_m)
        out = pa.Table.from_arrays(
            [
                chunk.column("rn"),
                pa.array(lon, mask=np.isnan(lon)),
                pa.array(lat, mask=np.isnan(lat)),
                pa.array(source, type=pa.string()),
                pa.array(a24.inside, type=pa.string()),
                pa.array(in15, type=pa.string()),
                pa.array(a24.nearest, type=pa.string()),
                pa.array(a24.distance_m, mask=np.isnan(a24.distance_m)),
                pa.array(precision, type=pa.string()),
                pa.array(status24, type=pa.string()),
                pa.array(status300, type=pa.string()),
            ],
            schema=GEO_TABLE,
        )
        con.register("sirene_geo_chunk_arrow", out)
        con.execute("INSERT INTO sirene_geo SELECT * FROM sirene_geo_chunk_arrow")
        con.unregister("sirene_geo_chunk_arrow")
        tick("SIRENE : localisation et QPV", min(lo + chunk_rows, n), n)
    res.timings["assign"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    con.execute(queries.load("sirene_build_establishments"))
    aggregates.build(con)
    for tmp in WORK_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {queries.ident(tmp, WORK_TABLES)}")
    res.timings["tables"] = time.perf_counter() - t3
    res.establishments = con.execute("SELECT count(*) FROM establishments").fetchone()[0]
    res.timings["total"] = time.perf_counter() - t0
    tick(f"SIRENE : {res.establishments} établissements de l'ESS", 0, None)
    return res
