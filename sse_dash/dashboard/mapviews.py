"""Maps of the pages, composed from sse_dash.maps (pure folium, testable without Streamlit)."""

from __future__ import annotations

import folium
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sse_dash import fmt, i18n, maps
from sse_dash.dashboard import points

THIRD_PLACE_COLOR = "#009E73"
PTCE_COLOR = "#CC79A7"
ADDRESS_COLOR = "#000000"
MAX_TIP_NAME = 45
FAMILY_ORDER = ["association", "cooperative", "mutuelle", "fondation", "societe_ess", "autre"]
FAMILY_COLORS = ["#0072B2", "#E69F00", "#56B4E9", "#F0E442", "#882255", "#999999"]


def qpv_map(
    contours: pd.DataFrame,
    bounds=None,
    *,
    lang: str = "fr",
    name: str = "Quartiers prioritaires 2024",
    tiles=...,
) -> folium.Map:
    """QPV contours of a territory."""
    m = maps.base_map(bounds=bounds or _bounds_of_contours(contours), tiles=tiles)
    if not contours.empty:
        maps.qpv_layer(contours, name=i18n.t(name, lang)).add_to(m)
    maps.legend(i18n.t("Légende", lang), [(maps.QPV_COLOR, i18n.t(name, lang))]).add_to(m)
    return m


def _bounds_of_contours(contours: pd.DataFrame):
    if contours.empty or "lat" not in contours:
        return None
    return maps.bounds_of(contours["lat"], contours["lon"])


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


UNCERTAIN_NOTE = "Point placé au hasard dans la commune : QPV incertain"
UNCERTAIN_LEGEND = "Contour pointillé : point placé au hasard dans la commune (QPV incertain)"


