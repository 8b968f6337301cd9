"""How things look, in one place, for the Folium maps, the Plotly charts and the Matplotlib
exports alike: the colour-blind-safe palette, one colour per SSE family, the QPV colours and the
metric projection of each part of France.

Family codes, order and labels come from the warehouse (`ref_families`, read with
sse_dash.dashboard.sse.labels); only their colours are decided here."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sse_dash.i18n import N_

if TYPE_CHECKING:
    import numpy as np

# Okabe-Ito: readable by colour-blind users.
OKABE_ITO = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]

# ---------------------------------------------------------------- SSE families
FAMILY_COLOURS = {
    "association": "#0072B2",
    "cooperative": "#E69F00",
    "mutuelle": "#56B4E9",
    "fondation": "#F0E442",
    "societe_ess": "#882255",
    "autre": "#999999",
}
UNKNOWN_FAMILY_COLOUR = "#999999"


def family_colour(code: str | None) -> str:
    """Colour of a family code (grey for a code the style does not know)."""
    if not isinstance(code, str):
        return UNKNOWN_FAMILY_COLOUR
    return FAMILY_COLOURS.get(code, UNKNOWN_FAMILY_COLOUR)


def family_colours(codes) -> list[str]:
    return [family_colour(c) for c in codes]


# ---------------------------------------------------------------- map layers and charts
QPV_COLOUR = "#D55E00"  # QPV 2024 contours, and « in a QPV » in charts
QPV_NEAR_COLOUR = "#F5B78F"  # « in or within 300 m of a QPV »: a lighter shade of the same
QPV15_COLOUR = "#CC79A7"
THIRD_PLACE_COLOUR = "#009E73"
PTCE_COLOUR = "#CC79A7"
ADDRESS_COLOUR = "#000000"
BAR_COLOUR = OKABE_ITO[0]  # one-colour bar charts (and the territory in a comparison)
REFERENCE_COLOUR = "#D55E00"  # Okabe-Ito vermillion: the reference marker of Comparer
SECTOR_COLOUR = OKABE_ITO[1]
YEAR_COLOUR = OKABE_ITO[2]
SIZE_COLOUR = OKABE_ITO[4]
# territory, parent, France side by side
REFERENCE_COLOURS = (OKABE_ITO[0], OKABE_ITO[4], "#C9C9C9")
# Sequential blues (ColorBrewer « Blues », readable by colour-blind users), light -> dark.
SEQUENTIAL = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
MISSING_COLOUR = "#bbbbbb"


# ---------------------------------------------------------------- zones and projections
class Zone(NamedTuple):
    """A part of France and the metric CRS its distances and static maps use. `departements`
    and `regions` name the overseas codes of the zone (SIRENE gives their metric coordinates
    in that CRS); every other code is metropolitan."""

    name: str
    epsg: int
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    departements: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


ZONES: tuple[Zone, ...] = (
    Zone("metropole", 2154, -5.8, 10.0, 41.0, 51.6),  # Lambert-93
    # RGAF09 / UTM 20N: Guadeloupe, Martinique, Saint-Barthélemy, Saint-Martin
    Zone("antilles", 5490, -63.5, -60.5, 14.0, 18.5, ("971", "972", "977", "978"), ("01", "02")),
    Zone("guyane", 2972, -55.0, -51.0, 1.5, 6.5, ("973",), ("03",)),  # RGFG95 / UTM 22N
    Zone("reunion", 2975, 54.9, 56.0, -21.6, -20.7, ("974",), ("04",)),  # RGR92 / UTM 40S
    Zone("mayotte", 4471, 44.8, 45.5, -13.2, -12.4, ("976",), ("06",)),  # RGM04 / UTM 38S
    Zone("saint_pierre", 4467, -56.7, -55.9, 46.6, 47.3, ("975",)),  # RGSPM06 / UTM 21N
    Zone("polynesie", 3297, -155.0, -134.0, -28.5, -7.0),  # RGPF / UTM 6S
    # French territories without priority neighbourhoods (the politique de la ville does not
    # apply there): located as France, answered « non, aucun QPV », never « hors France ».
    Zone("nouvelle_caledonie", 3163, 158.0, 172.5, -23.5, -17.5),  # RGNC91-93 / Lambert NC
    Zone("wallis_futuna", 8903, -178.5, -175.5, -14.6, -12.9),  # RGWF96 / UTM 1S
)
METROPOLE = ZONES[0]


def zone_of(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index into ZONES for each point, -1 outside every French zone (or missing)."""
    import numpy as np

    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    out = np.full(lon.shape, -1, dtype=np.int8)
    for i, z in enumerate(ZONES):
        hit = (out == -1) & (lon >= z.lon_min) & (lon <= z.lon_max)
        hit &= (lat >= z.lat_min) & (lat <= z.lat_max)
        out[hit] = i
    return out


