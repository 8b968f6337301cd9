"""`data build`: read every catalogue dataset and write the warehouse (docs/warehouse.md).

Everything is written into `sse.duckdb.tmp`, published as the new `sse.duckdb` only once the build
has succeeded (sse_dash.warehouse.publish): an interrupted or failed build never touches the
warehouse the app is reading."""

from __future__ import annotations

import contextlib
import fcntl
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sse_dash import config, db, qpv_index, queries
from sse_dash.catalog import Catalog, Dataset
from sse_dash.outputs import disk_full_message, is_disk_full
from sse_dash.sirene import step as sirene_step
from sse_dash.warehouse import geometry as geo
from sse_dash.warehouse import places
from sse_dash.warehouse.context import (
    BuildContext,
    BuildError,
    Progress,
    missing_optional,
    obtain,
)
from sse_dash.warehouse.publish import publish
from sse_dash.warehouse.readers import (
    GEO_FORMATS,
    Gazetteer,
    ReadError,
    locate_points,
    norm_dep,
    norm_region,
    read_dataset,
    split_commune_codes,
    to_number,
)

# 2: third_places carry their nearest QPV 2024 (qpv24, qpv24_nearest, qpv24_distance_m)
# 4: QPV status oui / non / incertain (establishments, third places, PTCE), location precision,
#    activity nomenclature, INSEE's zone codes and qualities, agg_territory.qpv_uncertain,
#    third places found in several sources
# 5: agg_weight, agg_evolution, ref_sector_groups (all establishments, SSE or not)
SCHEMA_VERSION = "5"
TMP_SUFFIX = ".tmp"
INDICATOR_COLUMNS = (
    "population",
    "youth_index",
    "households",
    "social_housing",
    "social_housing_rate",
    "employment_rate",
    "poverty_rate",
    "caf_covered",
    "caf_recipients",
    "rsa",
)


# ------------------------------------------------------------------ table writing
_TYPE_RE = re.compile(r"^[A-Z0-9_\[\]]+$")


def create_schema(con) -> None:
    for statement in queries.load("wh_schema").split(";"):
        if statement.strip() and not all(
            line.strip().startswith("--") or not line.strip() for line in statement.splitlines()
        ):
            con.execute(statement)


def _schema_tables(con) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def locate_third_places_qpv(con) -> None:
    """QPV 2024 status, nearest QPV and distance of every third place and PTCE, with the engine
    of the establishments (sse_dash.warehouse.places): the Écosystème question « tiers-lieux à
    moins de N m d'un QPV » is then a filter, not a national spatial index per page view."""

    for table in places.POINT_TABLES:
        places.locate_qpv(con, table)


def prepare_map_geojson(con) -> None:
    """National-map shapes of régions and départements, simplified once here rather than on
    every view of the choropleth."""
    for level in ("regions", "departements"):
        con.execute(queries.load(f"wh_map_geojson_{level}"))


def prepare_commune_shapes(con) -> None:
    """The communes' display shapes as GeoJSON (commune_shapes), made once here rather than on
    every view of a commune map."""
    con.execute(queries.load("wh_commune_shapes"))


def insert_frame(con, table: str, frame: pd.DataFrame) -> int:
    """Insert `frame` into `table`; geometry columns hold shapely geometries (or None),
    columns absent from the frame are NULL."""
    cols = queries.rows(con, "wh_columns", [table])
    if not cols:
        raise BuildError(f"table inconnue : {table}")
    names = [c for c, _ in cols]
    src = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    exprs = []
    for name, dtype in cols:
        quoted = queries.ident(name, names)
        if dtype == "GEOMETRY":
            values = frame[name].to_numpy() if name in frame else [None] * len(frame)
            src[name] = pd.Series(geo.to_wkb(values), dtype=object)
            exprs.append(f"ST_GeomFromWKB({quoted}) AS {quoted}")
        else:
            if not _TYPE_RE.match(dtype):
                raise BuildError(f"type inattendu {dtype} ({table}.{name})")
            if name in frame:
                src[name] = frame[name].reset_index(drop=True)
            else:
                src[name] = pd.Series([None] * len(frame), dtype=object)
            exprs.append(f"CAST({quoted} AS {dtype}) AS {quoted}")
    sql = queries.render(
        "wh_insert",
        {
            "table": queries.ident(table, _schema_tables(con)),
            "columns": ", ".join(queries.ident(n, names) for n in names),
            "exprs": ", ".join(exprs),
        },
    )
    con.register("_wh_src", src)
    try:
        con.execute(sql)
    finally:
        con.unregister("_wh_src")
    return len(frame)