def split_uncertain(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(precisely located, located only at random in their commune) establishments: the second
    ones are drawn apart, hollow, and never counted in or out of a QPV."""
    if "qpv24_status" not in df:
        return df, df.iloc[0:0]
    unsure = (df["qpv24_status"] == "incertain").to_numpy()
    return df[~unsure], df[unsure]


def establishments_layer(
    df: pd.DataFrame, *, lang: str = "fr", show: bool = True, uncertain: bool = False
):
    """SSE establishments coloured by family (tooltip: name, family, NAF); `uncertain`: the
    layer of establishments whose point is a random point in the commune (hollow markers)."""
    frame = df.copy()
    missing = pd.Series([None] * len(frame), index=frame.index, dtype="object")
    tips = establishment_tips(frame.get("name", missing), frame.get("naf", missing), lang)
    if uncertain:
        note = i18n.t(" (position approximative : QPV incertain)", lang)
        tips = pc.binary_join_element_wise(tips, pa.scalar(note), "")
    frame["tooltip"] = pd.Series(tips, index=frame.index, dtype=pd.ArrowDtype(pa.string()))
    name = i18n.t(UNCERTAIN_NOTE if uncertain else "Établissements ESS", lang)
    return maps.points_layer(
        frame,
        name=name,
        category="family",
        categories=FAMILY_ORDER,
        colors=FAMILY_COLORS,
        radius=4,
        show=show,
        hollow=uncertain,
    )


def third_places_layer(df: pd.DataFrame, *, lang: str = "fr", show: bool = True):
    frame = df.copy()
    kinds = points.kind_labels(frame["kind"], lang)
    approximate = i18n.t(" (localisation approximative)", lang)
    also = frame["also_in"] if "also_in" in frame else pd.Series([None] * len(frame))
    also_label = i18n.t(" — aussi dans : ", lang)
    frame["tooltip"] = [
        f"{n} — {k}"
        + (approximate if p == "commune" else "")
        + (f"{also_label}{a}" if isinstance(a, str) and a else "")
        for n, k, p, a in zip(
            frame["name"], kinds, frame["location_precision"], also.tolist(), strict=True
        )
    ]
    return maps.points_layer(
        frame, name=i18n.t("Tiers-lieux", lang), color=THIRD_PLACE_COLOR, radius=7, show=show
    )


def ptce_layer(df: pd.DataFrame, *, lang: str = "fr", show: bool = True):
    frame = df.copy()
    approximate = i18n.t(" (localisation approximative)", lang)
    frame["tooltip"] = [
        f"PTCE {n}" + (f" — {t}" if isinstance(t, str) and t else "") + approximate
        for n, t in zip(frame["name"], frame["theme"], strict=True)
    ]
    return maps.points_layer(
        frame, name=i18n.t("PTCE", lang), color=PTCE_COLOR, radius=8, show=show
    )


def address_layer(df: pd.DataFrame, *, lang: str = "fr", show: bool = True):
    """Points checked on « Adresse en QPV ? » (session layer: lon, lat, tooltip)."""
    return maps.points_layer(
        df, name=i18n.t("Adresses vérifiées", lang), color=ADDRESS_COLOR, radius=6, show=show
    )


def layered_map(
    *,
    bounds=None,
    qpv: pd.DataFrame | None = None,
    qpv15: pd.DataFrame | None = None,
    establishments: pd.DataFrame | None = None,
    third_places: pd.DataFrame | None = None,
    ptce: pd.DataFrame | None = None,
    addresses: pd.DataFrame | None = None,
    family_labels: dict[str, str] | None = None,
    lang: str = "fr",
    tiles=...,
) -> folium.Map:
    """One map with the layers given (None = layer absent), a layer control and a legend."""
    t = lambda s: i18n.t(s, lang)  # noqa: E731
    if bounds is None:
        bounds = _data_bounds(qpv, qpv15, establishments, third_places, ptce, addresses)
    m = maps.base_map(bounds=bounds, tiles=tiles)
    items: list[tuple[str, str]] = []
    if qpv15 is not None and not qpv15.empty:
        maps.qpv_layer(qpv15, name=t("Quartiers prioritaires 2015"), color=maps.QPV15_COLOR).add_to(
            m
        )
        items.append((maps.QPV15_COLOR, t("Quartiers prioritaires 2015")))
    if qpv is not None and not qpv.empty:
        maps.qpv_layer(qpv, name=t("Quartiers prioritaires 2024")).add_to(m)
        items.append((maps.QPV_COLOR, t("Quartiers prioritaires 2024")))
    if establishments is not None and not establishments.empty:
        precise, unsure = split_uncertain(establishments)
        establishments_layer(precise, lang=lang).add_to(m)
        labels = family_labels or {}
        present = set(establishments["family"].dropna().unique())
        for code, colour in zip(FAMILY_ORDER, FAMILY_COLORS, strict=True):
            if code in present:
                items.append((colour, labels.get(code, code)))
        if not unsure.empty:
            establishments_layer(unsure, lang=lang, uncertain=True).add_to(m)
            items.append(("#FFFFFF", t(UNCERTAIN_LEGEND)))
    if third_places is not None and not third_places.empty:
        third_places_layer(third_places, lang=lang).add_to(m)
        items.append((THIRD_PLACE_COLOR, t("Tiers-lieux")))
    if ptce is not None and not ptce.empty:
        ptce_layer(ptce, lang=lang).add_to(m)
        items.append((PTCE_COLOR, t("PTCE")))
    if addresses is not None and not addresses.empty:
        address_layer(addresses, lang=lang).add_to(m)
        items.append((ADDRESS_COLOR, t("Adresses vérifiées")))
    if items:
        maps.legend(t("Légende"), items).add_to(m)
    maps.add_layer_control(m)
    return m


def _data_bounds(*frames):
    """Box around every geometry and point given (when the caller has no territory box)."""
    geoms: list = []
    lats: list = []
    lons: list = []
    for frame in frames:
        if frame is None or frame.empty:
            continue
        if "geometry" in frame:
            geoms.extend(frame["geometry"].tolist())
        elif "lat" in frame:
            lats.extend(frame["lat"].tolist())
            lons.extend(frame["lon"].tolist())
    boxes = [b for b in (maps.geojson_bounds(geoms), maps.bounds_of(lats, lons)) if b]
    if not boxes:
        return None
    return [
        [min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
        [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)],
    ]


def choropleth_map(
    areas: pd.DataFrame,
    value: str,
    *,
    legend_title: str,
    percent: bool = False,
    decimals: int = 0,
    bounds=None,
    lang: str = "fr",
    tiles=...,
) -> folium.Map:
    """Areas (code, name, geometry GeoJSON, value) coloured by quantile classes."""
    m = maps.base_map(bounds=bounds, tiles=tiles)

    def value_format(v: float) -> str:
        return fmt.percent(v, 1, lang) if percent else fmt.number(v, decimals, lang)

    layer, legend = maps.choropleth_layer(
        areas,
        value,
        name=legend_title,
        legend_title=legend_title,
        value_format=value_format,
    )
    layer.add_to(m)
    legend.add_to(m)
    return m


def layers_table(
    *,
    qpv: pd.DataFrame | None = None,
    establishments: pd.DataFrame | None = None,
    third_places: pd.DataFrame | None = None,
    ptce: pd.DataFrame | None = None,
    addresses: pd.DataFrame | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """Table alternative of a layered map: one row per object drawn."""
    t = lambda s: i18n.t(s, lang)  # noqa: E731
    parts = []
    layer_col, name_col_label = t("Couche"), t("Nom")

    def add(frame, layer, name_col):
        if frame is None or frame.empty:
            return
        names = frame[name_col] if name_col in frame else pd.Series([""] * len(frame))
        parts.append(
            pd.DataFrame(
                {
                    layer_col: layer,
                    name_col_label: names.fillna(t("(non diffusible)")).astype(str).tolist(),
                    "Longitude": pd.to_numeric(frame["lon"]).round(5).tolist(),
                    "Latitude": pd.to_numeric(frame["lat"]).round(5).tolist(),
                }
            )
        )

    if qpv is not None and not qpv.empty:
        add(
            qpv.assign(name=[f"{n} ({c})" for c, n in zip(qpv["code"], qpv["name"], strict=True)]),
            t("Quartiers prioritaires 2024"),
            "name",
        )
    add(establishments, t("Établissements ESS"), "name")
    add(third_places, t("Tiers-lieux"), "name")
    add(ptce, t("PTCE"), "name")
    add(addresses, t("Adresses vérifiées"), "tooltip")
    if not parts:
        return pd.DataFrame(columns=[layer_col, name_col_label, "Longitude", "Latitude"])
    return pd.concat(parts, ignore_index=True)