OVERSEAS_EPSG = {dep: z.epsg for z in ZONES for dep in z.departements}
OVERSEAS_REGION_EPSG = {reg: z.epsg for z in ZONES for reg in z.regions}
# Names of the zones (French, translated where shown) for the zoom of the national maps.
ZONE_LABELS = {
    "metropole": N_("France métropolitaine"),
    "antilles": N_("Antilles (Guadeloupe, Martinique, Saint-Barthélemy, Saint-Martin)"),
    "guyane": N_("Guyane"),
    "reunion": N_("La Réunion"),
    "mayotte": N_("Mayotte"),
    "saint_pierre": N_("Saint-Pierre-et-Miquelon"),
    "polynesie": N_("Polynésie française"),
    "nouvelle_caledonie": N_("Nouvelle-Calédonie"),
    "wallis_futuna": N_("Wallis-et-Futuna"),
}
ZONE_CODES = {  # département / région codes (COG) drawn in each overseas zone
    **{z.name: (*z.departements, *z.regions) for z in ZONES},
    "polynesie": ("987",),
    "nouvelle_caledonie": ("988",),
    "wallis_futuna": ("986",),
}


def zone_bounds(name: str) -> list[list[float]]:
    """[[lat_min, lon_min], [lat_max, lon_max]] of a zone, for fitting a map to it."""
    zone = next(z for z in ZONES if z.name == name)
    return [[zone.lat_min, zone.lon_min], [zone.lat_max, zone.lon_max]]


def zones_present(codes) -> list[str]:
    """Metropolitan France, then the overseas zones with at least one of `codes` (the
    départements or régions a national map draws)."""
    codes = set(codes)
    return ["metropole"] + [
        name for name, own in ZONE_CODES.items() if name != "metropole" and codes & set(own)
    ]


# Maps of the overseas collectivités, each its own « département » and « région » in the COG
# (SIRENE gives no coordinates for 986-988, so these stay out of OVERSEAS_EPSG).
COLLECTIVITY_EPSG = {"975": 4467, "977": 5490, "978": 5490, "986": 8903, "987": 3297, "988": 3163}


def map_epsg_for(dep_code: str | None = None, region_code: str | None = None) -> int:
    """`epsg_for`, also knowing the overseas collectivités (for maps)."""
    for code in (dep_code, region_code):
        if code in COLLECTIVITY_EPSG:
            return COLLECTIVITY_EPSG[code]
    return epsg_for(dep_code, region_code)


def epsg_for(dep_code: str | None = None, region_code: str | None = None) -> int:
    """Metric CRS of a territory from its département (else its région): local UTM overseas,
    Lambert-93 otherwise."""
    if dep_code in OVERSEAS_EPSG:
        return OVERSEAS_EPSG[dep_code]
    if dep_code is None and region_code in OVERSEAS_REGION_EPSG:
        return OVERSEAS_REGION_EPSG[region_code]
    return METROPOLE.epsg
