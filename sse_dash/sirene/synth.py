"""Labelled synthetic SIRENE: the three INSEE files (StockUniteLegale, StockEtablissement,
Géolocalisation) in their official schemas (sse_dash.sirene.schema: names, order, Parquet
types), so the real pipeline can be built, tested and benchmarked without the 4 GB of real
files. Everything is FICTITIOUS (names say so, and every file carries the Parquet key-value
metadata `sse_dash_synthetic = true`, which the build reads: synthetic files are flagged even
when they are served under the official names through a mirror).

Realism targets (national scale, published figures): ≈ 44 M establishment rows of which ≈ 38 %
active; ≈ 1.7 M active SSE establishments, ≈ 213,000 SSE employer establishments of which
≈ 3/4 associations, ≈ 2.6 M estimated jobs, ≈ 5 % of them in a QPV; non-SSE units and
establishments spread over every NAF section, with size bands, creation and closure dates (a closed establishment's stock
`dateDebut` is the start of its last period, i.e. its closure date). Geolocation file as INSEE
publishes it: `qualite_xy` 11/12/21/22/33 (33, a random point in the commune, ≈ 5 %), `epsg` per
territory (2154, 5490, 2972, 2975), `plg_qp24` / `plg_qp15` = the QPV code, « HZ » (hors zone)
in a commune that has QPVs, « CSZ » (commune sans zonage) elsewhere, `qualite_qp24` 1/2/3, float32
coordinates, no Mayotte. SSE rows are placed inside real commune polygons (weighted by
population) or inside QPV polygons; non-SSE rows reuse a pool of such points (jittered a few
metres), which keeps the national file within minutes.

Layouts: "simple" writes the three files under short names in one folder (what the build's
synthetic fallback reads); "officiel" writes them as a mirror folder would hold the official
files: `<dataset id>/<official file name>` (sse_dash.sirene.schema.OFFICIAL_NAMES).
Deterministic for a given (scale, seed, scope): one numpy Generator drives everything."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import shapely

from sse_dash.qpv_index import QpvIndex
from sse_dash.sirene import schema
from sse_dash.sirene.geo import epsg_for_departement, from_wgs84
from sse_dash.sirene.scales import LAYOUTS, SCALES

# Rows of the national stock (all states) and of its SSE part.
NATIONAL_ROWS = 44_000_000
NATIONAL_SSE_ROWS = 2_350_000
NATIONAL_OTHER_UNITS_PER_ROW = 0.66  # ≈ 29 M legal units for 44 M establishments

TEST_ROWS = (2_500, 1_500)  # (SSE rows, other rows) at the "test" scale
TEST_DEPARTEMENTS = ("93", "75", "971")
CHUNK_UNITS = 250_000
CHUNK_OTHER_ROWS = 2_000_000
POOL_MIN, POOL_MAX = 5_000, 1_500_000  # points reused by the non-SSE rows

SYNTHETIC_METADATA = "sse_dash_synthetic"
TODAY = np.datetime64("2026-11-01")

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
# Activity of non-SSE establishments: sub-classes of every NAF rév. 2 section, weighted so that
# sections have roughly their share of the SIRENE stock (trade ≈ 15 %, specialised services
# ≈ 13 %, real estate ≈ 11 % — SCI —, construction ≈ 9 %…).
NAF_OTHER: dict[str, float] = {
    # A
    "01.11Z": 0.015, "01.13Z": 0.004, "01.21Z": 0.01, "01.41Z": 0.008, "01.50Z": 0.012,
    "01.61Z": 0.005, "02.20Z": 0.004, "03.12Z": 0.002,
    # B
    "08.12Z": 0.001,
    # C
    "10.71C": 0.006, "10.13B": 0.002, "11.02B": 0.005, "13.92Z": 0.002, "14.13Z": 0.004,
    "16.23Z": 0.002, "18.12Z": 0.003, "22.29A": 0.001, "23.61Z": 0.001, "25.11Z": 0.002,
    "25.62B": 0.004, "28.29B": 0.001, "31.09B": 0.003, "32.12Z": 0.003, "33.12Z": 0.004,
    # D, E
    "35.11Z": 0.01, "37.00Z": 0.001, "38.11Z": 0.002,
    # F
    "41.10A": 0.005, "41.20A": 0.01, "42.11Z": 0.003, "43.21A": 0.02, "43.22A": 0.015,
    "43.31Z": 0.005, "43.32A": 0.012, "43.34Z": 0.012, "43.99C": 0.008,
    # G
    "45.11Z": 0.006, "45.20A": 0.012, "46.19B": 0.008, "46.49Z": 0.008, "46.90Z": 0.012,
    "47.11B": 0.006, "47.11D": 0.004, "47.19B": 0.008, "47.24Z": 0.004, "47.30Z": 0.002,
    "47.52B": 0.004, "47.59B": 0.004, "47.71Z": 0.012, "47.73Z": 0.002, "47.76Z": 0.004,
    "47.78C": 0.006, "47.81Z": 0.008, "47.82Z": 0.005, "47.89Z": 0.005, "47.91B": 0.02,
    "47.99A": 0.004,
    # H
    "49.32Z": 0.008, "49.39A": 0.003, "49.41A": 0.007, "52.29A": 0.002, "53.20Z": 0.01,
    # I
    "55.10Z": 0.006, "55.20Z": 0.004, "56.10A": 0.015, "56.10C": 0.015, "56.30Z": 0.01,
    # J
    "58.11Z": 0.002, "59.11B": 0.004, "60.20A": 0.001, "61.10Z": 0.002, "62.01Z": 0.012,
    "62.02A": 0.01, "62.09Z": 0.005, "63.12Z": 0.004,
    # K
    "64.19Z": 0.004, "64.20Z": 0.015, "64.30Z": 0.004, "65.12Z": 0.002, "66.19B": 0.005,
    "66.22Z": 0.01,
    # L
    "68.10Z": 0.01, "68.20A": 0.025, "68.20B": 0.06, "68.31Z": 0.01, "68.32A": 0.005,
    # M
    "69.10Z": 0.008, "69.20Z": 0.008, "70.10Z": 0.012, "70.22Z": 0.03, "71.11Z": 0.007,
    "71.12B": 0.015, "72.19Z": 0.004, "73.11Z": 0.008, "74.10Z": 0.015, "74.20Z": 0.005,
    "74.90B": 0.015, "75.00Z": 0.003,
    # N
    "77.11A": 0.004, "77.32Z": 0.002, "77.39Z": 0.005, "78.10Z": 0.002, "79.11Z": 0.003,
    "80.10Z": 0.004, "81.10Z": 0.005, "81.21Z": 0.01, "81.30Z": 0.01, "82.11Z": 0.005,
    "82.30Z": 0.005, "82.99Z": 0.015,
    # O
    "84.11Z": 0.012, "84.13Z": 0.002, "84.24Z": 0.001,
    # P
    "85.20Z": 0.002, "85.51Z": 0.005, "85.53Z": 0.003, "85.59A": 0.01, "85.59B": 0.01,
    # Q
    "86.10Z": 0.002, "86.21Z": 0.015, "86.22C": 0.008, "86.23Z": 0.008, "86.90A": 0.005,
    "86.90D": 0.008, "86.90E": 0.015, "87.10A": 0.002, "88.10A": 0.005,
    # R
    "90.01Z": 0.01, "90.03A": 0.008, "91.02Z": 0.001, "92.00Z": 0.001, "93.13Z": 0.004,
    "93.19Z": 0.002, "93.29Z": 0.004,
    # S
    "94.11Z": 0.002, "95.11Z": 0.002, "95.29Z": 0.002, "96.01B": 0.002, "96.02A": 0.02,
    "96.02B": 0.01, "96.03Z": 0.002, "96.04Z": 0.005, "96.09Z": 0.015,
    # T, U
    "97.00Z": 0.002, "99.00Z": 0.0002,
}  # fmt: skip
# NAF rév. 1 codes carried by establishments last updated before 2008 (NAFRev1).
NAF_REV1 = ("91.3E", "85.3K", "80.4C", "92.6C", "74.1G", "52.1D", "55.3A", "45.2B")
NAF_1993 = ("913E", "853K", "804C", "926C", "741G", "521D")
NAP = ("9601", "9602", "8201", "7401", "6501")
# Legal categories of non-SSE units (entrepreneurs individuels, commercial companies, SCI,
# public bodies).
LEGAL_OTHER = {
    "1000": 0.55,
    "5499": 0.12,
    "5710": 0.10,
    "5720": 0.06,
    "6540": 0.08,
    "5498": 0.04,
    "5599": 0.005,
    "6599": 0.005,
    "7210": 0.005,
    "7220": 0.001,
    "7490": 0.004,
    "5202": 0.003,
    "6220": 0.002,
}
# Employee band of employer SSE establishments: expected mean 12.4 estimated jobs, i.e.
# ≈ 2.6 M jobs for ≈ 213,000 employer establishments at national scale.
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
# Bands of active non-SSE establishments (most have no employee).
OTHER_BANDS = {
    "NN": 0.75,
    "00": 0.05,
    "01": 0.085,
    "02": 0.05,
    "03": 0.028,
    "11": 0.02,
    "12": 0.011,
    "21": 0.0035,
    "22": 0.0015,
    "31": 0.0004,
    "32": 0.0004,
    "41": 0.0002,
    "42": 0.0001,
    "51": 0.00005,
    "52": 0.00002,
    "53": 0.00001,
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
P_ACTIVE_OTHER = 0.38
P_IN_QPV = 0.025  # SSE establishments of a commune that has QPVs, put inside one of them
URBAN_EXPONENT = 1.3  # commune weight = population ** URBAN_EXPONENT
P_NON_DIFFUSIBLE = 0.006
P_NON_DIFFUSIBLE_PERSON = 0.12  # entrepreneurs individuels who opposed diffusion
P_NO_GEOLOC_ROW = 0.025
P_GEOLOC_WITHOUT_XY = 0.015
P_STOCK_XY = 0.9
P_NO_REV2 = 0.001  # active establishment without NAF rév. 2 code (NAF 2025 only)
P_REV1 = 0.002  # active establishment still coded in NAF rév. 1 (NAF 2025 given)
P_PLG_FLIP_INSIDE = 0.015  # INSEE says HZ although the point is inside
P_PLG_FLIP_NEAR = 0.3  # INSEE names the nearest QPV for a point just outside (< 25 m)
P_PLG_DISAGREE = 0.002  # other disagreements (older contours, corrections)
# How the point was placed (INSEE's geolocation documentation): 11 / 21 at the address number,
# 12 / 22 a point along the street, 33 a random point inside the commune (≈ 5 % nationally).
QUALITE_XY = {"11": 0.74, "12": 0.14, "21": 0.04, "22": 0.03, "33": 0.05}
PRECISION_M = {"11": (5.0, 8.0), "21": (10.0, 15.0), "12": (20.0, 60.0), "22": (30.0, 100.0)}
JITTER_M = 15.0  # non-SSE rows: pool point moved by this much (standard deviation)


class SynthError(ValueError):
    """Bad scale/scope/layout or no geography to place establishments in (French message)."""


@dataclass
class _Geo:
    codes: np.ndarray  # current commune codes
    deps: np.ndarray
    names: np.ndarray  # commune names (upper case, as SIRENE writes them)
    postcodes: np.ndarray  # first postal code of each commune
    population: np.ndarray
    weights: np.ndarray  # population share (sums to 1)
    geoms: np.ndarray  # prepared display polygons (lon/lat)
    raw_choices: dict[int, np.ndarray]  # commune index -> codes SIRENE may carry instead
    qpv_by_commune: dict[int, np.ndarray]  # commune index -> indexes into qpv arrays
    zoned24: np.ndarray  # bool per commune: it has a QPV 2024 (else INSEE writes CSZ)
    zoned15: np.ndarray
    qpv_geoms: np.ndarray
    qpv_weights: np.ndarray


@dataclass
class _Pool:
    """Points shared by the non-SSE rows: commune, raw commune code, coordinates, and the zone
    columns of the geolocation file as (indices, dictionary) pairs (text built in C++)."""

    ci: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    text: dict[str, tuple[np.ndarray, list[str]]]


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


def _choice_idx(rng: np.random.Generator, mapping: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(mapping.values()), dtype="float64")
    return rng.choice(len(p), size=n, p=p / p.sum())


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


def _first_postcode(text) -> str | None:
    if not text:
        return None
    first = str(text).split(",")[0].strip()
    return first or None


def _load_geo(geo_con, scale: str, scope: str | None) -> tuple[_Geo, float]:
    """Communes (and their QPVs) to place establishments in, and the population share kept."""
    cur = geo_con.cursor()
    try:
        rows = cur.execute(
            "SELECT code, dep_code, reg_code, coalesce(population, 0), ST_AsWKB(geom_display), "
            "name, postal_codes FROM communes WHERE geom_display IS NOT NULL ORDER BY code"
        ).fetchall()
        aliases = cur.execute(
            "SELECT alias_code, commune_code, kind FROM commune_aliases "
            "WHERE kind IN ('arrondissement', 'ancien_code', 'deleguee') ORDER BY alias_code"
        ).fetchall()
        qpv = cur.execute(
            "SELECT code, commune_code, commune_codes, area_m2, ST_AsWKB(geom), geography "
            "FROM qpv WHERE geom IS NOT NULL ORDER BY geography, code"
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
    # establishments concentrate in towns more than inhabitants do: with weights growing like
    # population^1.3, about 6 in 10 establishments are in a commune that has a QPV, so that
    # « HZ » is by far the most frequent plg_qp24 value, as in INSEE's file
    weights = pop**URBAN_EXPONENT
    share = (sum(r[3] for r in rows) / total_pop) if kind else 1.0
    geoms = shapely.from_wkb([bytes(r[4]) for r in rows])
    shapely.prepare(geoms)
    pos = {c: i for i, c in enumerate(codes)}
    raw_choices: dict[int, list[str]] = {}
    for alias, commune, akind in aliases:
        i = pos.get(commune)
        if i is not None and alias != commune:
            raw_choices.setdefault(i, []).append(
                alias if akind != "arrondissement" else "A" + alias
            )
    q24 = [r for r in qpv if r[5] == "2024"]
    qpv_by: dict[int, list[int]] = {}
    zoned = {"2024": np.zeros(len(rows), dtype=bool), "2015": np.zeros(len(rows), dtype=bool)}
    for r in qpv:
        for c in set(list(r[2] or []) + [r[1]]):
            if c in pos:
                zoned[r[5]][pos[c]] = True
    for k, (_, main, many, _, _, _) in enumerate(q24):
        for c in set(list(many or []) + [main]):
            if c in pos:
                qpv_by.setdefault(pos[c], []).append(k)
    qgeoms = shapely.from_wkb([bytes(r[4]) for r in q24]) if q24 else np.array([], dtype=object)
    if len(qgeoms):
        shapely.prepare(qgeoms)
        # a commune whose polygon meets a QPV is zoned even if the QPV's list forgot it
        tree = shapely.STRtree(qgeoms)
        hit = np.unique(tree.query(geoms, predicate="intersects")[0])
        zoned["2024"][hit] = True
    qweights = np.array([r[3] or 1.0 for r in q24], dtype="float64")
    geo = _Geo(
        codes=codes,
        deps=np.array([r[1] for r in rows], dtype=object),
        names=np.array([str(r[5] or "").upper() for r in rows], dtype=object),
        postcodes=np.array([_first_postcode(r[6]) for r in rows], dtype=object),
        population=pop,
        weights=weights / weights.sum(),
        geoms=geoms,
        raw_choices={k: np.array(v, dtype=object) for k, v in raw_choices.items()},
        qpv_by_commune={k: np.array(v) for k, v in qpv_by.items()},
        zoned24=zoned["2024"],
        zoned15=zoned["2015"],
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


def _place(geo: _Geo, n: int, rng: np.random.Generator, into_qpv: np.ndarray | None = None):
    """Commune index, lon, lat for n points (population-weighted communes); rows flagged in
    `into_qpv` whose commune has QPVs are put inside one of them."""
    ci = rng.choice(geo.codes.size, size=n, p=geo.weights)
    lon, lat = _sample_in(geo.geoms, ci, rng)
    if into_qpv is None:
        return ci, lon, lat
    has_qpv = np.array([int(i) in geo.qpv_by_commune for i in ci], dtype=bool)
    in_q = np.flatnonzero(has_qpv & into_qpv)
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


def _metric(geo: _Geo, ci: np.ndarray, lon: np.ndarray, lat: np.ndarray):
    """x, y in the CRS of each point's territory (as INSEE writes them) and that EPSG code."""
    n = ci.size
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    epsg = np.array([epsg_for_departement(d) for d in geo.deps], dtype=object)[ci]
    for code in np.unique(epsg[epsg != None]):  # noqa: E711
        m = epsg == code
        x[m], y[m] = from_wgs84(int(code), lon[m], lat[m])
    return x, y, np.where(epsg == None, None, epsg.astype(str))  # noqa: E711


