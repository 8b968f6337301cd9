"""Coordinates -> QPV results, for one point or a whole file.

Membership and distances come from `sse_dash.qpv_index.QpvIndex` (exact polygons, never the
commune code). The reference (indexes, names, communes) is built once per warehouse file and
kept while the file's modification time is unchanged."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

from sse_dash import commune_raster, config, fmt, qpv_index
from sse_dash.qpv_index import (
    ANSWERS,
    NO,
    UNCERTAIN,
    YES,
    ZONES,
    QpvIndex,
    answer_codes,
    answers,
    decode,
    to_metric,
    zone_of,
)
from sse_dash.qpvcheck import Counted, Distance, InputError, Message, Term
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck import precision as pr

if TYPE_CHECKING:
    import pandas as pd

    from sse_dash.qpvcheck.geocoder import GeoResult, Progress

NOT_LOADED_2015 = "géographie 2015 non chargée pour ce secteur"
OUTSIDE_2015 = "hors QPV 2015"
# Columns added to the user's file, in this order. Scripts rely on the first fourteen: new ones
# are only ever appended. `en_qpv_2024` and `a_moins_de_300m` answer « oui », « non » or
# « incertain » (sse_dash.qpv_index.answers); `code_qpv` / `nom_qpv` are filled for « oui » only.
RESULT_COLUMNS = [
    "statut",
    "libelle_geocode",
    "score",
    "type",
    "lon",
    "lat",
    "code_commune",
    "en_qpv_2024",
    "code_qpv",
    "nom_qpv",
    "distance_m",
    "qpv_le_plus_proche",
    "a_moins_de_300m",
    "qpv_2015",
    "precision_localisation",
    "rayon_precision_m",
]


# assign_coded takes this many points or more in spatial order, by cells of this size (~1 km)
SPATIAL_ORDER_FROM = 1_024
SPATIAL_CELL_DEG = 0.01


@dataclass(frozen=True)
class Coded:
    """A text column as codes into `labels` (-1 = empty): few distinct values, no Python
    object per row."""

    codes: np.ndarray
    labels: np.ndarray

    def decoded(self) -> np.ndarray:
        return decode(self.codes, self.labels)


def _dep_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


class Reference:
    """Everything a check needs from the warehouse, in memory (read-only once built)."""

    def __init__(self, con):
        from sse_dash import queries

        self.idx24 = QpvIndex.from_warehouse(con, "2024")
        self.idx15 = QpvIndex.from_warehouse(con, "2015")
        attrs = queries.df(con, "qpvcheck_qpv")
        self.qpv_names: dict[tuple[str, str], str] = {
            (g, c): n for g, c, n in zip(attrs.geography, attrs.code, attrs.name, strict=True)
        }
        self.qpv_communes: dict[str, list[str]] = {}
        for code, geo, communes in zip(
            attrs.code, attrs.geography, attrs.commune_codes, strict=True
        ):
            if geo == "2024":
                self.qpv_communes[code] = [str(c) for c in communes] if communes is not None else []
        self.deps_2015 = {
            str(d) for d in attrs.loc[attrs.geography == "2015", "dep_code"].dropna().unique()
        }
        names = queries.df(con, "qpvcheck_communes")
        self.commune_names = dict(zip(names.code.astype(str), names.name, strict=True))
        self.aliases: dict[str, str] = {}
        from sse_dash import db

        if db.table_exists(con, "commune_aliases"):
            al = queries.df(con, "qpvcheck_commune_aliases")
            self.aliases = dict(zip(al.alias_code, al.commune_code, strict=True))
        geoms = queries.df(con, "qpvcheck_commune_geoms")
        self._commune_codes = geoms.code.astype(str).to_numpy(dtype=object)
        polys = shapely.from_wkb([bytes(b) for b in geoms.wkb]) if len(geoms) else np.array([])
        self._commune_geoms = np.asarray(polys, dtype=object)
        self._commune_tree: commune_raster.ExactCommunes | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_bundle(cls, arrays: dict, meta: dict) -> Reference:
        """A reference from the index persisted next to the warehouse (sse_dash.qpv_index):
        no WKB to parse, no index to build; commune outlines are rebuilt on first use."""
        ref = cls.__new__(cls)
        ref.idx24 = QpvIndex.from_arrays(arrays, meta["q24"], "q24")
        ref.idx15 = QpvIndex.from_arrays(arrays, meta["q15"], "q15")
        ref.qpv_names, ref.qpv_communes, deps = {}, {}, set()
        for code, name, geography, dep, communes in meta["qpv_attrs"]:
            ref.qpv_names[(geography, code)] = name
            if geography == "2024":
                ref.qpv_communes[code] = list(communes)
            elif dep is not None:
                deps.add(dep)
        ref.deps_2015 = deps
        ref.commune_names = meta["commune_names"]
        ref.aliases = meta["aliases"]
        ref._commune_codes = np.asarray(meta["commune_codes"], dtype=object)
        ref._bundle = (arrays, meta)
        ref._commune_geoms = None
        ref._commune_tree = None
        ref._lock = threading.Lock()
        return ref

    @classmethod
    def from_index(cls, idx24: QpvIndex, idx15: QpvIndex | None = None) -> Reference:
        """A reference without a warehouse (benchmarks): names from the index, no communes."""
        ref = cls.__new__(cls)
        ref.idx24 = idx24
        ref.idx15 = idx15 or QpvIndex([], np.array([], dtype=object))
        ref.qpv_names = {("2024", c): n for c, n in zip(idx24.codes, idx24.names, strict=True)}
        ref.qpv_communes, ref.deps_2015, ref.commune_names, ref.aliases = {}, set(), {}, {}
        ref._commune_codes = np.array([], dtype=object)
        ref._commune_geoms = np.array([], dtype=object)
        ref._commune_tree = None
        ref._lock = threading.Lock()
        return ref

    # ------------------------------------------------------------------ helpers
    def commune_name(self, code: str | None) -> str | None:
        if not code:
            return None
        return self.commune_names.get(code) or self.commune_names.get(self.aliases.get(code, ""))

    def qpv_name(self, code: str | None, geography: str = "2024") -> str | None:
        return self.qpv_names.get((geography, code)) if code else None

    def communes_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Commune code containing each point (display outlines), None where unknown."""
        found = self.commune_rows(lon, lat)
        out = np.full(len(found), None, dtype=object)
        hit = found >= 0
        out[hit] = self._commune_codes[found[hit]]
        return out

    def commune_rows(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Row (into the commune outlines) of the commune containing each point, -1 where
        unknown: from the raster persisted with the index far from boundaries, exact near
        them (sse_dash.commune_raster)."""
        raster = None
        bundle = getattr(self, "_bundle", None)
        if bundle is not None and bundle[1].get("commune_raster"):
            raster = (bundle[0], bundle[1]["commune_raster"])
        return commune_raster.rows(lon, lat, raster, self._exact_communes)

    def _exact_communes(self) -> commune_raster.ExactCommunes | None:
        with self._lock:
            if self._commune_tree is None:
                arrays, meta = getattr(self, "_bundle", None) or ({}, {})
                if self._commune_geoms is None and "communes.bounds" in arrays:
                    # persisted reference: only the outlines near the points are ever made
                    self._commune_tree = commune_raster.ExactCommunes(
                        bounds=arrays["communes.bounds"],
                        geoms_of=lambda rows: qpv_index.commune_geoms(arrays, meta, rows),
                        arrays=arrays,
                    )
                elif len(self._all_commune_geoms()):
                    self._commune_tree = commune_raster.ExactCommunes(self._commune_geoms)
        return self._commune_tree

    def _all_commune_geoms(self) -> np.ndarray:
        if self._commune_geoms is None:  # persisted reference: outlines on first use
            self._commune_geoms = qpv_index.commune_geoms(*self._bundle)
        return self._commune_geoms

    def _covered_2015(self) -> np.ndarray:
        """Per commune outline: its département had QPV in 2015 (computed once)."""
        covered = getattr(self, "_commune_covered_2015", None)
        if covered is None:
            # the département of each commune code (3 characters overseas, 2 otherwise), as
            # numpy strings: one pass instead of a Python loop over 35,000 communes
            codes = np.asarray(self._commune_codes, dtype=str)
            deps = np.where(np.char.startswith(codes, "97"), codes.astype("U3"), codes.astype("U2"))
            covered = np.isin(deps, np.array(sorted(self.deps_2015), dtype=str))
            self._commune_covered_2015 = covered
        return covered

    def _qpv_rows_names(self) -> np.ndarray:
        """Name of each QPV 2024 of the index, by its row (computed once)."""
        names = getattr(self, "_idx24_names", None)
        if names is None:
            names = np.array([self.qpv_name(c) for c in self.idx24.codes], dtype=object)
            self._idx24_names = names
        return names

    def commune_extent(self, codes, lon, lat) -> np.ndarray:
        """Radius (m) of a location known only by its commune: the distance from the point to
        the farthest point of the commune's contour (inf when the contour is unknown)."""
        out = np.full(len(codes), np.inf)
        by_code = dict(zip(self._commune_codes, self._all_commune_geoms(), strict=True))
        for i, (code, x, y) in enumerate(zip(codes, lon, lat, strict=True)):
            geom = by_code.get(code) or by_code.get(self.aliases.get(code or "", ""))
            zone = int(zone_of(np.array([x]), np.array([y]))[0])
            if geom is None or zone < 0:
                continue
            epsg = ZONES[zone][1]
            ring = shapely.get_coordinates(geom)
            gx, gy = to_metric(epsg, ring[:, 0], ring[:, 1])
            px, py = to_metric(epsg, np.array([x]), np.array([y]))
            out[i] = float(np.sqrt((gx - px[0]) ** 2 + (gy - py[0]) ** 2).max())
        return out

    def assign_coded(self, lon, lat, citycode=None, radius=None) -> dict:
        """The result columns from code_commune on: text columns as Coded (codes into a few
        labels: statuses, QPV and commune codes), distance_m and rayon_precision_m as float
        (NaN = empty). No Python object per point: the command line writes the codes
        straight to Arrow dictionaries. `radius`: location precision in metres per point
        (default 0: exact coordinates).

        Many points are taken in spatial order (cells of SPATIAL_CELL_DEG): neighbours then
        query the same parts of the KD-trees and polygons one after another (about 10 % less
        time at 32,768 points); the results come back in the given order."""
        lon = np.asarray(lon, dtype="float64")
        lat = np.asarray(lat, dtype="float64")
        if lon.size < SPATIAL_ORDER_FROM:
            return self._assign_coded(lon, lat, citycode, radius)
        with np.errstate(invalid="ignore"):  # missing points: any cell, they are skipped
            cx = np.nan_to_num(np.floor(lon / SPATIAL_CELL_DEG)).astype(np.int64)
            cy = np.nan_to_num(np.floor(lat / SPATIAL_CELL_DEG)).astype(np.int64)
        order = np.argsort((cx << 32) + (cy & 0xFFFFFFFF))
        citycode = None if citycode is None else np.asarray(citycode, dtype=object)[order]
        radius = None if radius is None else np.asarray(radius, dtype="float64")[order]
        out = self._assign_coded(lon[order], lat[order], citycode, radius)
        back = np.empty_like(order)
        back[order] = np.arange(order.size)
        return {k: Coded(v.codes[back], v.labels) if isinstance(v, Coded) else v[back]
                for k, v in out.items()}  # fmt: skip

    def _assign_coded(self, lon, lat, citycode, radius) -> dict:
        n = lon.size
        has = np.isfinite(lon) & np.isfinite(lat)
        radius = np.zeros(n) if radius is None else np.asarray(radius, dtype="float64")
        pts = qpv_index.Projected(lon, lat)
        a24 = self.idx24.assign(lon, lat, edge_for=radius > 0, projected=pts)
        member, near = answer_codes(a24, np.where(has, radius, np.nan))
        communes = self._commune_codes
        commune = np.full(n, -1, dtype=np.int64)
        covered = np.zeros(n, dtype=bool)  # the commune's département had QPV in 2015
        given = np.zeros(n, dtype=bool)
        if citycode is not None:
            cc = np.asarray(citycode, dtype=object)
            given = np.array([isinstance(c, str) and c != "" for c in cc], dtype=bool)
            if given.any():
                extra, which = np.unique(cc[given].astype(str), return_inverse=True)
                communes = np.concatenate([communes, extra.astype(object)])
                commune[given] = len(self._commune_codes) + which
                covered[given] = [_dep_of(c) in self.deps_2015 for c in cc[given]]
        missing = np.flatnonzero(has & ~given)
        if missing.size:
            rows = self.commune_rows(lon[missing], lat[missing])
            hit = rows >= 0
            commune[missing[hit]] = rows[hit]
            covered[missing[hit]] = self._covered_2015()[rows[hit]]
        qpv = np.where(member == 0, a24.row, -1)
        return {
            "code_commune": Coded(commune, communes),
            "en_qpv_2024": Coded(member, ANSWERS),
            "code_qpv": Coded(qpv, self.idx24.codes),
            "nom_qpv": Coded(qpv, self._qpv_rows_names()),
            "distance_m": np.round(a24.distance_m, 0),
            "qpv_le_plus_proche": Coded(a24.nearest_row, self.idx24.codes),
            "a_moins_de_300m": Coded(near, ANSWERS),
            "qpv_2015": Coded(self._status_2015(pts, covered, has), self._labels_2015()),
            "rayon_precision_m": np.where(np.isfinite(radius) & has, np.round(radius, 0), np.nan),
        }

    def assign_arrays(self, lon, lat, citycode=None, radius=None) -> dict[str, np.ndarray]:
        """assign_coded with strings as object arrays (None = empty)."""
        out = self.assign_coded(lon, lat, citycode, radius)
        return {k: v.decoded() if isinstance(v, Coded) else v for k, v in out.items()}

    def warm(self) -> None:
        """Make the parts of the indexes built on first use (grids, prepared outlines, KD-trees
        of every zone, the exact commune lookup, per-row tables), so that the threads of a batch
        never build them twice at once."""
        self.idx24.warm()
        self.idx15.warm(with_distance=False)
        self._exact_communes()
        self._covered_2015()
        self._qpv_rows_names()
        self.assign_arrays(np.array([2.35]), np.array([48.85]), None, np.zeros(1))  # projections

    def assign(self, lon, lat, citycode=None, radius=None) -> pd.DataFrame:
        """assign_arrays as a DataFrame (integer columns nullable)."""
        import pandas as pd

        out = self.assign_arrays(lon, lat, citycode, radius)
        frame = pd.DataFrame(out)
        for c in ("distance_m", "rayon_precision_m"):
            frame[c] = pd.array(out[c]).astype("Int64")
        return frame

    def assign_one(
        self, lon: float, lat: float, citycode: str | None = None, radius: float = 0.0
    ) -> dict:
        """`assign` for one point without pandas (single checks must take ~1 ms)."""
        x, y = np.array([lon], dtype="float64"), np.array([lat], dtype="float64")
        a = self.idx24.assign(x, y, edge_for=np.array([radius > 0]))
        member, near = answers(a, np.array([radius], dtype="float64"))
        commune = citycode or self.communes_at(x, y)[0]
        dist = float(np.round(a.distance_m[0])) if np.isfinite(a.distance_m[0]) else np.nan
        status = NOT_LOADED_2015
        if len(self.idx15):
            inside15 = self.idx15.assign(x, y, with_distance=False).inside[0]
            if inside15 is not None:
                status = inside15
            elif commune and _dep_of(commune) in self.deps_2015:
                status = OUTSIDE_2015
        edge = a.boundary_m()[0]
        return {
            "code_commune": commune,
            "inside": a.inside[0],
            "answer": member[0],
            "near": near[0],
            "distance_m": dist,
            "edge_m": float(edge) if np.isfinite(edge) else np.nan,
            "qpv_le_plus_proche": a.nearest[0],
            "qpv_2015": status,
        }

    def _labels_2015(self) -> np.ndarray:
        """What _status_2015's codes stand for: the two statuses, then the 2015 QPV codes."""
        labels = getattr(self, "_qpv_2015_labels", None)
        if labels is None:
            labels = np.concatenate(
                [np.array([NOT_LOADED_2015, OUTSIDE_2015], dtype=object), self.idx15.codes]
            )
            self._qpv_2015_labels = labels
        return labels

    def _status_2015(self, pts: qpv_index.Projected, covered, has) -> np.ndarray:
        """Codes into _labels_2015 (-1 where no location). `covered`: the point's commune lies
        in a département that had QPV in 2015."""
        out = np.full(len(pts.lon), -1, dtype=np.int64)
        out[has] = 0
        if not len(self.idx15):
            return out
        out[has & covered] = 1
        row15 = self.idx15.assign(None, None, with_distance=False, projected=pts).row
        hit = row15 >= 0
        out[hit] = 2 + row15[hit]
        return out


# ---------------------------------------------------------------------- reference cache
_CACHE: dict[tuple[str, float], Reference] = {}
_CACHE_LOCK = threading.Lock()


def get_reference(path: str | Path | None = None) -> Reference:
    """Reference of the warehouse at `path` (default: the configured one), cached by mtime."""
    path = Path(path or config.warehouse_path())
    if not path.exists():
        raise InputError(
            "Entrepôt de données introuvable : lancez d'abord « python -m sse_dash data build »."
        )
    key = (str(path.resolve()), path.stat().st_mtime)
    with _CACHE_LOCK:
        ref = _CACHE.get(key)
        if ref is None:
            bundle = qpv_index.load_persisted(path)
            if bundle is not None:
                ref = Reference.from_bundle(*bundle)
            else:
                from sse_dash import db

                con = db.open_warehouse(path)
                try:
                    ref = Reference(con)
                finally:
                    con.close()
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]
            _CACHE[key] = ref
    return ref