def name_search(text: str | None) -> str | None:
    """Lower-case, accents removed (docs/warehouse.md): what territory search compares."""
    if text is None:
        return None
    plain = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).lower().strip()


# ------------------------------------------------------------------ the builder
class _Builder:
    def __init__(self, catalog: Catalog, ctx: BuildContext, con, built_at: datetime):
        self.catalog = catalog
        self.ctx = ctx
        self.con = con
        self.built_at = built_at
        self.issues: list[geo.Issue] = []
        self.provenance: list[dict] = []
        self._frames: dict[str, pd.DataFrame] = {}

    # -- helpers
    def step(self, label: str, done: int, total: int) -> None:
        if self.ctx.progress is not None:
            self.ctx.progress(label, done, total)

    def read(self, ds: Dataset) -> pd.DataFrame:
        if ds.id in self._frames:
            return self._frames[ds.id]
        try:
            got = obtain(ds, self.ctx.downloads_dir, self.ctx.progress)
            try:
                frame = read_dataset(ds, got.path)
            except ReadError as exc:
                raise BuildError(str(exc)) from exc
        except BuildError as exc:
            if not ds.options.get("optional"):
                raise
            return self._missing_optional(ds, exc)
        self._frames[ds.id] = frame
        vintage, notes = ds.file_vintage(got.vintage, got.vintage_source)
        self.provenance.append(
            ds.provenance(
                source=got.source if ds.is_remote else ds.source,
                retrieved_at=got.retrieved_at.astimezone(UTC).replace(tzinfo=None),
                sha256=got.sha256,
                size_bytes=got.size,
                rows=len(frame),
                vintage=vintage,
                notes=notes,
                built_at=self.built_at.replace(tzinfo=None),
            )
        )
        return frame

    def _missing_optional(self, ds: Dataset, exc: Exception) -> pd.DataFrame:
        """An optional dataset that cannot be obtained: empty table, reported, not fatal."""
        frame = pd.DataFrame({col: pd.Series(dtype=object) for col in ds.columns})
        if ds.format in GEO_FORMATS:
            frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=4326))
        self._frames[ds.id] = frame
        first_line, row = missing_optional(ds, exc, built_at=self.built_at.replace(tzinfo=None))
        self.issues.append(geo.Issue(ds.id, "dataset_missing", None, first_line))
        self.provenance.append(row)
        return frame

    def role(self, role: str, *, required: bool = False) -> list[tuple[Dataset, pd.DataFrame]]:
        found = [(ds, self.read(ds)) for ds in self.catalog.by_role(role)]
        if required and not found:
            raise BuildError(
                f"Le catalogue {self.catalog.file.name} ne contient aucun jeu de rôle « {role} »."
            )
        return found

    def concat(self, role: str, *, required: bool = False) -> pd.DataFrame:
        parts = [df.assign(_dataset=ds.id) for ds, df in self.role(role, required=required)]
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts, ignore_index=True)

    # -- steps (run in the order of STEPS)
    def load_cog(self) -> None:
        cog = self.concat("communes_cog", required=True)
        for col in ("type", "former_codes", "parent_code", "city_code", "zone", "postal_codes"):
            if col not in cog:
                cog[col] = None
        cog["type"] = cog["type"].fillna("commune-actuelle")
        self.cog = cog
        self.current = cog[cog["type"] == "commune-actuelle"].drop_duplicates("code").copy()
        self.aliases = geo.commune_aliases(cog)
        self.alias_of = dict(
            zip(self.aliases["alias_code"], self.aliases["commune_code"], strict=True)
        )
        self.regions_cog = self.concat("regions_cog", required=True).drop_duplicates("code")
        self.deps_cog = self.concat("departements_cog", required=True).drop_duplicates("code")
        self.dep_region = dict(
            zip(self.deps_cog["code"], self.deps_cog.get("region_code"), strict=True)
        )
        members = self.concat("epci_members")
        self.epci_of = (
            dict(zip(members["commune_code"], members["epci_code"], strict=True))
            if len(members)
            else {}
        )
        self.epci_members = members
        ept = self.concat("ept_members")
        self.ept_members = ept
        self.ept_of = (
            dict(zip(ept["commune_code"], ept["ept_code"], strict=True)) if len(ept) else {}
        )

    def build_communes(self) -> None:
        geoms: dict[str, object] = {}
        for ds, gdf in self.role("communes_geom"):
            fixed, _ = geo.repair(gdf.geometry.to_numpy(), gdf["code"], ds.id, self.issues)
            mapped = geo.reconcile_communes(
                gdf["code"].tolist(),
                fixed,
                self.aliases,
                [c for c in self.current["code"] if c not in geoms],
                ds.id,
                self.issues,
            )
            for code, g in mapped.items():
                geoms.setdefault(code, g)
        cur = self.current
        pop = to_number(cur["population"]) if "population" in cur else np.nan
        communes = pd.DataFrame(
            {
                "code": cur["code"].to_numpy(),
                "name": cur["name"].to_numpy(),
                "dep_code": cur.get("dep_code"),
                "reg_code": cur.get("reg_code"),
                "zone": cur["zone"].to_numpy(),
                "population": pop,
                "postal_codes": cur["postal_codes"].to_numpy(),
            }
        ).reset_index(drop=True)
        if communes["reg_code"].isna().any():
            communes["reg_code"] = communes["reg_code"].fillna(
                communes["dep_code"].map(self.dep_region)
            )
        communes["epci_code"] = communes["code"].map(self.epci_of)
        communes["ept_code"] = communes["code"].map(self.ept_of)
        communes["geom_display"] = communes["code"].map(geoms)
        communes["geom_display"] = (
            communes["geom_display"].astype(object).where(communes["geom_display"].notna(), None)
        )
        self.communes = communes
        self.commune_row = {c: i for i, c in enumerate(communes["code"])}
        with_geom = communes[communes["geom_display"].notna()]
        self.gazetteer = Gazetteer.build(
            with_geom["code"].tolist(),
            with_geom["geom_display"].to_numpy(),
            dict(zip(communes["code"], communes["dep_code"], strict=True)),
            self.dep_region,
            self.alias_of,
        )
        insert_frame(self.con, "communes", communes)
        insert_frame(self.con, "commune_aliases", self.aliases)
        prepare_commune_shapes(self.con)

    def _geom_by_code(self, role: str) -> dict[str, object]:
        out: dict[str, object] = {}
        for ds, gdf in self.role(role):
            fixed, _ = geo.repair(gdf.geometry.to_numpy(), gdf["code"], ds.id, self.issues)
            for code, g in zip(gdf["code"], fixed, strict=True):
                if g is not None:
                    out.setdefault(code, g)
        return out

    def build_upper_levels(self) -> None:
        communes = self.communes
        pop_dep = communes.groupby("dep_code")["population"].sum(min_count=1)
        pop_reg = communes.groupby("reg_code")["population"].sum(min_count=1)
        reg_geom = self._geom_by_code("regions_geom")
        dep_geom = self._geom_by_code("departements_geom")
        regions = pd.DataFrame(
            {
                "code": self.regions_cog["code"].to_numpy(),
                "name": self.regions_cog["name"].to_numpy(),
                "zone": self.regions_cog.get("zone"),
            }
        ).reset_index(drop=True)
        regions["population"] = regions["code"].map(pop_reg)
        regions["geom_display"] = regions["code"].map(reg_geom).astype(object)
        deps = pd.DataFrame(
            {
                "code": self.deps_cog["code"].to_numpy(),
                "name": self.deps_cog["name"].to_numpy(),
                "region_code": self.deps_cog.get("region_code"),
                "zone": self.deps_cog.get("zone"),
            }
        ).reset_index(drop=True)
        deps["population"] = deps["code"].map(pop_dep)
        deps["geom_display"] = deps["code"].map(dep_geom).astype(object)
        for frame in (regions, deps):
            frame["geom_display"] = frame["geom_display"].where(frame["geom_display"].notna(), None)
        self.regions, self.deps = regions, deps
        self.dep_geoms = dep_geom
        insert_frame(self.con, "regions", regions)
        insert_frame(self.con, "departements", deps)
        prepare_map_geojson(self.con)

        # EPCI (+ EPT of the Grand Paris as type EPT)
        epci_cog = (
            self.concat("epci_cog").drop_duplicates("code")
            if self.catalog.by_role("epci_cog")
            else pd.DataFrame(columns=["code", "name", "type", "population"])
        )
        epci_geom = self._geom_by_code("epci_geom")
        counts = (
            self.epci_members.groupby("epci_code")["commune_code"].nunique()
            if len(self.epci_members)
            else pd.Series(dtype=float)
        )
        epci = pd.DataFrame(
            {
                "code": epci_cog["code"].to_numpy(),
                "name": epci_cog["name"].to_numpy(),
                "type": epci_cog["type"].to_numpy() if "type" in epci_cog else None,
                "population": to_number(epci_cog["population"]).to_numpy()
                if "population" in epci_cog
                else np.nan,
            }
        )
        pop_epci = communes.groupby("epci_code")["population"].sum(min_count=1)
        epci["population"] = epci["population"].fillna(epci["code"].map(pop_epci))
        epci["nb_communes"] = epci["code"].map(counts)
        epci["geom_display"] = epci["code"].map(epci_geom).astype(object)
        for code in epci.loc[epci["geom_display"].isna(), "code"]:
            self.issues.append(geo.Issue("epci", "geometry_empty", code, "EPCI sans contour"))
        ept_rows = []
        if len(self.ept_members):
            geom_of = dict(zip(communes["code"], communes["geom_display"], strict=True))
            pop_of = dict(zip(communes["code"], communes["population"], strict=True))
            for (code, name), grp in self.ept_members.groupby(["ept_code", "ept_name"]):
                members = [self.alias_of.get(c, c) for c in grp["commune_code"]]
                parts = [geom_of.get(c) for c in members if geom_of.get(c) is not None]
                union = (
                    geo.polygonal(shapely.make_valid(shapely.union_all(parts))) if parts else None
                )
                ept_rows.append(
                    {
                        "code": code,
                        "name": name,
                        "type": "EPT",
                        "population": float(np.nansum([pop_of.get(c, np.nan) for c in members])),
                        "nb_communes": len(set(members)),
                        "geom_display": union,
                    }
                )
        if ept_rows:
            epci = pd.concat([epci, pd.DataFrame(ept_rows)], ignore_index=True)
        epci["geom_display"] = epci["geom_display"].where(epci["geom_display"].notna(), None)
        self.epci = epci
        insert_frame(self.con, "epci", epci)

    # -- QPV
    def build_qpv(self) -> None:
        # indicators first: they also list every commune of multi-commune QPV
        ind_frames, pairs = [], []
        for ds, df in self.role("qpv_indicators"):
            geography = str(ds.options.get("geography", "2024"))
            frame = pd.DataFrame({"code": df["code"], "geography": geography})
            for col in INDICATOR_COLUMNS:
                frame[col] = to_number(df[col]) if col in df else np.nan
            if "commune_code" in df:
                for code, com in zip(df["code"], df["commune_code"], strict=True):
                    if com:
                        pairs.append((code, geography, self.alias_of.get(com, com)))
            ind_frames.append(frame.drop_duplicates(["code", "geography"]))
        indicators = (
            pd.concat(ind_frames, ignore_index=True).drop_duplicates(["code", "geography"])
            if ind_frames
            else pd.DataFrame(columns=["code", "geography", *INDICATOR_COLUMNS])
        )
        extra_communes: dict[tuple[str, str], set[str]] = {}
        for code, geography, com in pairs:
            extra_communes.setdefault((code, geography), set()).add(com)

        frames = []
        seen: set[tuple[str, str]] = set()
        for ds, gdf in self.role("qpv"):
            geography = str(ds.options.get("geography", "2024"))
            precision = str(ds.options.get("precision", "full"))
            keep = []
            for i, code in enumerate(gdf["code"]):
                if code is None or (code, geography) in seen:
                    self.issues.append(
                        geo.Issue(ds.id, "row_dropped", code, "QPV sans code ou en double")
                    )
                    continue
                seen.add((code, geography))
                keep.append(i)
            gdf = gdf.iloc[keep].reset_index(drop=True)
            geoms, status = geo.repair(gdf.geometry.to_numpy(), gdf["code"], ds.id, self.issues)
            lon, lat = geo.label_points(geoms)
            frame = pd.DataFrame(
                {
                    "code": gdf["code"],
                    "name": gdf.get("name"),
                    "geography": geography,
                    "precision": precision,
                    "geometry_status": status,
                    "lon": lon,
                    "lat": lat,
                }
            )
            frame["geom"] = pd.Series(geoms, dtype=object)
            frame["area_m2"] = geo.metric_areas(geoms, lon, lat)
            frame["geom_display"] = pd.Series(geo.simplify_display(geoms), dtype=object)
            # main commune: source, else the commune under the label point
            # ANCT writes every commune of a multi-commune QPV in one field ("93014, 93047")
            listed = [
                [self.alias_of.get(c, c) for c in split_commune_codes(v)]
                for v in (gdf["commune_code"] if "commune_code" in gdf else [None] * len(gdf))
            ]
            com = [codes[0] if codes else None for codes in listed]
            located = self.gazetteer.commune_at(lon, lat)
            frame["commune_code"] = [c or loc for c, loc in zip(com, located, strict=True)]
            dep_src = gdf["dep_code"] if "dep_code" in gdf else [None] * len(gdf)
            dep_opt = norm_dep(ds.options.get("dep_code"))
            deps = []
            for code, d, c in zip(frame["code"], dep_src, frame["commune_code"], strict=True):
                deps.append(d or self.gazetteer.dep_of.get(c) or dep_opt or norm_dep(code[2:5]))
            frame["dep_code"] = deps
            reg_src = gdf["reg_code"] if "reg_code" in gdf else [None] * len(gdf)
            frame["reg_code"] = [
                r or self.dep_region.get(d) for r, d in zip(reg_src, deps, strict=True)
            ]
            epci_src = gdf["epci_code"] if "epci_code" in gdf else [None] * len(gdf)
            frame["epci_code"] = [
                e or self.epci_of.get(c) or self.ept_of.get(c)
                for e, c in zip(epci_src, frame["commune_code"], strict=True)
            ]
            frame["commune_codes"] = [
                sorted({c for c in [main, *more, *extra_communes.get((code, geography), ())] if c})
                for code, main, more in zip(
                    frame["code"], frame["commune_code"], listed, strict=True
                )
            ]
            frames.append(frame)
        qpv = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        for col in ("geom", "geom_display"):
            if col in qpv:
                qpv[col] = qpv[col].astype(object).where(qpv[col].notna(), None)
        self.qpv = qpv
        insert_frame(self.con, "qpv", qpv)
        links = [
            (code, geography, c)
            for code, geography, cs in zip(
                qpv.get("code", []),
                qpv.get("geography", []),
                qpv.get("commune_codes", []),
                strict=True,
            )
            for c in cs
        ]
        insert_frame(
            self.con,
            "qpv_communes",
            pd.DataFrame(links, columns=["code", "geography", "commune_code"]),
        )
        insert_frame(self.con, "qpv_indicators", indicators)

    # -- points
    def build_points(self) -> None:
        for role, table in (("third_places", "third_places"), ("ptce", "ptce")):
            frames = []
            for ds, df in self.role(role):
                pts = locate_points(df, ds, self.gazetteer)
                if role == "third_places":
                    kind = ds.options.get("kind")
                    if kind:
                        pts["kind"] = kind
                frames.append(pts)
            if frames:
                insert_frame(self.con, table, pd.concat(frames, ignore_index=True))
        locate_third_places_qpv(self.con)
        from sse_dash.warehouse import places

        places.mark_duplicates(self.con, {ds.id: ds.title for ds in self.catalog.datasets})

    def build_ess_share(self) -> None:
        frames = []
        for _ds, df in self.role("ess_share"):
            frame = pd.DataFrame(
                {
                    "level": df["level"],
                    "name": df.get("name"),
                    "share_2014": to_number(df["share_2014"]) if "share_2014" in df else np.nan,
                    "share_2008": to_number(df["share_2008"]) if "share_2008" in df else np.nan,
                }
            )
            frame["code"] = [
                norm_dep(c) if lvl == "departement" else norm_region(c)
                for lvl, c in zip(df["level"], df["code"], strict=True)
            ]
            frames.append(frame)
        if frames:
            insert_frame(self.con, "ess_share", pd.concat(frames, ignore_index=True))

    def build_territories(self) -> None:
        c, d, r, e = self.communes, self.deps, self.regions, self.epci
        main_zones = c["zone"].isin(["metro", "drom"]) if c["zone"].notna().any() else True
        france_pop = c.loc[main_zones, "population"].sum(min_count=1)
        # an EPCI's département/région: those of its most populated member commune
        lead = (
            c[c["epci_code"].notna()]
            .sort_values("population", ascending=False)
            .drop_duplicates("epci_code")
            .set_index("epci_code")
        )
        lead_ept = (
            c[c["ept_code"].notna()]
            .sort_values("population", ascending=False)
            .drop_duplicates("ept_code")
            .set_index("ept_code")
        )
        lead = pd.concat([lead, lead_ept])
        parts = [
            pd.DataFrame(
                [{"level": "france", "code": "FR", "name": "France", "population": france_pop}]
            ),
            pd.DataFrame(
                {
                    "level": "region",
                    "code": r["code"],
                    "name": r["name"],
                    "population": r["population"],
                    "region_code": r["code"],
                }
            ),
            pd.DataFrame(
                {
                    "level": "departement",
                    "code": d["code"],
                    "name": d["name"],
                    "population": d["population"],
                    "region_code": d["region_code"],
                    "dep_code": d["code"],
                }
            ),
            pd.DataFrame(
                {
                    "level": "epci",
                    "code": e["code"],
                    "name": e["name"],
                    "population": e["population"],
                    "epci_type": e["type"],
                    "region_code": e["code"].map(lead["reg_code"]),
                    "dep_code": e["code"].map(lead["dep_code"]),
                }
            ),
            pd.DataFrame(
                {
                    "level": "commune",
                    "code": c["code"],
                    "name": c["name"],
                    "population": c["population"],
                    "region_code": c["reg_code"],
                    "dep_code": c["dep_code"],
                }
            ),
        ]
        terr = pd.concat(parts, ignore_index=True)
        terr["name_search"] = [name_search(n) for n in terr["name"]]
        insert_frame(self.con, "territories", terr)

    def finish(self) -> None:
        """build_issues and provenance of the steps run so far."""
        issues = pd.DataFrame(
            [(i.dataset_id, i.kind, i.code, i.detail) for i in self.issues],
            columns=["dataset_id", "kind", "code", "detail"],
        )
        insert_frame(self.con, "build_issues", issues)
        insert_frame(self.con, "provenance", pd.DataFrame(self.provenance))