def plg_codes(
    inside: np.ndarray,
    zoned: np.ndarray,
    qualite_xy: np.ndarray,
    distance_m: np.ndarray | None,
    precision_m: np.ndarray,
    rng: np.random.Generator,
    nearest: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """plg_qp* and qualite_qp* as INSEE publishes them: the QPV code when the point is inside
    one, « HZ » in a commune that has QPVs, « CSZ » in a commune without any; quality 1 (sure),
    2 (the point's precision circle crosses a boundary), 3 (random point in a zoned commune).
    A few disagreements with the computed membership, mostly flagged 2."""
    n = inside.size
    outside = np.where(zoned, "HZ", "CSZ").astype(object)
    out = np.where(inside == None, outside, inside).astype(object)  # noqa: E711
    quality = np.full(n, "1", dtype=object)
    is_in = inside != None  # noqa: E711
    if distance_m is not None:
        crosses = zoned & (np.nan_to_num(distance_m, nan=1e9) < precision_m)
        quality[crosses & ~is_in] = "2"
    flip_in = is_in & (rng.random(n) < P_PLG_FLIP_INSIDE)
    out[flip_in] = "HZ"
    quality[flip_in] = "2"
    if nearest is not None and distance_m is not None:
        near = (~is_in) & (np.nan_to_num(distance_m, nan=1e9) < 25) & (rng.random(n) < 0.3)
        out[near] = nearest[near]
        quality[near] = "2"
    other = zoned & (rng.random(n) < P_PLG_DISAGREE)
    if nearest is not None:
        out[other & ~is_in & (nearest != None)] = nearest[other & ~is_in & (nearest != None)]  # noqa: E711
    random_point = (qualite_xy == "33") & zoned
    quality[random_point] = "3"
    return out, quality


def _dates(rng: np.random.Generator, n: int, start_year: int = 1960, skew: float = 0.6):
    """Days since epoch (int64), skewed towards recent years."""
    lo = np.datetime64(f"{start_year}-01-01").astype(np.int64)
    hi = TODAY.astype(np.int64)
    u = rng.random(n) ** skew
    return (lo + u * (hi - lo)).astype(np.int64)


def _date_array(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), type=pa.date32(), mask=mask)


