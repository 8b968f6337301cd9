"""Which columns hold the location: proposal from French/English headers, validation, and
vectorised coordinate parsing (decimal commas, swapped lon/lat, Lambert-93)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from sse_dash.qpvcheck import InputError
from sse_dash.style import zone_of

if TYPE_CHECKING:
    import pandas as pd

MODES = {
    "address": "Une colonne avec l'adresse complète",
    "parts": "Numéro, voie, code postal, commune en colonnes séparées",
    "lonlat": "Longitude / latitude (WGS84, degrés)",
    "xy": "X / Y Lambert-93 (mètres)",
}
ADDRESS_MODES = ("address", "parts")

# Lambert-93 plausible extent for metropolitan France (metres).
L93_X = (50_000.0, 1_300_000.0)
L93_Y = (6_000_000.0, 7_200_000.0)

# role -> header names (normalised), best first; a header containing a name scores lower.
_NAMES: dict[str, tuple[str, ...]] = {
    "address": (
        "adresse",
        "adresse_complete",
        "adresse_postale",
        "address",
        "full_address",
        "libelle_adresse",
        "adr",
        "adresse_etablissement",
    ),
    "number": ("numero", "num", "no", "n", "numero_voie", "housenumber", "house_number", "number"),
    "street": (
        "voie",
        "rue",
        "nom_voie",
        "libelle_voie",
        "lib_voie",
        "street",
        "road",
        "type_voie",
    ),
    "postcode": ("code_postal", "cp", "codepostal", "postcode", "postal_code", "zip", "zipcode"),
    "city": (
        "commune",
        "ville",
        "city",
        "localite",
        "nom_commune",
        "libelle_commune",
        "town",
        "municipality",
    ),
    "lon": ("lon", "lng", "long", "longitude", "x_longitude", "longitude_wgs84"),
    "lat": ("lat", "latitude", "y_latitude", "latitude_wgs84"),
    "x": ("x", "coord_x", "x_l93", "x_lambert93", "lambert_x", "coordonnee_x", "xl93"),
    "y": ("y", "coord_y", "y_l93", "y_lambert93", "lambert_y", "coordonnee_y", "yl93"),
}
_CONTAINS_EXCLUDE = {"city": ("code",), "address": ("complement", "email", "mail", "ip", "web")}


@dataclass
class ColumnMapping:
    """How to locate each row. Only the fields of the chosen `mode` are used."""

    mode: str
    address: str | None = None
    number: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    lon: str | None = None
    lat: str | None = None
    x: str | None = None
    y: str | None = None

    def used_columns(self) -> list[str]:
        fields = {
            "address": ("address", "postcode", "city"),
            "parts": ("number", "street", "postcode", "city"),
            "lonlat": ("lon", "lat"),
            "xy": ("x", "y"),
        }[self.mode]
        return [getattr(self, f) for f in fields if getattr(self, f)]

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        labels = {
            "address": "adresse",
            "number": "numéro",
            "street": "voie",
            "postcode": "code postal",
            "city": "commune",
            "lon": "longitude",
            "lat": "latitude",
            "x": "X",
            "y": "Y",
        }
        parts = [
            f"{labels[k]} = « {v} »"
            for k, v in self.to_dict().items()
            if k != "mode" and v and v in self.used_columns()
        ]
        return f"{MODES[self.mode]} : " + ", ".join(parts)


def normalise(name: str) -> str:
    """`Code Postal ` -> `code_postal`; `N°` -> `n`."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _score(header: str, role: str) -> int:
    h = normalise(header)
    names = _NAMES[role]
    if h in names:
        return 100 - names.index(h)
    if any(x in h for x in _CONTAINS_EXCLUDE.get(role, ())):
        return 0
    tokens = h.split("_")
    for i, n in enumerate(names):
        if len(n) >= 3 and (n in tokens or (len(n) >= 5 and n in h)):
            return 50 - i
    return 0


