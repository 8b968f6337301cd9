"""The map layers, declared once: id (the value in « ?couches= »), label, colour, loader,
hover text and legend. The Territoire, Quartiers prioritaires and Écosystème pages and the
static maps of the exports pick layers by id; sse_dash.dashboard.mapviews draws any of them
with a layer control, a legend and a table alternative.

A new layer is a query (one .sql file, territory filter included from a fragment) and one
entry in LAYERS, e.g. `Layer("x", "Label", "points", colour, query_loader("ui_points_x"),
name_tooltips, pages=…)`; the pages listed in its `pages` offer it in their « Couches »
choice, and its English label goes in sse_dash.i18n."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sse_dash import i18n, maps, queries, style
from sse_dash.dashboard import points, qpv, sse
from sse_dash.dashboard.territory import Territory

MAX_TIP_NAME = 45
TERRITORY_PAGE = "territory"
ECOSYSTEM_PAGE = "ecosystem"

Loader = Callable[..., pd.DataFrame]
Tooltips = Callable[[pd.DataFrame, str], Sequence[str] | pa.Array]
Legend = Callable[[pd.DataFrame, Mapping[str, str], str], list[tuple[str, str]]]


@dataclass(frozen=True)
class Layer:
    id: str
    label: str  # French (translated when shown): layer control, legend, table
    kind: str  # "polygons" (GeoJSON `geometry`) or "points" (`lon`, `lat`)
    colour: str  # of the layer, or of its unknown categories when coloured by `category`
    loader: Loader | None  # (con, territory, **options) -> frame; None: the page brings it
    tooltip: Tooltips
    legend: Legend | None = None  # default: one entry, the colour and the label
    category: str | None = None  # column giving one colour per value (families)
    radius: float = 6
    name_column: str = "name"  # what the table alternative lists
    pages: frozenset[str] = field(default_factory=frozenset)
    # rows whose QPV answer is « incertain » (point at random in the commune) drawn apart, hollow
    uncertain_apart: bool = False


# ---------------------------------------------------------------- hover texts
def establishment_tips(names: pd.Series, nafs: pd.Series, lang: str = "fr") -> pa.Array:
    """Short hover texts « name — NAF » (vectorised: up to 50,000 per map). The family is given
    by the colour, the legend and the table; missing names read « (nom non diffusible) »."""
    name = maps.text_array(names)
    hidden = i18n.t("(nom non diffusible)", lang)
    name = pc.if_else(pc.equal(pc.fill_null(name, ""), ""), hidden, name)
    cut = pc.binary_join_element_wise(
        pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(name, 0, MAX_TIP_NAME - 1)), "…", ""
    )
    name = pc.if_else(pc.greater(pc.utf8_length(name), MAX_TIP_NAME), cut, name)
    naf = pc.fill_null(maps.text_array(nafs), "")
    with_naf = pc.binary_join_element_wise(name, naf, " — ")
    return pc.if_else(pc.equal(naf, ""), name, with_naf)


def _establishment_tooltips(frame: pd.DataFrame, lang: str) -> pa.Array:
    missing = pd.Series([None] * len(frame), index=frame.index, dtype="object")
    return establishment_tips(frame.get("name", missing), frame.get("naf", missing), lang)


def _qpv_tooltips(frame: pd.DataFrame, lang: str) -> list[str]:
    if "tooltip" in frame:
        return list(frame["tooltip"])
    return [f"{n} ({c})" for c, n in zip(frame["code"], frame["name"], strict=True)]


def _third_place_tooltips(frame: pd.DataFrame, lang: str) -> list[str]:
    """Name, kind, approximate location, and the other sources listing the same place."""
    kinds = points.kind_labels(frame["kind"], lang)
    approximate = i18n.t(" (localisation approximative)", lang)
    also = frame["also_in"] if "also_in" in frame else pd.Series([None] * len(frame))
    also_label = i18n.t(" — aussi dans : ", lang)
    return [
        f"{n} — {k}"
        + (approximate if p == "commune" else "")
        + (f"{also_label}{a}" if isinstance(a, str) and a else "")
        for n, k, p, a in zip(
            frame["name"], kinds, frame["location_precision"], also.tolist(), strict=True
        )
    ]


def _ptce_tooltips(frame: pd.DataFrame, lang: str) -> list[str]:
    approximate = i18n.t(" (localisation approximative)", lang)
    return [
        f"PTCE {n}" + (f" — {t}" if isinstance(t, str) and t else "") + approximate
        for n, t in zip(frame["name"], frame["theme"], strict=True)
    ]


def _given_tooltips(frame: pd.DataFrame, lang: str) -> list:
    return list(frame["tooltip"])


# ---------------------------------------------------------------- legends
def _family_legend(
    frame: pd.DataFrame, family_labels: Mapping[str, str], lang: str
) -> list[tuple[str, str]]:
    """One entry per family present, in the order of ref_families (the labels' order)."""
    present = set(frame["family"].dropna().unique())
    order = list(family_labels) or list(style.FAMILY_COLOURS)
    order += sorted(present - set(order))
    return [(style.family_colour(c), family_labels.get(c, c)) for c in order if c in present]


# ---------------------------------------------------------------- loaders
def query_loader(query: str) -> Loader:
    """Loader of a points layer from one named query taking the territory as $level and
    $code (the territory filter included from the ui_poi_filter fragment)."""

    def load(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
        return queries.df(con, query, {"level": territory.level, "code": territory.code})

    return load


def name_tooltips(frame: pd.DataFrame, lang: str) -> list[str]:
    """Hover text of a points layer: the name, flagged when the location is approximate."""
    approximate = i18n.t(" (localisation approximative)", lang)
    precision = frame.get("location_precision", pd.Series([None] * len(frame), index=frame.index))
    return [
        f"{n}" + (approximate if p == "commune" else "")
        for n, p in zip(frame["name"], precision, strict=True)
    ]


def _qpv_loader(geography: str) -> Loader:
    def load(con: duckdb.DuckDBPyConnection, territory: Territory) -> pd.DataFrame:
        return qpv.contours(con, territory, geography)

    return load


def _establishments(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    filters: sse.Filters = sse.NO_FILTERS,
    limit: int = 50_000,
) -> pd.DataFrame:
    """Located establishments of the territory under the page's filters; for a QPV, those in
    it or within 300 m of it (the QPV page's detail)."""
    if territory.level == "qpv":
        frame = qpv.establishments(con, territory.code, limit=limit)
        located = frame["lon"].notna() & frame["lat"].notna()
        return frame[located & frame["diffusible"].fillna(True).astype(bool)]
    return sse.map_points(con, territory, filters, limit)


# Order of the pages' « Couches » choice; maps draw contours first (2015 under 2024), then
# points, in this order, which is also the order of their legend and layer control.
LAYERS: tuple[Layer, ...] = (
    Layer(
        "ets",
        "Établissements ESS",
        "points",
        style.UNKNOWN_FAMILY_COLOUR,
        _establishments,
        _establishment_tooltips,
        legend=_family_legend,
        category="family",
        radius=4,
        pages=frozenset({TERRITORY_PAGE, ECOSYSTEM_PAGE}),
        uncertain_apart=True,
    ),
    Layer(
        "qpv15",
        "Quartiers prioritaires 2015",
        "polygons",
        style.QPV15_COLOUR,
        _qpv_loader("2015"),
        _qpv_tooltips,
    ),
    Layer(
        "qpv",
        "Quartiers prioritaires 2024",
        "polygons",
        style.QPV_COLOUR,
        _qpv_loader("2024"),
        _qpv_tooltips,
        pages=frozenset({TERRITORY_PAGE, ECOSYSTEM_PAGE}),
    ),
    Layer(
        "tl",
        "Tiers-lieux",
        "points",
        style.THIRD_PLACE_COLOUR,
        points.third_places,
        _third_place_tooltips,
        radius=7,
        pages=frozenset({TERRITORY_PAGE, ECOSYSTEM_PAGE}),
    ),
    Layer(
        "ptce",
        "PTCE",
        "points",
        style.PTCE_COLOUR,
        points.ptce,
        _ptce_tooltips,
        radius=8,
        pages=frozenset({TERRITORY_PAGE, ECOSYSTEM_PAGE}),
    ),
    # points checked on « Adresse en QPV ? », kept in the session (lon, lat, tooltip)
    Layer(
        "adr",
        "Adresses vérifiées",
        "points",
        style.ADDRESS_COLOUR,
        None,
        _given_tooltips,
        name_column="tooltip",
    ),
)


def drawing_order() -> list[Layer]:
    """Contours under points, each kind in registry order."""
    return [x for x in LAYERS if x.kind == "polygons"] + [x for x in LAYERS if x.kind != "polygons"]


def get(layer_id: str) -> Layer:
    """The layer, or ValueError (a layer id comes from a page or a URL)."""
    for layer in LAYERS:
        if layer.id == layer_id:
            return layer
    raise ValueError(f"couche inconnue : {layer_id!r}")


def offered(page: str, lang: str = "fr") -> dict[str, str]:
    """Layer id -> label in `lang` of the layers a page offers, in registry order."""
    return {x.id: i18n.t(x.label, lang) for x in LAYERS if page in x.pages}


def label(layer_id: str, lang: str = "fr") -> str:
    return i18n.t(get(layer_id).label, lang)


def load(
    con: duckdb.DuckDBPyConnection, layer_id: str, territory: Territory, **options
) -> pd.DataFrame:
    """The rows of a layer for a territory (`options`: the establishments' filters and
    limit)."""
    layer = get(layer_id)
    if layer.loader is None:
        raise ValueError(f"la couche {layer_id!r} vient de la session, pas de l'entrepôt")
    return layer.loader(con, territory, **options)


def legend_items(
    layer: Layer, frame: pd.DataFrame, family_labels: Mapping[str, str] | None, lang: str = "fr"
) -> list[tuple[str, str]]:
    if layer.legend is not None:
        return layer.legend(frame, family_labels or {}, lang)
    return [(layer.colour, i18n.t(layer.label, lang))]
