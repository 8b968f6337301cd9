"""Labelled synthetic SIRENE: the three INSEE files (StockUniteLegale, StockEtablissement,
Géolocalisation) in their official schemas, so the real pipeline can be built, tested and
benchmarked without the 4 GB of real files. Everything is FICTITIOUS (names say so) and flagged
synthetic wherever it lands.

Realism targets (national scale, published figures): ≈ 44 M establishment rows, ≈ 1.7 M active
SSE establishments, ≈ 213,000 SSE employer establishments of which ≈ 3/4 associations, ≈ 2.6 M
estimated jobs, ≈ 5 % of SSE employers inside a QPV. SSE rows are placed inside real commune
polygons (weighted by population) or inside QPV polygons; non-SSE rows are cheap (jittered
around the commune's label point) because the pipeline only has to filter them out.
Deterministic for a given (scale, seed, scope): one numpy Generator drives everything."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from sse_dash.qpv_index import QpvIndex
from sse_dash.sirene import schema
from sse_dash.sirene.geo import epsg_for_departement, from_wgs84
from sse_dash.sirene.scales import SCALES

# Rows of the national stock (all states) and of its SSE part.
NATIONAL_ROWS = 44_000_000
NATIONAL_SSE_ROWS = 2_350_000
NATIONAL_OTHER_UNITS_PER_ROW = 0.66  # ≈ 29 M legal units for 44 M establishments

TEST_ROWS = (2_500, 1_500)  # (SSE rows, other rows) at the "test" scale
TEST_DEPARTEMENTS = ("93", "75", "971")
CHUNK_UNITS = 250_000
CHUNK_OTHER_ROWS = 2_000_000

# Family mix of SSE legal units: (family, share, legal categories with weights,
# P(employer | active establishment)).
FAMILY_MIX = (
    (
        "association",
        0.865,
        {"9220": 0.93, "9221": 0.02, "9230": 0.02, "9260": 0.02, "9210": 0.01},
        0.103,
    ),
    (
        "cooperative",
        0.062,
        {
            "5458": 0.18,
            "5460": 0.2,
            "5558": 0.06,
            "5560": 0.08,
            "6317": 0.16,
            "6316": 0.12,
            "6595": 0.1,
            "5192": 0.05,
            "5547": 0.05,
        },
        0.33,
    ),
    ("mutuelle", 0.012, {"8210": 0.7, "8290": 0.15, "6411": 0.15}, 0.45),
    ("fondation", 0.005, {"9300": 1.0}, 0.42),
    ("societe_ess", 0.026, {"5710": 0.5, "5499": 0.35, "5599": 0.15}, 0.12),
    ("autre", 0.030, {"8311": 0.4, "8410": 0.3, "9900": 0.3}, 0.02),
)

NAF_BY_FAMILY: dict[str, dict[str, float]] = {
    "association": {
        "94.99Z": 0.36,
        "93.12Z": 0.14,
        "88.99B": 0.07,
        "85.59B": 0.05,
        "90.01Z": 0.06,
        "93.29Z": 0.05,
        "88.10A": 0.03,
        "88.10C": 0.01,
        "87.30A": 0.015,
        "88.91A": 0.02,
        "85.59A": 0.03,
        "94.91Z": 0.03,
        "55.20Z": 0.02,
        "91.02Z": 0.01,
        "88.99A": 0.02,
        "87.90B": 0.015,
        "87.20A": 0.01,
        "85.20Z": 0.02,
        "85.31Z": 0.01,
        "90.04Z": 0.01,
        "94.12Z": 0.01,
        "86.10Z": 0.01,
    },
    "cooperative": {
        "01.61Z": 0.15,
        "46.21Z": 0.1,
        "10.51A": 0.05,
        "64.19Z": 0.2,
        "47.11D": 0.05,
        "41.20A": 0.05,
        "68.20A": 0.05,
        "71.12B": 0.08,
        "62.01Z": 0.07,
        "43.21A": 0.1,
        "49.39B": 0.05,
        "70.22Z": 0.05,
    },
    "mutuelle": {"65.12Z": 0.55, "65.11Z": 0.15, "86.23Z": 0.1, "47.78A": 0.1, "86.21Z": 0.1},
    "fondation": {"87.10A": 0.3, "88.10B": 0.2, "72.19Z": 0.2, "86.10Z": 0.15, "94.99Z": 0.15},
    "societe_ess": {
        "70.22Z": 0.2,
        "62.01Z": 0.15,
        "81.21Z": 0.2,
        "38.32Z": 0.15,
        "56.10A": 0.2,
        "78.20Z": 0.1,
    },
    "autre": {"94.99Z": 0.4, "94.20Z": 0.4, "94.12Z": 0.2},
}
# Employee band of employer establishments: expected mean 12.4 estimated jobs, i.e. ≈ 2.6 M
# jobs for ≈ 213,000 employer establishments at national scale.
EMPLOYER_BANDS = {
    "01": 0.37,
    "02": 0.22,
    "03": 0.145,
    "11": 0.14,
    "12": 0.085,
    "21": 0.025,
    "22": 0.009,
    "31": 0.002,
    "32": 0.0015,
    "41": 0.0005,
    "42": 0.0001,
    "51": 0.00003,
}
NAME_WORDS = np.array(
    [
        "DES JARDINS",
        "SOLIDAIRE",
        "DU QUARTIER",
        "DES AMIS",
        "DE L'ENTRAIDE",
        "DU LIEN",
        "DES HABITANTS",
        "CITOYENNE",
        "DE LA VALLEE",
        "DES SAVOIRS",
        "DU PARTAGE",
        "DES POSSIBLES",
        "DE L'AVENIR",
        "DES RIVES",
        "DU PLATEAU",
    ]
)
NAME_PREFIX = {
    "association": "ASSOCIATION FICTIVE",
    "cooperative": "SCOP FICTIVE",
    "mutuelle": "MUTUELLE FICTIVE",
    "fondation": "FONDATION FICTIVE",
    "societe_ess": "ENTREPRISE SOLIDAIRE FICTIVE",
    "autre": "STRUCTURE FICTIVE",
}

P_ACTIVE_SSE = 0.74
P_ACTIVE_OTHER = 0.37
P_IN_QPV = 0.075  # SSE establishments of a commune that has QPVs, put inside one of them
P_NON_DIFFUSIBLE = 0.006
P_NO_GEOLOC_ROW = 0.025
P_GEOLOC_WITHOUT_XY = 0.015
P_STOCK_XY = 0.9
P_PLG_FLIP_INSIDE = 0.015  # INSEE says CSZ although the point is inside
P_PLG_FLIP_NEAR = 0.3  # INSEE names the nearest QPV for a point just outside (< 25 m)
QUALITE_XY = {"11": 0.8, "12": 0.08, "21": 0.06, "22": 0.03, "33": 0.03}


class SynthError(ValueError):
    """Bad scale/scope or no geography to place establishments in (French message)."""


@dataclass
class _Geo:
    codes: np.ndarray  # current commune codes
    deps: np.ndarray
    weights: np.ndarray  # population share (sums to 1)
    geoms: np.ndarray  # prepared display polygons (lon/lat)
    label_lon: np.ndarray
    label_lat: np.ndarray
    raw_choices: dict[int, np.ndarray]  # commune index -> codes SIRENE may carry instead
    qpv_by_commune: dict[int, np.ndarray]  # commune index -> indexes into qpv arrays
    qpv_geoms: np.ndarray
    qpv_weights: np.ndarray


def _choice(rng: np.random.Generator, mapping: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(mapping), dtype=object)
    p = np.array(list(mapping.values()), dtype="float64")
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _dict(indices: np.ndarray, values) -> pa.Array:
    """String array values[indices], built in C++ through a dictionary array."""
    dictionary = pa.array(list(values), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices, type=pa.int32()), dictionary).cast(
        pa.string()
    )


def _choice_idx(rng: np.random.Generator, mapping: dict[str, float], n: int) -> pa.Array:
    p = np.array(list(mapping.values()), dtype="float64")
    return _dict(rng.choice(len(p), size=n, p=p / p.sum()), mapping.keys())


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) uint8 matrix of the decimal digits of non-negative integers."""
    v = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((v.size, width), dtype=np.uint8)
    for i in range(width - 1, -1, -1):
        out[:, i] = v % 10
        v //= 10
    return out