# ---------------------------------------------------------------------- single check
@dataclass
class SingleResult:
    lon: float
    lat: float
    source: str  # "adresse", "coordonnées", "clic"
    in_qpv: bool  # answer == « oui »
    code: str | None  # QPV code when « oui »
    name: str | None
    communes: list[tuple[str, str]]
    commune_code: str | None
    nearest_code: str | None  # the QPV the point is in, or the nearest one
    nearest_name: str | None
    distance_m: float
    within_300: bool  # near_answer == « oui »
    qpv_2015: str
    geocoded: GeoResult | None = None
    alternatives: list[GeoResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    answer: str = NO  # « oui », « non », « incertain »
    near_answer: str = NO
    precision_m: float = 0.0  # radius of the location, 0 = exact coordinates
    precision_label: str = pr.EXACT
    edge_m: float = np.nan  # distance to the nearest QPV contour (own contour when inside)
    point_in: str | None = None  # the QPV the point itself falls in, whatever the answer

    @property
    def uncertain(self) -> bool:
        return self.answer == UNCERTAIN

    def reason(self) -> Message:
        """Why the answer is « incertain » (a sentence without the answer word)."""
        level = Term(self.precision_label)
        if not np.isfinite(self.precision_m):
            return Message(
                "La localisation de l'adresse ({level}) n'a pas de précision connue ; QPV le "
                "plus proche du point trouvé : {name} ({code}).",
                level=level,
                name=self.nearest_name,
                code=self.nearest_code,
            )
        if self.point_in:
            return Message(
                "Le point trouvé est dans le QPV {name} ({code}), à {edge} de sa limite, mais "
                "l'adresse n'est localisée qu'à {radius} près ({level}).",
                name=self.nearest_name,
                code=self.nearest_code,
                edge=Distance(self.edge_m),
                radius=Distance(self.precision_m),
                level=level,
            )
        return Message(
            "QPV le plus proche {name} ({code}) à {distance}, mais l'adresse n'est localisée "
            "qu'à {radius} près ({level}).",
            name=self.nearest_name,
            code=self.nearest_code,
            distance=Distance(self.distance_m),
            radius=Distance(self.precision_m),
            level=level,
        )

    def summary(self) -> Message:
        """The answer in one sentence (French; `.text("en")` in English)."""
        if self.answer == YES:
            return Message("Oui : dans le QPV {name} ({code}).", name=self.name, code=self.code)
        if self.answer == UNCERTAIN:
            return Message("Incertain : {reason}", reason=self.reason())
        if self.nearest_code is None:
            return Message("Non : aucun QPV 2024 dans ce territoire.")
        return Message(
            "Non : QPV le plus proche {name} ({code}) à {distance}.",
            name=self.nearest_name,
            code=self.nearest_code,
            distance=Distance(self.distance_m),
        )

    def summary_fr(self) -> str:
        return str(self.summary())


# A number as people type one (decimal point or comma, exponent), or a word Python would read as
# a number (inf, nan): two of them and nothing but separators is a pair of coordinates, never an
# address to send to the geocoder.
_NUMBER = re.compile(
    r"[-+]?(?:\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?|\b(?:inf(?:inity)?|nan)\b)", re.IGNORECASE
)
_SEPARATORS = re.compile(r"^[\s;,/°]*$")


def looks_like_coordinates(text: str) -> bool:
    return len(_NUMBER.findall(text)) == 2 and bool(_SEPARATORS.match(_NUMBER.sub("", text)))


def parse_coordinates(text: str) -> tuple[float, float]:
    """`2.35, 48.85`, `48,85 ; 2,35` or `652000 6862000` -> two floats (order not checked)."""
    if not _SEPARATORS.match(_NUMBER.sub("", text)):
        raise InputError("Saisissez deux nombres : longitude et latitude, ou X et Y Lambert-93.")
    numbers = _NUMBER.findall(text)
    if len(numbers) != 2:
        raise InputError(
            "Saisissez exactement deux nombres : longitude et latitude (ex. 2,35 ; 48,85) "
            "ou X et Y Lambert-93 (ex. 652000 ; 6862000)."
        )
    return tuple(float(n.replace(",", ".")) for n in numbers)  # type: ignore[return-value]


def check_coordinates(ref: Reference, a: float, b: float, source: str = "coordonnées"):
    """Two numbers in any supported order/CRS -> SingleResult, or InputError (French)."""
    lon, lat, status = mp.locate(np.array([a], dtype=float), np.array([b], dtype=float))
    if status[0] in (mp.UNREADABLE, mp.MISSING):
        raise InputError("Coordonnées illisibles : saisissez deux nombres.")
    if status[0] == mp.OUTSIDE:
        raise InputError(
            "Coordonnées hors de France : saisissez longitude puis latitude en degrés (WGS84, "
            "ex. 2,35 ; 48,85) ou X puis Y en mètres (Lambert-93, ex. 652000 ; 6862000)."
        )
    notes = []
    if status[0] == mp.SWAPPED:
        notes.append(
            "Longitude et latitude semblaient inversées : elles ont été remises dans l'ordre."
        )
    if abs(a) > 1000 or abs(b) > 1000:
        notes.append("Coordonnées lues en Lambert-93 (mètres) et converties en WGS84.")
    return check_point(ref, float(lon[0]), float(lat[0]), source=source, notes=notes)


def check_point(
    ref: Reference,
    lon: float,
    lat: float,
    *,
    source: str = "coordonnées",
    citycode: str | None = None,
    notes: list[str] | None = None,
    radius: float = 0.0,
    level: str = pr.EXACT,
) -> SingleResult:
    """One point; `radius` (m) says how precise its location is (0: exact coordinates)."""
    r = ref.assign_one(lon, lat, citycode, radius)
    answer = r["answer"] or NO
    code = r["inside"] if answer == YES else None
    commune_codes = ref.qpv_communes.get(code, []) if code else []
    if not commune_codes and r["code_commune"]:
        commune_codes = [r["code_commune"]]
    nearest = r["qpv_le_plus_proche"]
    dist = r["distance_m"]
    return SingleResult(
        lon=lon,
        lat=lat,
        source=source,
        in_qpv=answer == YES,
        code=code,
        name=ref.qpv_name(code),
        communes=[(c, ref.commune_name(c) or c) for c in commune_codes],
        commune_code=r["code_commune"],
        nearest_code=nearest,
        nearest_name=ref.qpv_name(nearest),
        distance_m=dist,
        within_300=r["near"] == YES,
        qpv_2015=r["qpv_2015"],
        notes=list(notes or []),
        answer=answer,
        near_answer=r["near"] or NO,
        precision_m=float(radius),
        precision_label=level,
        edge_m=r["edge_m"],
        point_in=r["inside"],
    )


GEOCODER_DOWN = Message(
    "Le service de recherche d'adresses ne répond pas. Saisissez les coordonnées (longitude "
    "puis latitude, par exemple 2,3601 ; 48,9362) ou cliquez sur la carte à l'emplacement de "
    "l'adresse."
)


def check_text(ref: Reference, text: str, geocoder) -> SingleResult:
    """Free text: two numbers are coordinates, anything else is an address to geocode."""
    text = (text or "").strip()
    if not text:
        raise InputError("Saisissez une adresse ou des coordonnées.")
    if looks_like_coordinates(text):
        a, b = parse_coordinates(text)
        return check_coordinates(ref, a, b)
    from sse_dash.qpvcheck.geocoder import GeocoderError

    try:
        results = geocoder.search(text)
    except GeocoderError as exc:  # waiting will not help on an intranet without the service
        raise InputError(GEOCODER_DOWN) from exc
    if not results:
        raise InputError("Adresse introuvable : vérifiez l'orthographe, ajoutez la commune.")
    best = results[0]
    level, low = pr.levels([best.type], [best.score])
    radius = pr.radii(
        level, lambda rows: ref.commune_extent([best.citycode], [best.lon], [best.lat])
    )[0]
    out = check_point(
        ref,
        best.lon,
        best.lat,
        source="adresse",
        citycode=best.citycode,
        radius=radius,
        level=pr.label(level[0], bool(low[0])),
    )
    out.geocoded = best
    out.alternatives = results[1:]
    out.warnings = best.warnings
    return out


# ---------------------------------------------------------------------- batch
@dataclass
class BatchResult:
    df: pd.DataFrame  # original columns untouched + result columns
    summary: dict
    result_columns: list[str]  # names actually used (renamed if the file had them already)
    notes: list[str] = field(default_factory=list)


def _result_names(original) -> dict[str, str]:
    taken = {str(c) for c in original}
    names = {}
    for c in RESULT_COLUMNS:
        name = c
        while name in taken:
            name = f"{name}_resultat"
        names[c] = name
    return names


def run_batch(
    ref: Reference,
    df: pd.DataFrame,
    mapping: mp.ColumnMapping,
    geocoder=None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BatchResult:
    """Locate every row, assign QPV, keep every row (failures get a `statut`)."""

    import pandas as pd

    mp.validate(mapping, df.columns)
    n = len(df)
    label = np.full(n, None, dtype=object)
    score = np.full(n, np.nan)
    kind = np.full(n, None, dtype=object)
    citycode = np.full(n, None, dtype=object)
    notes: list[str] = []
    if mapping.mode in mp.ADDRESS_MODES:
        if geocoder is None or getattr(geocoder, "name", "") == "none":
            raise InputError(
                "Ce fichier est localisé par adresse : choisissez le géocodeur de l'IGN, "
                "ou indiquez des colonnes de coordonnées."
            )
        from sse_dash.qpvcheck.geocoder import GeocoderError

        try:
            geo = geocoder.geocode_batch(df, mapping.used_columns(), progress, cancel)
        except GeocoderError as exc:
            raise InputError(str(exc)) from exc
        geo = geo.reindex(df.index)
        lon = geo.longitude.to_numpy(dtype="float64")
        lat = geo.latitude.to_numpy(dtype="float64")
        status = geo.geo_status.to_numpy(dtype=object).copy()
        label = geo.result_label.to_numpy(dtype=object)
        score = geo.result_score.to_numpy(dtype="float64")
        kind = geo.result_type.to_numpy(dtype=object)
        citycode = geo.result_citycode.to_numpy(dtype=object)
        ok = geo.geo_ok.to_numpy(dtype=bool)
        if not ok.any():
            notes.append("Aucune adresse n'a pu être géocodée.")
        from sse_dash.qpvcheck.geocoder import SERVICE_ERROR

        unreached = int((status == SERVICE_ERROR).sum())
        if unreached:  # waiting will not help on an intranet without the service
            notes.append(
                Counted(
                    "{n} adresse non géocodée : le service de recherche d'adresses ne "
                    "répond pas. Ajoutez au fichier des colonnes longitude et latitude, ou "
                    "vérifiez ces adresses une à une (coordonnées ou clic sur la carte).",
                    "{n} adresses non géocodées : le service de recherche d'adresses ne "
                    "répond pas. Ajoutez au fichier des colonnes longitude et latitude, ou "
                    "vérifiez ces adresses une à une (coordonnées ou clic sur la carte).",
                    unreached,
                )
            )
        low = ok & (score < pr.LOW_SCORE)
        approx = ok & ~low & pd.Series(kind).notna().to_numpy() & (kind != "housenumber")
        status[low] = "à vérifier (score de géocodage faible)"
        status[approx] = "à vérifier (localisé à la voie ou à la commune)"
        outside = ok & (zone_of(lon, lat) < 0)
        status[outside] = mp.OUTSIDE
        lon, lat = np.where(outside, np.nan, lon), np.where(outside, np.nan, lat)
        level, demoted = pr.levels(kind, score)
        located = np.isfinite(lon) & np.isfinite(lat)
        radius = pr.radii(
            level,
            lambda rows: ref.commune_extent(citycode[rows], lon[rows], lat[rows]),
        )
        radius[~located] = np.nan
        precision = np.array(
            [
                pr.label(lv, bool(d)) if ok_ else None
                for lv, d, ok_ in zip(level, demoted, located, strict=False)
            ],
            dtype=object,
        )
    else:
        if progress:
            progress("Lecture des coordonnées", 0, n)
        lon, lat, status = mp.coordinates(df, mapping)
        swapped = int((status == mp.SWAPPED).sum())
        if swapped:
            notes.append(
                Counted(
                    "{n} ligne avait longitude et latitude inversées : corrigée.",
                    "{n} lignes avaient longitude et latitude inversées : corrigées.",
                    swapped,
                )
            )
        located = np.isfinite(lon) & np.isfinite(lat)
        radius = np.where(located, 0.0, np.nan)
        precision = np.where(located, pr.LABELS[pr.EXACT], None).astype(object)
    if progress:
        progress("Recherche des QPV", 0, n)
    res = ref.assign(lon, lat, citycode, np.where(np.isnan(radius), 0.0, radius))
    if not located.any():
        notes.append("Aucune ligne n'a de coordonnées utilisables.")
    names = _result_names(df.columns)
    results = pd.DataFrame(
        {
            "statut": status,
            "libelle_geocode": label,
            "score": score,
            "type": kind,
            "lon": np.round(lon, 6),
            "lat": np.round(lat, 6),
        },
        index=df.index,
    )
    for c in res.columns:
        results[c] = res[c].array
    results["precision_localisation"] = precision
    results = results[RESULT_COLUMNS]
    out = pd.concat([df, results.rename(columns=names)], axis=1)
    if progress:
        progress("Terminé", n, n)
    return BatchResult(
        df=out,
        summary=summarise(results, ref, geocoded=mapping.mode in mp.ADDRESS_MODES),
        result_columns=[names[c] for c in RESULT_COLUMNS],
        notes=notes,
    )


def summarise(results: pd.DataFrame, ref: Reference, geocoded: bool) -> dict:
    """Counts for the summary. « oui » counts only certain answers; uncertain rows are counted
    apart (in or near a QPV, the location being too coarse to say)."""

    located = results.lon.notna()
    in_qpv = results.en_qpv_2024 == YES
    uncertain = results.en_qpv_2024 == UNCERTAIN
    near = (results.a_moins_de_300m == YES) & ~in_qpv
    near_uncertain = (results.a_moins_de_300m == UNCERTAIN) & ~in_qpv
    by_qpv = (
        results.loc[in_qpv]
        .groupby("code_qpv")
        .size()
        .rename("lignes")
        .reset_index()
        .sort_values(["lignes", "code_qpv"], ascending=[False, True])
    )
    by_qpv.insert(1, "nom_qpv", [ref.qpv_name(c) for c in by_qpv.code_qpv])
    by_status = results.statut.value_counts().rename_axis("statut").rename("lignes").reset_index()
    return {
        "rows": int(len(results)),
        "located": int(located.sum()),
        "geocoded": int(located.sum()) if geocoded else None,
        "in_qpv": int(in_qpv.sum()),
        "uncertain": int(uncertain.sum()),
        "near_300": int(near.sum()),
        "near_uncertain": int(near_uncertain.sum()),
        "by_qpv": by_qpv.reset_index(drop=True),
        "by_status": by_status,
    }


def summary_lines(summary: dict) -> list[str]:
    """The summary as French sentences (CLI and page)."""
    rows = summary["rows"]
    lines = [f"Lignes : {fmt.number(rows)}"]
    if summary["geocoded"] is not None:
        lines.append(f"Géocodées : {fmt.number(summary['geocoded'])}")
    lines.append(f"Localisées : {fmt.number(summary['located'])}")
    share = summary["in_qpv"] / rows * 100 if rows else 0
    lines.append(f"En QPV 2024 : {fmt.number(summary['in_qpv'])} ({fmt.percent(share)})")
    if summary.get("uncertain"):
        lines.append(
            f"Incertain (localisation pas assez précise) : {fmt.number(summary['uncertain'])}"
        )
    lines.append(f"Hors QPV à moins de 300 m : {fmt.number(summary['near_300'])}")
    if summary.get("near_uncertain"):
        lines.append(f"À moins de 300 m, incertain : {fmt.number(summary['near_uncertain'])}")
    by_qpv = summary["by_qpv"]
    if hasattr(by_qpv, "itertuples"):
        by_qpv = [(r.code_qpv, r.nom_qpv, r.lignes) for r in by_qpv.itertuples()]
    for code, name, rows in by_qpv[:10]:
        lines.append(f"  {code} {name or ''} : {fmt.number(rows)}")
    return lines