def _after(rng: np.random.Generator, start: np.ndarray, skew: float = 0.7) -> np.ndarray:
    """A day between `start` and today (closures, changes), skewed towards recent years."""
    hi = TODAY.astype(np.int64)
    span = np.maximum(hi - start, 1)
    return (start + (rng.random(start.size) ** skew) * span).astype(np.int64)


def _timestamps(rng: np.random.Generator, n: int) -> pa.Array:
    """dateDernierTraitement: a moment of the last two years (microseconds)."""
    lo = np.datetime64("2024-11-01T00:00:00", "us").astype(np.int64)
    hi = np.datetime64("2026-10-31T23:59:59", "us").astype(np.int64)
    values = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    return pa.array(values.astype("datetime64[us]"), type=pa.timestamp("us"))


def _lambert_text(values: np.ndarray, keep: np.ndarray, hidden: np.ndarray) -> pa.Array:
    """Stock coordinates as INSEE writes them: text, « [ND] » when non-diffusible."""
    arr = pc.cast(pa.array(np.round(values, 1), mask=~keep | np.isnan(values)), pa.string())
    if hidden.any():
        arr = pc.if_else(pa.array(hidden), pa.scalar("[ND]"), arr)
    return arr


def naf25_of(codes: np.ndarray) -> np.ndarray:
    """NAF 2025 sub-class of a NAF rév. 2 code, synthetic correspondence: same class number,
    sub-class letter Y (the form NAF 2025 codes take, e.g. 46.87Y). Not INSEE's table."""
    out = np.full(codes.size, None, dtype=object)
    ok = np.array([isinstance(c, str) and len(c) == 6 for c in codes], dtype=bool)
    out[ok] = np.char.add(np.array([c[:5] for c in codes[ok]], dtype=str), "Y").astype(object)
    return out