@dataclass(frozen=True)
class Step:
    """One step of the build: the catalogue roles it reads, the tables it writes."""

    id: str
    label: str  # progress line (French)
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[[_Builder], None]
    # On a first build, publish what is built so far before this (long) step, so that the
    # dashboard is usable meanwhile; a rebuild keeps the previous complete base instead.
    publish_before: bool = False


def _sirene(builder: _Builder) -> None:
    builder.sirene_sources = sirene_step.run(builder.con, builder.catalog, builder.ctx)


def _weight(builder: _Builder) -> None:
    """Aggregates of all establishments (SSE or not) from the files the SIRENE step read."""
    from sse_dash.sirene import aggregates, weight

    sources = getattr(builder, "sirene_sources", None)
    if sources is None:
        return
    if builder.ctx.progress is not None:
        builder.ctx.progress("SIRENE : poids et évolution de l'ESS (tous établissements)", 0, None)
    weight.build(
        builder.con,
        sources,
        scope=(builder.ctx.options or {}).get("scope"),
        france_code=aggregates.france_code(builder.con),
    )


# The build, in order. Steps before the first `publish_before` one are the geography.
STEPS: tuple[Step, ...] = (
    Step(
        "cog",
        "Lecture du COG",
        reads=("communes_cog", "regions_cog", "departements_cog", "epci_members", "ept_members"),
        writes=(),
        run=_Builder.load_cog,
    ),
    Step(
        "communes",
        "Contours des communes",
        reads=("communes_geom",),
        writes=("communes", "commune_aliases", "commune_shapes"),
        run=_Builder.build_communes,
    ),
    Step(
        "upper_levels",
        "Régions, départements, EPCI",
        reads=("regions_geom", "departements_geom", "epci_cog", "epci_geom"),
        writes=("regions", "departements", "epci"),
        run=_Builder.build_upper_levels,
    ),
    Step(
        "qpv",
        "QPV",
        reads=("qpv_indicators", "qpv"),
        writes=("qpv", "qpv_communes", "qpv_indicators"),
        run=_Builder.build_qpv,
    ),
    Step(
        "points",
        "Tiers-lieux et PTCE",
        reads=("third_places", "ptce"),
        writes=("third_places", "ptce"),
        run=_Builder.build_points,
    ),
    Step(
        "ess_share",
        "Statistiques ESS",
        reads=("ess_share",),
        writes=("ess_share",),
        run=_Builder.build_ess_share,
    ),
    Step(
        "territories",
        "Territoires",
        reads=(),
        writes=("territories",),
        run=_Builder.build_territories,
    ),
    Step(
        "sirene",
        "Établissements de l'ESS (SIRENE)",
        reads=(*sirene_step.ROLES, "naf_rev2"),
        writes=(
            "establishments",
            "ref_families",
            "ref_legal_categories",
            "ref_naf_sections",
            "ref_naf",
            "ref_size_bands",
            "agg_territory",
        ),
        run=_sirene,
        publish_before=True,
    ),
    Step(
        "weight",
        "Poids et évolution de l'ESS (tous établissements SIRENE)",
        reads=(),  # the SIRENE files the « sirene » step obtained (builder.sirene_sources)
        writes=("agg_weight", "agg_evolution", "ref_sector_groups"),
        run=_weight,
    ),
)
# Written by the build itself around its steps.
BUILD_TABLES = ("provenance", "build_issues", "meta")