def _best(columns: list[str], role: str, taken: set[str]) -> str | None:
    scored = [(_score(c, role), -i, c) for i, c in enumerate(columns) if c not in taken]
    scored = [s for s in scored if s[0] > 0]
    return max(scored)[2] if scored else None


def _as_text(values) -> pd.Series:
    """Cells as stripped strings ("" for empty), without a Python call per cell for text."""

    import pandas as pd

    s = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    if pd.api.types.infer_dtype(s, skipna=False) != "string":
        s = s.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return s.astype(str).str.strip()


def parse_numbers(values) -> np.ndarray:
    """Text or numbers -> float64 (NaN when unreadable): `2,35`, `652 345,2`, `-1.5`."""

    import pandas as pd

    s = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_numeric_dtype(s.dtype):
        return np.array(s.to_numpy(dtype="float64", na_value=np.nan))
    text = _as_text(s)
    # fast path: plain numbers with a decimal point or comma
    out = np.array(
        pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce"),
        dtype="float64",
    )
    retry = np.isnan(out) & (text != "").to_numpy()
    if retry.any():
        t = text[retry].str.replace(r"[\s\u00a0\u202f']", "", regex=True)
        both = t.str.contains(",", regex=False) & t.str.contains(".", regex=False)
        # both separators: the last one is the decimal mark
        comma_last = both & (t.str.rfind(",") > t.str.rfind("."))
        t = t.where(~(both & ~comma_last), t.str.replace(",", "", regex=False))
        t = t.where(~comma_last, t.str.replace(".", "", regex=False))
        t = t.str.replace(",", ".", regex=False)
        out[retry] = pd.to_numeric(t, errors="coerce").to_numpy(dtype="float64")
    return out


def _in_l93(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x >= L93_X[0]) & (x <= L93_X[1]) & (y >= L93_Y[0]) & (y <= L93_Y[1])


def propose(df: pd.DataFrame) -> ColumnMapping | None:
    """Best guess from headers (checked against values for x/y); None when nothing fits."""
    return propose_columns([str(c) for c in df.columns], lambda c: df[c].head(200).tolist())


def propose_columns(cols: list[str], head, numbers=None) -> ColumnMapping | None:
    """`propose` from the column names and `head(name)`, the first 200 values of a column;
    `numbers` parses values as parse_numbers does (the command line's Arrow path)."""
    numbers = numbers or parse_numbers
    taken: set[str] = set()

    def pick(role):
        c = _best(cols, role, taken)
        if c:
            taken.add(c)
        return c

    def mostly_numeric(c) -> bool:
        values = head(c)
        parsed = numbers(values)
        filled = np.array([v is not None and str(v).strip() != "" for v in values], dtype=bool)
        return bool(filled.any()) and np.isfinite(parsed[filled]).mean() >= 0.8

    lon, lat = pick("lon"), pick("lat")
    if lon and lat and mostly_numeric(lon) and mostly_numeric(lat):
        return ColumnMapping(mode="lonlat", lon=lon, lat=lat)
    taken.clear()
    x, y = pick("x"), pick("y")
    if x and y and mostly_numeric(x) and mostly_numeric(y):
        xs, ys = numbers(head(x)), numbers(head(y))
        ok = ~np.isnan(xs) & ~np.isnan(ys)
        if ok.any() and _in_l93(xs[ok], ys[ok]).mean() >= 0.5:
            return ColumnMapping(mode="xy", x=x, y=y)
        if ok.any() and (zone_of(xs[ok], ys[ok]) >= 0).mean() >= 0.5:
            return ColumnMapping(mode="lonlat", lon=x, lat=y)
    taken.clear()
    address = pick("address")
    postcode, city = pick("postcode"), pick("city")
    if address:
        return ColumnMapping(mode="address", address=address, postcode=postcode, city=city)
    number, street = pick("number"), pick("street")
    if street and (postcode or city):
        return ColumnMapping(
            mode="parts", number=number, street=street, postcode=postcode, city=city
        )
    return None