def _luhn_check(body: np.ndarray) -> np.ndarray:
    """Check digit making body+digit pass the Luhn test (SIREN/SIRET key)."""
    d = body.astype(np.int64)
    # from the right of the final number, the digit left of the key is doubled
    doubled = d[:, ::-1][:, 0::2] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = doubled.sum(axis=1) + d[:, ::-1][:, 1::2].sum(axis=1)
    return (10 - total % 10) % 10


def _str_array(digits: np.ndarray) -> pa.Array:
    width = digits.shape[1]
    raw = np.ascontiguousarray(digits + 48).view(f"S{width}").ravel()
    return pa.array(raw, type=pa.binary(width)).cast(pa.string())


def sirens(first: int, n: int) -> np.ndarray:
    body = _digits(np.arange(first, first + n), 8)
    return np.column_stack([body, _luhn_check(body)]).astype(np.uint8)


def sirets(siren_digits: np.ndarray, nic_seq: np.ndarray) -> np.ndarray:
    body = np.column_stack([siren_digits, _digits(nic_seq, 4)])
    return np.column_stack([body, _luhn_check(body)]).astype(np.uint8)


def _sample_in(geoms: np.ndarray, idx: np.ndarray, rng: np.random.Generator):
    """Uniform points inside geoms[idx] (lon/lat): vectorised rejection in bounding boxes."""
    n = idx.size
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if n == 0:
        return lon, lat
    bounds = shapely.bounds(geoms)
    todo = np.arange(n)
    for _ in range(40):
        if todo.size == 0:
            break
        b = bounds[idx[todo]]
        x = b[:, 0] + rng.random(todo.size) * (b[:, 2] - b[:, 0])
        y = b[:, 1] + rng.random(todo.size) * (b[:, 3] - b[:, 1])
        ok = shapely.contains_xy(geoms[idx[todo]], x, y)
        lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
        todo = todo[~ok]
    if todo.size:  # slivers: fall back to a point surely inside
        p = shapely.point_on_surface(geoms[idx[todo]])
        lon[todo], lat[todo] = shapely.get_x(p), shapely.get_y(p)
    return lon, lat