def roles_read() -> set[str]:
    """Every catalogue role some step reads (the catalogue's allowed roles)."""
    return {role for step in STEPS for role in step.reads}


def set_meta(con, key: str, value: str) -> None:
    con.execute(queries.load("wh_meta_set"), [key, value])


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


def build(
    catalog: Catalog,
    data_dir: Path,
    *,
    progress: Progress | None = None,
    options: dict | None = None,
) -> Path:
    """Build the warehouse into `<data_dir>/sse.duckdb` atomically; returns its path."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(data_dir):
        return _build_locked(catalog, data_dir, progress=progress, options=options)


@contextlib.contextmanager
def build_lock(data_dir: Path):
    """One build at a time per data folder (CLI and app share `<data_dir>/sse.duckdb.tmp`)."""
    path = Path(data_dir) / ".build.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildError(
                f"Une construction de la base est déjà en cours dans {data_dir}. "
                "Attendez qu'elle se termine (la base actuelle reste utilisable)."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _publish_geography_first(con, tmp: Path, final: Path, progress: Progress | None):
    """First build on a machine: publish the geography-only base before the (long) SIRENE
    step, so the dashboard is usable on QPV, territories and third places meanwhile. A rebuild
    never does this: the previous complete base stays until the new one is complete."""
    set_meta(con, "sirene_pending", "true")
    con.execute("CHECKPOINT")
    con.close()
    staging = final.with_name(final.name + ".geo")
    shutil.copyfile(tmp, staging)
    publish(staging, final.parent)
    if progress:
        progress("Géographie publiée : le tableau de bord est utilisable pendant SIRENE", 1, 1)
    con = db.connect_for_build(tmp)
    con.execute(queries.load("wh_meta_delete"), ["sirene_pending"])
    return con


def _build_locked(catalog, data_dir, *, progress, options) -> Path:
    final = data_dir / config.WAREHOUSE_NAME
    tmp = data_dir / (config.WAREHOUSE_NAME + TMP_SUFFIX)
    _remove(tmp)
    ctx = BuildContext(
        data_dir=data_dir,
        downloads_dir=data_dir / "downloads",
        progress=progress,
        options=dict(options or {}),
    )
    built_at = datetime.now(UTC).replace(microsecond=0)
    geography = next((i for i, s in enumerate(STEPS) if s.publish_before), len(STEPS))
    existed = final.exists()
    try:
        con = db.connect_for_build(tmp)
        try:
            create_schema(con)
            builder = _Builder(catalog, ctx, con, built_at)
            for i, step in enumerate(STEPS[:geography]):
                if progress is not None:
                    progress(step.label, i, geography)
                step.run(builder)
            _geography_written(builder, catalog, built_at, progress, geography)
            for step in STEPS[geography:]:
                if step.publish_before and not final.exists():
                    con = builder.con = _publish_geography_first(con, tmp, final, progress)
                step.run(builder)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        version = publish(tmp, data_dir)
        qpv_index.persist(version)  # memory-mapped QPV index for the checks (optional)
    except BaseException as exc:
        _remove(tmp)
        _remove(final.with_name(final.name + ".geo"))
        if is_disk_full(exc):
            raise BuildError(disk_full_message(data_dir, final, existed)) from exc
        raise
    finally:  # DuckDB's spill folder (db.connect_for_build)
        shutil.rmtree(tmp.with_name(tmp.name + ".spill"), ignore_errors=True)
    return final


def _geography_written(builder, catalog, built_at, progress, done: int) -> None:
    """build_issues, provenance and meta of the geography (a base the app can read)."""
    if progress is not None:
        progress("Géographie écrite", done, done)
    builder.finish()
    set_meta(builder.con, "catalog", catalog.name)
    set_meta(builder.con, "catalog_file", str(catalog.file))
    set_meta(builder.con, "built_at", built_at.isoformat())
    set_meta(builder.con, "schema_version", SCHEMA_VERSION)