def validate(mapping: ColumnMapping, columns) -> None:
    """Refuse a mapping that names missing columns or lacks a required one (French message)."""
    columns = [str(c) for c in columns]
    if mapping.mode not in MODES:
        raise InputError(f"Mode de localisation inconnu : {mapping.mode!r}.")
    required = {
        "address": ("address",),
        "parts": ("street",),
        "lonlat": ("lon", "lat"),
        "xy": ("x", "y"),
    }[mapping.mode]
    labels = {"address": "adresse", "street": "voie", "lon": "longitude", "lat": "latitude"}
    for f in required:
        if not getattr(mapping, f):
            raise InputError(f"Choisissez la colonne « {labels.get(f, f.upper())} ».")
    if mapping.mode == "parts" and not (mapping.postcode or mapping.city):
        raise InputError(
            "Avec une voie seule, indiquez aussi la colonne du code postal ou de la commune."
        )
    for c in mapping.used_columns():
        if c not in columns:
            raise InputError(f"Colonne « {c} » absente du fichier.")
    used = mapping.used_columns()
    if len(set(used)) != len(used):
        raise InputError("Une même colonne est choisie pour deux rôles différents.")


# Per-row location statuses (French, shown to users and written in the `statut` column).
OK = "ok"
SWAPPED = "ok (longitude et latitude inversées, corrigées)"
MISSING = "coordonnées manquantes"
UNREADABLE = "coordonnées illisibles"
OUTSIDE = "coordonnées hors France"
# what locate_codes' codes stand for
STATUSES = np.array([OK, SWAPPED, MISSING, UNREADABLE, OUTSIDE], dtype=object)


def coordinates(
    df: pd.DataFrame, mapping: ColumnMapping
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, status) for a lon/lat or x/y mapping; NaN coordinates where unusable."""
    if mapping.mode == "lonlat":
        a, b = df[mapping.lon], df[mapping.lat]
    elif mapping.mode == "xy":
        a, b = df[mapping.x], df[mapping.y]
    else:
        raise ValueError("coordinates() needs a lonlat or xy mapping")
    return locate(parse_numbers(a), parse_numbers(b), _blank(a) | _blank(b))


def _blank(series: pd.Series) -> np.ndarray:
    return (_as_text(series) == "").to_numpy(dtype=bool)


def locate(a: np.ndarray, b: np.ndarray, blank: np.ndarray | None = None):
    """Two numeric columns -> WGS84 (lon, lat, status): lon/lat as given, swapped, or Lambert-93
    (either order), whichever lands in a French zone; anything else is « hors France »."""
    lon, lat, codes = locate_codes(a, b, blank)
    return lon, lat, STATUSES[codes]


def locate_codes(a: np.ndarray, b: np.ndarray, blank: np.ndarray | None = None):
    """locate with the status as codes into STATUSES (int8): no Python object per row."""
    from pyproj import Transformer

    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    n = a.size
    blank = np.zeros(n, dtype=bool) if blank is None else blank
    ok, swapped_, missing, unreadable, outside = range(len(STATUSES))
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    status = np.full(n, outside, dtype=np.int8)
    finite = np.isfinite(a) & np.isfinite(b)
    status[~finite] = unreadable
    status[~finite & blank] = missing

    direct = finite & (zone_of(a, b) >= 0)
    lon[direct], lat[direct], status[direct] = a[direct], b[direct], ok
    swapped = finite & ~direct & (zone_of(b, a) >= 0)
    lon[swapped], lat[swapped], status[swapped] = b[swapped], a[swapped], swapped_
    rest = finite & ~direct & ~swapped
    l93 = rest & _in_l93(a, b)
    l93_swapped = rest & ~l93 & _in_l93(b, a)
    if l93.any() or l93_swapped.any():
        tr = Transformer.from_crs(2154, 4326, always_xy=True)
        x = np.where(l93_swapped, b, a)
        y = np.where(l93_swapped, a, b)
        sel = l93 | l93_swapped
        lx, ly = tr.transform(x[sel], y[sel])
        lon[sel], lat[sel] = lx, ly
        status[l93] = ok
        status[l93_swapped] = swapped_
    return lon, lat, status