def _scope_filter(scope: str | None):
    if not scope:
        return None, None
    kind, _, value = scope.partition(":")
    if kind not in ("dep", "reg") or not value:
        raise SynthError(f"Périmètre invalide « {scope} » : attendu dep:93 ou reg:11.")
    return kind, value


def _load_geo(geo_con, scale: str, scope: str | None) -> tuple[_Geo, float]:
    """Communes (and their QPVs) to place establishments in, and the population share kept."""
    cur = geo_con.cursor()
    try:
        rows = cur.execute(
            "SELECT code, dep_code, reg_code, coalesce(population, 0), ST_AsWKB(geom_display) "
            "FROM communes WHERE geom_display IS NOT NULL ORDER BY code"
        ).fetchall()
        aliases = cur.execute(
            "SELECT alias_code, commune_code, kind FROM commune_aliases "
            "WHERE kind IN ('arrondissement', 'ancien_code', 'deleguee') ORDER BY alias_code"
        ).fetchall()
        qpv = cur.execute(
            "SELECT code, commune_code, commune_codes, area_m2, ST_AsWKB(geom) FROM qpv "
            "WHERE geography = '2024' AND geom IS NOT NULL ORDER BY code"
        ).fetchall()
    finally:
        cur.close()
    if not rows:
        raise SynthError("Aucune commune avec contour dans l'entrepôt : impossible de générer.")
    total_pop = sum(r[3] for r in rows) or len(rows)
    kind, value = _scope_filter(scope)
    if kind == "dep":
        rows = [r for r in rows if r[1] == value]
    elif kind == "reg":
        rows = [r for r in rows if r[2] == value]
    elif scale == "test":
        kept = [r for r in rows if r[1] in TEST_DEPARTEMENTS]
        rows = kept or rows
    if not rows:
        raise SynthError(f"Aucune commune dans le périmètre « {scope} ».")
    codes = np.array([r[0] for r in rows], dtype=object)
    pop = np.array([max(r[3], 1) for r in rows], dtype="float64")
    share = (sum(r[3] for r in rows) / total_pop) if kind else 1.0
    geoms = shapely.from_wkb([bytes(r[4]) for r in rows])
    shapely.prepare(geoms)
    label = shapely.point_on_surface(geoms)
    pos = {c: i for i, c in enumerate(codes)}
    raw_choices: dict[int, list[str]] = {}
    for alias, commune, akind in aliases:
        i = pos.get(commune)
        if i is not None and alias != commune:
            raw_choices.setdefault(i, []).append(
                alias if akind != "arrondissement" else "A" + alias
            )
    qpv_by: dict[int, list[int]] = {}
    for k, (_, main, many, _, _) in enumerate(qpv):
        for c in set(list(many or []) + [main]):
            if c in pos:
                qpv_by.setdefault(pos[c], []).append(k)
    qgeoms = shapely.from_wkb([bytes(r[4]) for r in qpv]) if qpv else np.array([], dtype=object)
    if len(qgeoms):
        shapely.prepare(qgeoms)
    qweights = np.array([r[3] or 1.0 for r in qpv], dtype="float64")
    geo = _Geo(
        codes=codes,
        deps=np.array([r[1] for r in rows], dtype=object),
        weights=pop / pop.sum(),
        geoms=geoms,
        label_lon=shapely.get_x(label),
        label_lat=shapely.get_y(label),
        raw_choices={k: np.array(v, dtype=object) for k, v in raw_choices.items()},
        qpv_by_commune={k: np.array(v) for k, v in qpv_by.items()},
        qpv_geoms=qgeoms,
        qpv_weights=qweights,
    )
    return geo, share