NOMENCLATURES = ("NAFRev2", "NAFRev1", "NAF1993", "NAP")


def _idx_array(idx: np.ndarray, keys) -> pa.Array:
    """Text array keys[idx] (negative index = NULL), built in C++ through a dictionary."""
    idx = np.asarray(idx)
    indices = pa.array(np.where(idx < 0, 0, idx), type=pa.int32(), mask=idx < 0)
    dictionary = pa.array([str(k) for k in keys], type=pa.string())
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def _activity(rng, naf_idx: np.ndarray, naf_keys, active: np.ndarray, closed_day: np.ndarray):
    """(activitePrincipale…, nomenclature…, activitePrincipaleNAF25…) as text arrays, the way
    SIRENE writes them: NAF rév. 2 for most rows; closed establishments keep the nomenclature
    of their time (NAP before 1993, NAF 1993 until 2002, NAF rév. 1 until 2007); a few active
    ones still carry a NAF rév. 1 code or none; NAF 2025 is given for active establishments."""
    n = naf_idx.size
    keys = [*naf_keys, *NAF_REV1, *NAF_1993, *NAP]
    offsets = {
        "NAFRev1": (len(naf_keys), NAF_REV1),
        "NAF1993": (len(naf_keys) + len(NAF_REV1), NAF_1993),
        "NAP": (len(naf_keys) + len(NAF_REV1) + len(NAF_1993), NAP),
    }
    code = naf_idx.astype(np.int64).copy()
    nomen = np.zeros(n, dtype=np.int64)
    year = closed_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    closed = ~active
    for lo, hi, name in ((0, 1993, "NAP"), (1993, 2003, "NAF1993"), (2003, 2008, "NAFRev1")):
        m = closed & (year >= lo) & (year < hi)
        start, pool = offsets[name]
        code[m] = start + rng.integers(0, len(pool), int(m.sum()))
        nomen[m] = NOMENCLATURES.index(name)
    u = rng.random(n)
    rev1 = active & (u < P_REV1)
    start, pool = offsets["NAFRev1"]
    code[rev1] = start + rng.integers(0, len(pool), int(rev1.sum()))
    nomen[rev1] = NOMENCLATURES.index("NAFRev1")
    none = active & (u >= P_REV1) & (u < P_REV1 + P_NO_REV2)
    code[none] = -1
    nomen[none] = -1
    keys25 = naf25_of(np.array(list(naf_keys), dtype=object))
    n25 = np.where(active, naf_idx, -1)
    return (
        _idx_array(code, keys),
        _idx_array(nomen, NOMENCLATURES),
        _idx_array(n25, [k or "" for k in keys25]),
    )