def _raw_codes(geo: _Geo, ci: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Commune code as SIRENE carries it: arrondissement for Paris/Lyon/Marseille, sometimes a
    pre-merger code (1 %), else the current code."""
    out = geo.codes[ci].copy()
    u = rng.random(ci.size)
    order = np.argsort(ci, kind="stable")
    uniq, starts = np.unique(ci[order], return_index=True)
    ends = np.append(starts[1:], ci.size)
    for i, a, b in zip(uniq, starts, ends, strict=True):
        alts = geo.raw_choices.get(int(i))
        if alts is None:
            continue
        rows = order[a:b]
        arr = np.array([a_[1:] for a_ in alts if a_.startswith("A")], dtype=object)
        old = np.array([a_ for a_ in alts if not a_.startswith("A")], dtype=object)
        if arr.size:
            out[rows] = arr[rng.integers(0, arr.size, rows.size)]
        elif old.size:
            pick = rows[u[rows] < 0.01]
            if pick.size:
                out[pick] = old[rng.integers(0, old.size, pick.size)]
    return out


def _place_sse(geo: _Geo, n: int, rng: np.random.Generator):
    """Commune index, lon, lat for n SSE establishments (some deliberately inside QPVs)."""
    ci = rng.choice(geo.codes.size, size=n, p=geo.weights)
    lon, lat = _sample_in(geo.geoms, ci, rng)
    has_qpv = np.array([int(i) in geo.qpv_by_commune for i in ci], dtype=bool)
    in_q = np.flatnonzero(has_qpv & (rng.random(n) < P_IN_QPV))
    if in_q.size:
        qi = np.empty(in_q.size, dtype=np.int64)
        for j, i in enumerate(ci[in_q]):
            cand = geo.qpv_by_commune[int(i)]
            w = geo.qpv_weights[cand]
            qi[j] = cand[rng.choice(cand.size, p=w / w.sum())] if cand.size > 1 else cand[0]
        qlon, qlat = _sample_in(geo.qpv_geoms, qi, rng)
        lon[in_q], lat[in_q] = qlon, qlat
        # the commune is the one containing the point (a QPV may span several communes)
        tree = shapely.STRtree(geo.geoms)
        p_i, c_i = tree.query(shapely.points(qlon, qlat), predicate="intersects")
        first = np.unique(p_i, return_index=True)[1]
        ci[in_q[p_i[first]]] = c_i[first]
    return ci, lon, lat


def _plg(assign, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """plg_qp24 as INSEE would publish it (mostly the true membership, some disagreements)."""
    inside = assign.inside
    n = inside.size
    out = np.where(inside == None, "CSZ", inside).astype(object)  # noqa: E711
    flip_in = (inside != None) & (rng.random(n) < P_PLG_FLIP_INSIDE)  # noqa: E711
    out[flip_in] = "CSZ"
    near = (inside == None) & (assign.distance_m < 25) & (rng.random(n) < P_PLG_FLIP_NEAR)  # noqa: E711
    out[near] = assign.nearest[near]
    quality = np.where(flip_in | near, "2", "1").astype(object)
    return out, quality


def _dates(rng: np.random.Generator, n: int, start_year: int = 1960) -> pa.Array:
    lo = np.datetime64(f"{start_year}-01-01").astype(np.int64)
    hi = np.datetime64("2026-10-31").astype(np.int64)
    # skewed towards recent years
    u = rng.random(n) ** 0.6
    days = (lo + u * (hi - lo)).astype(np.int64)
    return pa.array(days.astype("datetime64[D]"), type=pa.date32())


def _table(columns: tuple, values: dict[str, pa.Array | np.ndarray | list], n: int) -> pa.Table:
    """Table in the official column order; unspecified columns are NULL."""
    arrays = []
    for name, dtype in columns:
        v = values.get(name)
        if v is None:
            arrays.append(pa.nulls(n, type=dtype))
        elif isinstance(v, pa.Array | pa.ChunkedArray):
            arrays.append(v if v.type == dtype else v.cast(dtype))
        else:
            arrays.append(pa.array(v, type=dtype, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema.arrow_schema(columns))


class _Writers:
    def __init__(self, out_dir: Path):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.paths = {}
        self.writers = {}
        self.rows = {}
        for role, (name, cols) in schema.FILES.items():
            path = out_dir / name
            tmp = path.with_suffix(".parquet.part")
            self.paths[role] = (tmp, path)
            self.writers[role] = pq.ParquetWriter(
                tmp, schema.arrow_schema(cols), compression="zstd", compression_level=1
            )
            self.rows[role] = 0

    def write(self, role: str, table: pa.Table) -> None:
        if table.num_rows:
            self.writers[role].write_table(table, row_group_size=500_000)
            self.rows[role] += table.num_rows

    def close(self, ok: bool) -> None:
        for role, w in self.writers.items():
            w.close()
            tmp, path = self.paths[role]
            if ok:
                tmp.replace(path)
            else:
                tmp.unlink(missing_ok=True)


def _sse_chunk(geo, qidx24, qidx15, first_siren, n_units, rng, w: _Writers):
    fam_names = [f[0] for f in FAMILY_MIX]
    fam_p = np.array([f[1] for f in FAMILY_MIX])
    fam_i = rng.choice(len(fam_names), size=n_units, p=fam_p / fam_p.sum())
    fam = np.array(fam_names, dtype=object)[fam_i]
    legal = np.empty(n_units, dtype=object)
    for k, (_name, _, cats, _) in enumerate(FAMILY_MIX):
        m = fam_i == k
        legal[m] = _choice(rng, cats, int(m.sum()))
    n_est = rng.geometric(1 / 1.35, size=n_units)
    n_est = np.minimum(n_est, 40)
    siren_d = sirens(first_siren, n_units)
    unit_p = rng.random(n_units) < P_NON_DIFFUSIBLE
    # --- establishments
    owner = np.repeat(np.arange(n_units), n_est)
    n = owner.size
    nic_seq = np.arange(n) - np.repeat(np.cumsum(n_est) - n_est, n_est) + 1
    siret_d = sirets(siren_d[owner], nic_seq)
    e_fam = fam[owner]
    active = rng.random(n) < P_ACTIVE_SSE
    employer_p = np.zeros(n)
    for name, _, _, p_emp in FAMILY_MIX:
        employer_p[e_fam == name] = p_emp
    employer = active & (rng.random(n) < employer_p)
    band = np.where(rng.random(n) < 0.85, "NN", "00").astype(object)
    band[~active & (rng.random(n) < 0.6)] = None
    band[employer] = _choice(rng, EMPLOYER_BANDS, int(employer.sum()))
    naf = np.empty(n, dtype=object)
    for name, dist in NAF_BY_FAMILY.items():
        m = e_fam == name
        naf[m] = _choice(rng, dist, int(m.sum()))
    ci, lon, lat = _place_sse(geo, n, rng)
    raw = _raw_codes(geo, ci, rng)
    deps = geo.deps[ci]
    est_p = unit_p[owner] | (rng.random(n) < P_NON_DIFFUSIBLE / 2)
    siege = nic_seq == 1
    # names: fictitious, and '[ND]' where non-diffusible (as INSEE publishes them)
    words = NAME_WORDS[rng.integers(0, NAME_WORDS.size, n_units)]
    prefix = np.array([NAME_PREFIX[f] for f in fam], dtype=object)
    names = np.char.add(np.char.add(prefix.astype(str), " "), words.astype(str)).astype(object)
    names = np.char.add(
        names.astype(str), np.char.mod(" %d", np.arange(first_siren, first_siren + n_units))
    )
    names = names.astype(object)
    names[unit_p] = "[ND]"
    enseigne = np.full(n, None, dtype=object)
    has_ens = (~siege) & (rng.random(n) < 0.3)
    enseigne[has_ens] = np.char.add("ANTENNE ", np.char.mod("%d", nic_seq[has_ens])).astype(object)
    enseigne[est_p] = "[ND]"
    # --- coordinates: geolocation file (x/y in the local CRS + lon/lat) and stock Lambert
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    epsg = np.array([epsg_for_departement(d) for d in deps], dtype=object)
    for code in np.unique(epsg[epsg != None]):  # noqa: E711
        m = epsg == code
        x[m], y[m] = from_wgs84(int(code), lon[m], lat[m])
    x, y = np.round(x, 1), np.round(y, 1)
    a24 = qidx24.assign(lon, lat)
    plg24, q24 = _plg(a24, rng)
    a15 = qidx15.assign(lon, lat, with_distance=False) if len(qidx15) else None
    plg15 = (
        np.where(a15.inside == None, "CSZ", a15.inside).astype(object)  # noqa: E711
        if a15 is not None
        else np.full(n, "CSZ", dtype=object)
    )
    geo_row = (rng.random(n) >= P_NO_GEOLOC_ROW) & (deps != "976")
    no_xy = rng.random(n) < P_GEOLOC_WITHOUT_XY
    stock_xy = (rng.random(n) < P_STOCK_XY) & ~est_p
    # --- write unit rows
    unit_active = np.zeros(n_units, dtype=bool)
    np.logical_or.at(unit_active, owner, active)
    unit_employer = np.zeros(n_units, dtype=bool)
    np.logical_or.at(unit_employer, owner, employer)
    first_est = np.cumsum(n_est) - n_est
    siren_arr = _str_array(siren_d)
    ul = {
        "siren": siren_arr,
        "statutDiffusionUniteLegale": np.where(unit_p, "P", "O"),
        "unitePurgeeUniteLegale": None,
        "dateCreationUniteLegale": _dates(rng, n_units),
        "identifiantAssociationUniteLegale": np.where(
            fam == "association",
            np.char.mod("W%09d", np.arange(n_units) + first_siren % 10**8),
            None,
        ),
        "trancheEffectifsUniteLegale": band[first_est],
        "etatAdministratifUniteLegale": np.where(unit_active, "A", "C"),
        "denominationUniteLegale": names,
        "categorieJuridiqueUniteLegale": legal,
        "activitePrincipaleUniteLegale": naf[first_est],
        "nomenclatureActivitePrincipaleUniteLegale": np.full(n_units, "NAFRev2"),
        "nicSiegeUniteLegale": np.full(n_units, None, dtype=object),
        "economieSocialeSolidaireUniteLegale": np.full(n_units, "O"),
        "societeMissionUniteLegale": np.where(rng.random(n_units) < 0.01, "O", None),
        "caractereEmployeurUniteLegale": np.where(unit_employer, "O", "N"),
        "nombrePeriodesUniteLegale": rng.integers(1, 6, n_units).astype(np.int32),
    }
    nic_str = _str_array(siret_d[:, 9:])
    ul["nicSiegeUniteLegale"] = nic_str.take(pa.array(first_est))
    w.write("sirene_unites_legales", _table(schema.UNITE_LEGALE, ul, n_units))
    et = {
        "siren": siren_arr.take(pa.array(owner)),
        "nic": nic_str,
        "siret": _str_array(siret_d),
        "statutDiffusionEtablissement": np.where(est_p, "P", "O"),
        "dateCreationEtablissement": _dates(rng, n, 1970),
        "trancheEffectifsEtablissement": band,
        "anneeEffectifsEtablissement": np.where(employer, "2023", None),
        "etablissementSiege": siege,
        "nombrePeriodesEtablissement": rng.integers(1, 4, n).astype(np.int32),
        "codeCommuneEtablissement": raw,
        "coordonneeLambertAbscisseEtablissement": np.where(stock_xy, x, np.nan),
        "coordonneeLambertOrdonneeEtablissement": np.where(stock_xy, y, np.nan),
        "etatAdministratifEtablissement": np.where(active, "A", "F"),
        "enseigne1Etablissement": enseigne,
        "activitePrincipaleEtablissement": naf,
        "nomenclatureActivitePrincipaleEtablissement": np.full(n, "NAFRev2"),
        "caractereEmployeurEtablissement": np.where(employer, "O", "N"),
    }
    et["coordonneeLambertAbscisseEtablissement"] = pa.array(
        et["coordonneeLambertAbscisseEtablissement"], mask=~stock_xy | np.isnan(x)
    )
    et["coordonneeLambertOrdonneeEtablissement"] = pa.array(
        et["coordonneeLambertOrdonneeEtablissement"], mask=~stock_xy | np.isnan(y)
    )
    w.write("sirene_etablissements", _table(schema.ETABLISSEMENT, et, n))
    g = np.flatnonzero(geo_row)
    m = no_xy[g]
    ng = g.size

    def masked(values):
        return pa.array(values[g], mask=m | np.isnan(values[g]))

    geo_tab = {
        "siret": _str_array(siret_d[g]),
        "x": masked(x),
        "y": masked(y),
        "qualite_xy": np.where(m, None, _choice(rng, QUALITE_XY, ng)),
        "epsg": np.where(m | (epsg[g] == None), None, epsg[g].astype(str)),  # noqa: E711
        "plg_qp24": np.where(m, None, plg24[g]),
        "plg_iris": np.char.add(raw[g].astype(str), np.char.mod("%04d", rng.integers(0, 300, ng))),
        "plg_qp15": np.where(m, None, plg15[g]),
        "plg_qva": np.where(m, None, "CSZ"),
        "plg_code_commune": raw[g],
        "distance_precision": np.where(m, np.nan, np.round(rng.exponential(15, ng), 1)),
        "qualite_qp24": np.where(m, None, q24[g]),
        "qualite_iris": np.where(m, None, "1"),
        "qualite_qp15": np.where(m, None, "1"),
        "qualite_qva": np.where(m, None, "1"),
        "y_latitude": masked(np.round(lat, 7)),
        "x_longitude": masked(np.round(lon, 7)),
    }
    geo_tab["distance_precision"] = pa.array(geo_tab["distance_precision"], mask=m)
    w.write("sirene_geolocalisation", _table(schema.GEOLOCALISATION, geo_tab, ng))
    return n


def _other_chunk(geo, first_siren, n_units, n_rows, rng, w: _Writers):
    """Non-SSE units and establishments: cheap, only there to be filtered out."""
    siren_d = sirens(first_siren, n_units)
    siren_arr = _str_array(siren_d)
    ul = {
        "siren": siren_arr,
        "statutDiffusionUniteLegale": np.where(rng.random(n_units) < 0.04, "P", "O"),
        "categorieJuridiqueUniteLegale": _choice_idx(
            rng, {"1000": 0.6, "5499": 0.12, "5710": 0.12, "5720": 0.1, "6540": 0.06}, n_units
        ),
        "etatAdministratifUniteLegale": np.where(rng.random(n_units) < 0.45, "A", "C"),
        "economieSocialeSolidaireUniteLegale": np.where(rng.random(n_units) < 0.9, "N", None),
        "denominationUniteLegale": np.full(n_units, "ENTREPRISE FICTIVE"),
    }
    w.write("sirene_unites_legales", _table(schema.UNITE_LEGALE, ul, n_units))
    owner = np.sort(rng.integers(0, n_units, n_rows))
    starts = np.searchsorted(owner, owner, side="left")
    nic_seq = np.arange(n_rows) - starts + 1
    siret_d = sirets(siren_d[owner], nic_seq)
    ci = rng.choice(geo.codes.size, size=n_rows, p=geo.weights)
    active = rng.random(n_rows) < P_ACTIVE_OTHER
    et = {
        "siren": siren_arr.take(pa.array(owner)),
        "nic": _str_array(siret_d[:, 9:]),
        "siret": _str_array(siret_d),
        "statutDiffusionEtablissement": np.full(n_rows, "O"),
        "etablissementSiege": nic_seq == 1,
        "codeCommuneEtablissement": _dict(ci, geo.codes),
        "etatAdministratifEtablissement": np.where(active, "A", "F"),
        "activitePrincipaleEtablissement": _choice_idx(
            rng, {"47.11D": 0.2, "62.01Z": 0.3, "68.20A": 0.3, "56.10A": 0.2}, n_rows
        ),
        "trancheEffectifsEtablissement": np.where(rng.random(n_rows) < 0.2, "01", "NN"),
    }
    w.write("sirene_etablissements", _table(schema.ETABLISSEMENT, et, n_rows))
    g = rng.random(n_rows) < 0.86
    ng = int(g.sum())
    jit = rng.normal(0, 0.01, (2, ng))
    geo_tab = {
        "siret": et["siret"].filter(pa.array(g)),
        "x_longitude": geo.label_lon[ci[g]] + jit[0],
        "y_latitude": geo.label_lat[ci[g]] + jit[1],
        "plg_qp24": np.full(ng, "CSZ"),
        "plg_code_commune": _dict(ci[g], geo.codes),
    }
    w.write("sirene_geolocalisation", _table(schema.GEOLOCALISATION, geo_tab, ng))


def generate(
    out_dir, geo_con, scale: str = "dev", seed: int = 0, scope: str | None = None, progress=None
) -> dict:
    """Write the three synthetic SIRENE files into out_dir; returns row counts per file."""
    if scale not in SCALES:
        raise SynthError(f"Échelle inconnue « {scale} » : choisir parmi {', '.join(SCALES)}.")
    out_dir = Path(out_dir)
    rng = np.random.default_rng([seed, 20241])
    geo, share = _load_geo(geo_con, scale, scope)
    if scale == "test":
        sse_rows, other_rows = TEST_ROWS
    else:
        f = SCALES[scale] * share
        sse_rows = max(1, round(NATIONAL_SSE_ROWS * f))
        other_rows = max(1, round((NATIONAL_ROWS - NATIONAL_SSE_ROWS) * f))
    qidx24 = QpvIndex.from_warehouse(geo_con, "2024")
    qidx15 = QpvIndex.from_warehouse(geo_con, "2015")
    w = _Writers(out_dir)
    ok = False
    try:
        done = 0
        next_siren = 10_000_000
        total = sse_rows + other_rows
        if progress:
            progress("SIRENE synthétique : établissements de l'ESS", 0, None)
        while done < sse_rows:
            units = max(1, min(CHUNK_UNITS, math.ceil((sse_rows - done) / 1.35)))
            done += _sse_chunk(geo, qidx24, qidx15, next_siren, units, rng, w)
            next_siren += units
            if progress:
                progress("SIRENE synthétique : établissements de l'ESS", done, total)
        left = other_rows
        next_siren = 50_000_000
        if progress:
            progress("SIRENE synthétique : autres établissements", 0, None)
        while left > 0:
            rows = min(CHUNK_OTHER_ROWS, left)
            units = max(1, round(rows * NATIONAL_OTHER_UNITS_PER_ROW))
            _other_chunk(geo, next_siren, units, rows, rng, w)
            next_siren += units
            left -= rows
            if progress:
                progress("SIRENE synthétique : autres établissements", total - left, total)
        ok = True
    finally:
        w.close(ok)
    return {
        "scale": scale,
        "seed": seed,
        "scope": scope,
        "rows": dict(w.rows),
        "files": {role: str(p[1]) for role, p in w.paths.items()},
    }