def _table(columns: tuple, values: dict, n: int) -> pa.Table:
    """Table in the official column order and types; unspecified columns are NULL."""
    arrays = []
    for name, duck_type in columns:
        dtype = schema.arrow_type(duck_type)
        v = values.get(name)
        if v is None:
            arrays.append(pa.nulls(n, type=dtype))
            continue
        if not isinstance(v, pa.Array | pa.ChunkedArray):
            v = pa.array(v, from_pandas=True)
        arrays.append(v if v.type == dtype else v.cast(dtype))
    return pa.Table.from_arrays(arrays, schema=schema.arrow_schema(columns))


class _Writers:
    def __init__(self, out_dir: Path, layout: str, metadata: dict[str, str]):
        self.paths = {}
        self.writers = {}
        self.rows = {}
        for role, (name, cols) in schema.FILES.items():
            if layout == "officiel":
                path = out_dir / role / schema.OFFICIAL_NAMES[role]
            else:
                path = out_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part")
            self.paths[role] = (tmp, path)
            self.writers[role] = pq.ParquetWriter(
                tmp,
                schema.arrow_schema(cols, metadata=metadata),
                compression="zstd",
                compression_level=1,
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


def _precision(rng, qualite: np.ndarray, geo: _Geo, ci: np.ndarray) -> np.ndarray:
    """distance_precision (metres): a few metres at the address, tens along the street, the
    commune's size for a random point in the commune."""
    out = np.zeros(qualite.size)
    for code, (base, scale) in PRECISION_M.items():
        m = qualite == code
        out[m] = base + rng.exponential(scale, int(m.sum()))
    m = qualite == "33"
    if m.any():
        # half the side of a square commune of ~10 inhabitants per hectare, at least 500 m
        out[m] = np.maximum(500.0, np.sqrt(geo.population[ci[m]] * 1e3) / 2)
    return np.round(out, 1)


def _iris(rng, geo: _Geo, ci: np.ndarray) -> pa.Array:
    """plg_iris: 4-digit IRIS of the commune (communes of 5,000 inhabitants or more are split
    into IRIS), « CSZ » elsewhere."""
    split = geo.population[ci] >= 5000
    digits = rng.integers(1, 60, ci.size)
    text = pc.utf8_lpad(pc.cast(pa.array(digits), pa.string()), 4, "0")
    return pc.if_else(pa.array(split), text, pa.scalar("CSZ"))


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
    created = _dates(rng, n, 1970)
    changed = _after(rng, created)  # closure date of a closed establishment
    naf_keys, naf_idx = np.unique(naf.astype(str), return_inverse=True)
    activity, nomen, naf25 = _activity(rng, naf_idx, list(naf_keys), active, changed)
    qualite = _choice(rng, QUALITE_XY, n)
    ci, lon, lat = _place(geo, n, rng, into_qpv=(rng.random(n) < P_IN_QPV) & (qualite != "33"))
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
    x, y, epsg = _metric(geo, ci, lon, lat)
    x, y = np.round(x, 1), np.round(y, 1)
    precision = _precision(rng, qualite, geo, ci)
    a24 = qidx24.assign(lon, lat)
    plg24, q24 = plg_codes(
        a24.inside, geo.zoned24[ci], qualite, a24.distance_m, precision, rng, a24.nearest
    )
    if len(qidx15):
        a15 = qidx15.assign(lon, lat)
        plg15, q15 = plg_codes(
            a15.inside, geo.zoned15[ci], qualite, a15.distance_m, precision, rng, a15.nearest
        )
    else:
        plg15, q15 = plg_codes(
            np.full(n, None, dtype=object), geo.zoned15[ci], qualite, None, precision, rng
        )
    geo_row = (rng.random(n) >= P_NO_GEOLOC_ROW) & (deps != "976")
    no_xy = rng.random(n) < P_GEOLOC_WITHOUT_XY
    stock_xy = rng.random(n) < P_STOCK_XY
    # --- write unit rows
    unit_active = np.bincount(owner, weights=active, minlength=n_units) > 0
    unit_employer = np.bincount(owner, weights=employer, minlength=n_units) > 0
    first_est = np.cumsum(n_est) - n_est
    unit_created = np.minimum.reduceat(created, first_est)
    unit_closed = np.maximum.reduceat(changed, first_est)
    siren_arr = _str_array(siren_d)
    ul = {
        "siren": siren_arr,
        "statutDiffusionUniteLegale": np.where(unit_p, "P", "O"),
        "dateCreationUniteLegale": _date_array(unit_created),
        "identifiantAssociationUniteLegale": np.where(
            fam == "association",
            np.char.mod("W%09d", np.arange(n_units) + first_siren % 10**8),
            None,
        ),
        "trancheEffectifsUniteLegale": band[first_est],
        "anneeEffectifsUniteLegale": pa.array(
            np.full(n_units, 2023), mask=~unit_employer, type=pa.int64()
        ),
        "dateDernierTraitementUniteLegale": _timestamps(rng, n_units),
        "nombrePeriodesUniteLegale": rng.integers(1, 6, n_units),
        "dateDebut": _date_array(np.where(unit_active, unit_created, unit_closed)),
        "etatAdministratifUniteLegale": np.where(unit_active, "A", "C"),
        "denominationUniteLegale": names,
        "categorieJuridiqueUniteLegale": legal.astype(np.int64),
        "activitePrincipaleUniteLegale": naf[first_est],
        "nomenclatureActivitePrincipaleUniteLegale": np.full(n_units, "NAFRev2"),
        "economieSocialeSolidaireUniteLegale": np.full(n_units, "O"),
        "societeMissionUniteLegale": np.where(rng.random(n_units) < 0.01, "O", None),
        "caractereEmployeurUniteLegale": np.where(unit_employer, "O", "N"),
        "activitePrincipaleNAF25UniteLegale": np.where(unit_active, naf25_of(naf[first_est]), None),
    }
    nic_str = _str_array(siret_d[:, 9:])
    ul["nicSiegeUniteLegale"] = nic_str.take(pa.array(first_est))
    w.write("sirene_unites_legales", _table(schema.UNITE_LEGALE, ul, n_units))
    et = {
        "siren": siren_arr.take(pa.array(owner)),
        "nic": nic_str,
        "siret": _str_array(siret_d),
        "statutDiffusionEtablissement": np.where(est_p, "P", "O"),
        "dateCreationEtablissement": _date_array(created),
        "trancheEffectifsEtablissement": band,
        "anneeEffectifsEtablissement": pa.array(np.full(n, 2023), mask=~employer, type=pa.int64()),
        "dateDernierTraitementEtablissement": _timestamps(rng, n),
        "etablissementSiege": siege,
        "nombrePeriodesEtablissement": rng.integers(1, 4, n),
        "codePostalEtablissement": np.where(est_p, "[ND]", geo.postcodes[ci]),
        "libelleCommuneEtablissement": np.where(est_p, "[ND]", geo.names[ci]),
        "codeCommuneEtablissement": raw,
        "coordonneeLambertAbscisseEtablissement": _lambert_text(x, stock_xy, est_p),
        "coordonneeLambertOrdonneeEtablissement": _lambert_text(y, stock_xy, est_p),
        "dateDebut": _date_array(np.where(active, created, changed)),
        "etatAdministratifEtablissement": np.where(active, "A", "F"),
        "enseigne1Etablissement": enseigne,
        "activitePrincipaleEtablissement": activity,
        "nomenclatureActivitePrincipaleEtablissement": nomen,
        "caractereEmployeurEtablissement": np.where(employer, "O", "N"),
        "activitePrincipaleNAF25Etablissement": naf25,
    }
    w.write("sirene_etablissements", _table(schema.ETABLISSEMENT, et, n))
    g = np.flatnonzero(geo_row)
    m = no_xy[g]
    ng = g.size

    def masked(values):
        return pa.array(values[g], mask=m | np.isnan(values[g]), type=pa.float32())

    def text(values):
        return np.where(m, None, values[g])

    zoned = geo.zoned24[ci[g]]
    geo_tab = {
        "siret": _str_array(siret_d[g]),
        "x": masked(x),
        "y": masked(y),
        "qualite_xy": text(qualite),
        "epsg": text(epsg),
        "plg_qp24": text(plg24),
        "plg_iris": _iris(rng, geo, ci[g]),
        "plg_qp15": text(plg15),
        "plg_qva": np.where(m, None, np.where(zoned, "HZ", "CSZ")),
        "plg_code_commune": raw[g],
        "distance_precision": masked(precision),
        "qualite_qp24": text(q24),
        "qualite_iris": np.where(m, None, "1"),
        "qualite_qp15": text(q15),
        "qualite_qva": np.where(m, None, "1"),
        "y_latitude": masked(np.round(lat, 7)),
        "x_longitude": masked(np.round(lon, 7)),
    }
    w.write("sirene_geolocalisation", _table(schema.GEOLOCALISATION, geo_tab, ng))
    return n


def _codes_array(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Object array of text (None allowed) -> (indices, dictionary); None has index -1."""
    keys = np.array(["\x00" if v is None else str(v) for v in values])
    uniq, inv = np.unique(keys, return_inverse=True)
    inv = inv.astype(np.int64)
    if uniq.size and uniq[0] == "\x00":
        return inv - 1, [str(u) for u in uniq[1:]]
    return inv, [str(u) for u in uniq]


def _pool(geo: _Geo, qidx24, qidx15, size: int, rng) -> _Pool:
    """Points for the non-SSE rows, placed like the SSE ones (no deliberate QPV bias), with
    their zones computed once."""
    ci, lon, lat = _place(geo, size, rng)
    raw = _raw_codes(geo, ci, rng)
    x, y, epsg = _metric(geo, ci, lon, lat)
    qualite = np.full(size, "11", dtype=object)
    precision = np.full(size, 10.0)
    a24 = qidx24.assign(lon, lat)
    plg24, q24 = plg_codes(
        a24.inside, geo.zoned24[ci], qualite, a24.distance_m, precision, rng, a24.nearest
    )
    inside15 = (
        qidx15.assign(lon, lat, with_distance=False).inside
        if len(qidx15)
        else np.full(size, None, dtype=object)
    )
    plg15, q15 = plg_codes(inside15, geo.zoned15[ci], qualite, None, precision, rng)
    text = {
        "raw": _codes_array(raw),
        "epsg": _codes_array(epsg),
        "plg24": _codes_array(plg24),
        "q24": _codes_array(q24),
        "plg15": _codes_array(plg15),
        "q15": _codes_array(q15),
    }
    return _Pool(ci=ci, lon=lon, lat=lat, x=x, y=y, text=text)


def _other_chunk(geo, pool: _Pool, pool_text: dict, first_siren, n_units, n_rows, rng, w):
    """Non-SSE units and establishments: every NAF section, legal forms, size bands, creation
    and closure dates, non-diffusible individuals, geolocation rows like INSEE's."""
    siren_d = sirens(first_siren, n_units)
    siren_arr = _str_array(siren_d)
    legal_keys = list(LEGAL_OTHER)
    legal_i = _choice_idx(rng, LEGAL_OTHER, n_units)
    person = np.array(legal_keys)[legal_i] == "1000"
    unit_p = person & (rng.random(n_units) < P_NON_DIFFUSIBLE_PERSON)
    owner = np.sort(rng.integers(0, n_units, n_rows))
    starts = np.searchsorted(owner, owner, side="left")
    nic_seq = np.arange(n_rows) - starts + 1
    siret_d = sirets(siren_d[owner], nic_seq)
    active = rng.random(n_rows) < P_ACTIVE_OTHER
    created = _dates(rng, n_rows, 1950, skew=0.5)
    closed = _after(rng, created, skew=0.6)
    naf_keys = np.array(list(NAF_OTHER), dtype=object)
    naf_i = _choice_idx(rng, NAF_OTHER, n_rows)
    activity, nomen, naf25 = _activity(rng, naf_i, list(naf_keys), active, closed)
    band_i = _choice_idx(rng, OTHER_BANDS, n_rows)
    band_i[~active & (rng.random(n_rows) < 0.7)] = -1  # closed: band often absent
    band = _idx_array(band_i, list(OTHER_BANDS))
    employer = active & (band_i >= 2)  # 01 and above (the order of OTHER_BANDS)
    est_p = unit_p[owner]
    # --- units
    unit_active = np.bincount(owner, weights=active, minlength=n_units) > 0
    has_est = np.bincount(owner, minlength=n_units) > 0
    first = np.searchsorted(owner, np.arange(n_units))
    first_c = np.minimum(first, n_rows - 1)
    u_created = np.where(has_est, created[first_c], _dates(rng, n_units, 1950, 0.5))
    u_naf_i = np.where(has_est, naf_i[first_c], _choice_idx(rng, NAF_OTHER, n_units))
    u_naf = _idx_array(u_naf_i, list(naf_keys))
    keys25 = [k or "" for k in naf25_of(naf_keys)]
    ul = {
        "siren": siren_arr,
        "statutDiffusionUniteLegale": np.where(unit_p, "P", "O"),
        "dateCreationUniteLegale": _date_array(u_created),
        "dateDernierTraitementUniteLegale": _timestamps(rng, n_units),
        "nombrePeriodesUniteLegale": rng.integers(1, 5, n_units),
        "dateDebut": _date_array(np.where(unit_active, u_created, _after(rng, u_created))),
        "etatAdministratifUniteLegale": np.where(unit_active, "A", "C"),
        "categorieJuridiqueUniteLegale": np.array(legal_keys, dtype=np.int64)[legal_i],
        "economieSocialeSolidaireUniteLegale": np.where(rng.random(n_units) < 0.9, "N", None),
        "denominationUniteLegale": np.where(person, None, "ENTREPRISE FICTIVE"),
        "nomUniteLegale": np.where(person, np.where(unit_p, "[ND]", "PERSONNE FICTIVE"), None),
        "activitePrincipaleUniteLegale": u_naf,
        "nomenclatureActivitePrincipaleUniteLegale": np.full(n_units, "NAFRev2"),
        "activitePrincipaleNAF25UniteLegale": _idx_array(
            np.where(unit_active, u_naf_i, -1), keys25
        ),
        "caractereEmployeurUniteLegale": np.where(
            unit_active & (rng.random(n_units) < 0.2), "O", "N"
        ),
    }
    w.write("sirene_unites_legales", _table(schema.UNITE_LEGALE, ul, n_units))
    # --- establishments: a pool point each, moved a few metres
    pi = rng.integers(0, pool.ci.size, n_rows)
    ci = pool.ci[pi]
    dx, dy = rng.normal(0, JITTER_M, (2, n_rows))
    x = np.round(pool.x[pi] + dx, 1)
    y = np.round(pool.y[pi] + dy, 1)
    lat = pool.lat[pi] + dy / 111_320
    lon = pool.lon[pi] + dx / (111_320 * np.cos(np.radians(pool.lat[pi])))
    siret_arr = _str_array(siret_d)

    def from_codes(idx, values):
        arr = _dict(idx, values)
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)

    stock_xy = rng.random(n_rows) < P_STOCK_XY
    et = {
        "siren": siren_arr.take(pa.array(owner)),
        "nic": _str_array(siret_d[:, 9:]),
        "siret": siret_arr,
        "statutDiffusionEtablissement": np.where(est_p, "P", "O"),
        "dateCreationEtablissement": _date_array(created),
        "trancheEffectifsEtablissement": band,
        "anneeEffectifsEtablissement": pa.array(
            np.full(n_rows, 2023), mask=~employer, type=pa.int64()
        ),
        "dateDernierTraitementEtablissement": _timestamps(rng, n_rows),
        "etablissementSiege": nic_seq == 1,
        "nombrePeriodesEtablissement": rng.integers(1, 4, n_rows),
        "codePostalEtablissement": pc.if_else(
            pa.array(est_p), pa.scalar("[ND]"), from_codes(ci, pool_text["postcodes"])
        ),
        "libelleCommuneEtablissement": pc.if_else(
            pa.array(est_p), pa.scalar("[ND]"), _dict(ci, pool_text["names"])
        ),
        "codeCommuneEtablissement": _idx_array(pool.text["raw"][0][pi], pool.text["raw"][1]),
        "coordonneeLambertAbscisseEtablissement": _lambert_text(x, stock_xy, est_p),
        "coordonneeLambertOrdonneeEtablissement": _lambert_text(y, stock_xy, est_p),
        "dateDebut": _date_array(np.where(active, created, closed)),
        "etatAdministratifEtablissement": np.where(active, "A", "F"),
        "activitePrincipaleEtablissement": activity,
        "nomenclatureActivitePrincipaleEtablissement": nomen,
        "caractereEmployeurEtablissement": np.where(employer, "O", "N"),
        "activitePrincipaleNAF25Etablissement": naf25,
    }
    w.write("sirene_etablissements", _table(schema.ETABLISSEMENT, et, n_rows))
    # --- geolocation rows (86 % of the stock, never Mayotte)
    g = (rng.random(n_rows) < 0.86) & pool_text["geolocated"][ci]
    gi = np.flatnonzero(g)
    ng = gi.size
    qualite_keys = list(QUALITE_XY)
    qualite_i = _choice_idx(rng, QUALITE_XY, ng)
    qualite = np.array(qualite_keys)[qualite_i]
    zoned = geo.zoned24[ci[gi]]

    def f32(values):
        return pa.array(values, type=pa.float32(), mask=np.isnan(values))

    def pooled(name: str, rows=None) -> pa.Array:
        idx, keys = pool.text[name]
        return _idx_array(idx[pi[gi]] if rows is None else rows, keys)

    q24_idx, q24_keys = pool.text["q24"]
    q24_rows = q24_idx[pi[gi]].copy()
    if "3" not in q24_keys:
        q24_keys = [*q24_keys, "3"]
    q24_rows[(qualite == "33") & zoned] = q24_keys.index("3")
    geo_tab = {
        "siret": siret_arr.take(pa.array(gi)),
        "x": f32(x[gi]),
        "y": f32(y[gi]),
        "qualite_xy": _idx_array(qualite_i, qualite_keys),
        "epsg": pooled("epsg"),
        "plg_qp24": pooled("plg24"),
        "plg_iris": _iris(rng, geo, ci[gi]),
        "plg_qp15": pooled("plg15"),
        "plg_qva": _idx_array(zoned.astype(np.int64), ["CSZ", "HZ"]),
        "plg_code_commune": pooled("raw"),
        "distance_precision": f32(_precision(rng, qualite, geo, ci[gi])),
        "qualite_qp24": _idx_array(q24_rows, q24_keys),
        "qualite_iris": pa.array(np.full(ng, "1")),
        "qualite_qp15": pooled("q15"),
        "qualite_qva": pa.array(np.full(ng, "1")),
        "y_latitude": f32(np.round(lat[gi], 7)),
        "x_longitude": f32(np.round(lon[gi], 7)),
    }
    w.write("sirene_geolocalisation", _table(schema.GEOLOCALISATION, geo_tab, ng))


def generate(
    out_dir,
    geo_con,
    scale: str = "dev",
    seed: int = 0,
    scope: str | None = None,
    progress=None,
    layout: str = "simple",
) -> dict:
    """Write the three synthetic SIRENE files into out_dir (see the module docstring for the
    layouts); returns row counts and paths per file."""
    if scale not in SCALES:
        raise SynthError(f"Échelle inconnue « {scale} » : choisir parmi {', '.join(SCALES)}.")
    if layout not in LAYOUTS:
        raise SynthError(
            f"Présentation inconnue « {layout} » : choisir parmi {', '.join(LAYOUTS)}."
        )
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
    metadata = {
        SYNTHETIC_METADATA: "true",
        "sse_dash_generator": f"sse_dash synth scale={scale} seed={seed} scope={scope or ''}",
    }
    w = _Writers(out_dir, layout, metadata)
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
        if progress:
            progress("SIRENE synthétique : autres établissements", 0, None)
        pool = _pool(geo, qidx24, qidx15, min(POOL_MAX, max(POOL_MIN, other_rows // 20)), rng)
        pool_text = {
            "postcodes": ["" if p is None else p for p in geo.postcodes],
            "names": list(geo.names),
            "geolocated": geo.deps != "976",
        }
        left = other_rows
        next_siren = 50_000_000
        while left > 0:
            rows = min(CHUNK_OTHER_ROWS, left)
            units = max(1, round(rows * NATIONAL_OTHER_UNITS_PER_ROW))
            _other_chunk(geo, pool, pool_text, next_siren, units, rows, rng, w)
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
        "layout": layout,
        "rows": dict(w.rows),
        "files": {role: str(p[1]) for role, p in w.paths.items()},
    }


def is_synthetic_file(path) -> bool:
    """True when a Parquet file was written by this generator (its key-value metadata)."""
    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowInvalid):
        return False
    return meta.get(SYNTHETIC_METADATA.encode()) == b"true"
