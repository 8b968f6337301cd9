"""Download buttons for the pages: charts (PNG/SVG/PDF via kaleido), tables (CSV/XLSX), the
static map and the briefing pack. Image and table files are generated lazily — only when the
user clicks (Streamlit deferred downloads) — so a page with ten charts does not render ten
images on every rerun. `meta` keys (all optional): title, territory (label), sources
(list of source items), synthetic (bool), filename (without extension), roles (provenance
roles for the XLSX « Sources » sheet). Missing sources/synthetic are read from the warehouse."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from sse_dash import db, i18n
from sse_dash import fmt as numbers
from sse_dash.export import charts, provenance, tables

log = logging.getLogger(__name__)
IMAGE_FORMATS = ("png", "svg", "pdf")
BRIEF_FORMATS = {"PowerPoint (.pptx)": "pptx", "PDF": "pdf"}
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def slug(text: str, default: str = "export") -> str:
    """File-name-safe ASCII version of a French title."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:80] or default


def sheet_name(title: str) -> str:
    """An Excel sheet name: no []:*?/\\ characters, 31 characters at most."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title or "").strip()
    return re.sub(r"\s+", " ", cleaned)[:31].strip() or "Données"


def _connection():
    """The app's shared warehouse connection, or None when the warehouse is not built."""
    from sse_dash.ui import cache

    try:
        return cache.connection()
    except db.WarehouseMissing:
        return None


def _cached(func, *args, default):
    """`func(con, *args)` cached per warehouse version (charts and tables of a page ask the
    same provenance questions); `default` when the warehouse is not built."""
    from sse_dash.ui import cache

    try:
        return cache.call(func, *args)
    except db.WarehouseMissing:
        return default


def _warehouse_defaults(meta: dict) -> tuple[list[str], bool]:
    sources = meta.get("sources")
    synthetic = meta.get("synthetic")
    if sources is None:
        roles = meta.get("roles") or (provenance.SIRENE_ROLES + provenance.QPV_ROLES)
        sources = _cached(provenance.sources_for, tuple(roles), default=[])
    if synthetic is None:
        synthetic = _cached(provenance.is_synthetic, default=False)
    return list(sources or []), bool(synthetic)


def context_label(territory: str, filters: list[str] | None = None) -> str:
    """What an export is about: « Seine-Saint-Denis (93) — Associations, employeurs » (the
    territory, then the active filters); printed under the title and in the file name."""
    shown = [f for f in (filters or []) if f]
    return f"{territory} — {', '.join(shown)}" if shown else territory


def source_caption(meta: dict | None = None, *, lang: str = "fr", estimate: bool = False) -> str:
    """The short source and vintage line under a KPI row or a chart, « Source : SIRENE (INSEE),
    octobre 2026 — estimation »; empty when the warehouse says nothing."""
    sources = (meta or {}).get("sources")
    if sources is None:
        sources = _cached(provenance.screen_sources, lang, default=[])
    if not sources:
        return ""
    text = i18n.tf("Source : {sources}", lang, sources=" ; ".join(sources))
    return text + (i18n.t(" — estimation", lang) if estimate else "")


@functools.lru_cache(maxsize=64)
def _render_image(
    fig_json: str, fmt: str, title: str, territory: str, sources: tuple, synthetic: bool
) -> bytes:
    """Cached server-side render; runs in Streamlit's deferred-download thread."""
    fig = pio.from_json(fig_json)
    return charts.export_figure(
        fig, fmt, title=title, territory=territory, sources=list(sources), synthetic=synthetic
    )


def chart_downloads(fig: go.Figure, key: str, meta: dict, *, lang: str = "fr") -> None:
    """PNG / SVG / PDF buttons for a Plotly figure (title, territory and sources printed in)."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    if not charts.export_available():
        st.caption(
            t(
                "Export d'image indisponible sur ce serveur (Chromium introuvable) ; "
                "les données restent téléchargeables en CSV et XLSX."
            )
        )
        return
    title = meta.get("title") or (fig.layout.title.text or "Graphique")
    territory = meta.get("territory") or ""
    sources, synthetic = _warehouse_defaults(meta)
    # the figure as JSON only when an image is asked for (≈ 5 ms a chart at every rerun),
    # once for the three formats
    fig_json = functools.lru_cache(maxsize=1)(fig.to_json)
    name = meta.get("filename") or slug(f"{title} {territory}")
    cols = st.columns(len(IMAGE_FORMATS))
    for col, fmt in zip(cols, IMAGE_FORMATS, strict=True):

        def make(fmt=fmt) -> bytes:
            return _render_image(fig_json(), fmt, title, territory, tuple(sources), synthetic)

        col.download_button(
            i18n.tf("Image {format}", lang, format=fmt.upper()),
            data=make,
            file_name=f"{name}.{fmt}",
            mime=MIME[fmt],
            key=f"dl-{key}-{fmt}",
            on_click="ignore",
            help=t("Image avec titre, territoire et sources, pour une note ou un diaporama"),
        )


def table_downloads(df: pd.DataFrame, key: str, meta: dict, *, lang: str = "fr") -> None:
    """CSV (French Excel) and XLSX (typed, with a « Sources » sheet) buttons."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    title = meta.get("title") or "donnees"
    name = meta.get("filename") or slug(f"{title} {meta.get('territory') or ''}")
    records = meta.get("source_records")
    if records is None:
        roles = meta.get("roles")
        records = _cached(provenance.source_records, tuple(roles) if roles else None, default=[])
    frame = df.copy()
    c1, c2 = st.columns(2)
    c1.download_button(
        t("Tableau CSV"),
        data=lambda: tables.to_csv_bytes(frame),
        file_name=f"{name}.csv",
        mime=MIME["csv"],
        key=f"dl-{key}-csv",
        on_click="ignore",
        help=t("Séparateur point-virgule, virgule décimale (Excel en français)"),
    )
    c2.download_button(
        t("Tableau XLSX"),
        data=lambda: tables.to_xlsx_bytes(frame, sheet_name=sheet_name(title), sources=records),
        file_name=f"{name}.xlsx",
        mime=MIME["xlsx"],
        key=f"dl-{key}-xlsx",
        on_click="ignore",
        help=t("Classeur Excel avec une feuille « Sources »"),
    )


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, header row apart


def selection_file(con, territory, filters, fmt: str, sources: list[dict] | None = None) -> bytes:
    """The file of the Territoire page's « all establishments » buttons: EVERY establishment of
    the selection (sse.export_frame, the query of `export etablissements`), as French-Excel CSV
    or XLSX with a « Sources » sheet."""
    from sse_dash.dashboard import sse

    frame = sse.export_frame(con, territory, filters)
    if fmt == "xlsx":
        return tables.to_xlsx_bytes(frame, sheet_name="Établissements", sources=sources or None)
    return tables.to_csv_bytes(frame)


def establishment_downloads(territory, filters, total: int, key: str, *, lang: str = "fr") -> None:
    """CSV / XLSX of every establishment of the selection, built only when clicked, with the
    row count in the button labels. XLSX is offered up to Excel's sheet limit."""
    from sse_dash.ui import cache

    t = lambda text: i18n.t(text, lang)  # noqa: E731
    count = numbers.number(total, lang=lang)
    name = slug(f"etablissements-ess {territory.label}")
    records = _cached(provenance.source_records, None, default=[])

    def make(fmt: str):
        return lambda: selection_file(cache.connection(), territory, filters, fmt, records)

    c1, c2 = st.columns(2)
    c1.download_button(
        i18n.tf("Tous les établissements ({n}) — CSV", lang, n=count),
        data=make("csv"),
        file_name=f"{name}.csv",
        mime=MIME["csv"],
        key=f"dl-{key}-all-csv",
        on_click="ignore",
        help=t(
            "Toute la sélection, pas seulement les lignes affichées : statut QPV (oui, non, "
            "incertain), distance, précision de localisation. Point-virgule, virgule décimale."
        ),
    )
    too_big = total > XLSX_MAX_ROWS
    c2.download_button(
        i18n.tf("Tous les établissements ({n}) — XLSX", lang, n=count),
        data=b"" if too_big else make("xlsx"),
        file_name=f"{name}.xlsx",
        mime=MIME["xlsx"],
        key=f"dl-{key}-all-xlsx",
        on_click="ignore",
        disabled=too_big,
        help=t("Trop de lignes pour Excel : prenez le CSV.")
        if too_big
        else t("Classeur Excel avec une feuille « Sources »"),
    )


def map_downloads(territory: str, key: str, *, lang: str = "fr", label: str = "") -> None:
    """Static map (PNG / SVG / PDF) of a territory id such as « dep:93 », drawn without tiles;
    the file is named after the territory's `label` when given."""
    from sse_dash.export import static_map

    con = _connection()
    if con is None:
        return
    name = slug(f"carte {label or territory}")
    cols = st.columns(len(IMAGE_FORMATS))
    for col, fmt in zip(cols, IMAGE_FORMATS, strict=True):

        def make(fmt=fmt) -> bytes:
            return static_map.static_map(con, territory, fmt)

        col.download_button(
            i18n.tf("Carte {format}", lang, format=fmt.upper()),
            data=make,
            file_name=f"{name}.{fmt}",
            mime=MIME[fmt],
            key=f"dl-{key}-map-{fmt}",
            on_click="ignore",
            help=i18n.t("Carte statique (contours, QPV, établissements, échelle, sources)", lang),
        )


def terr_outline(con, territory):
    """sse_dash.dashboard.territory.outline, or communes' union when it has none."""
    from sse_dash.dashboard import territory as terr

    return terr.outline(con, territory) or (not terr.communes(con, territory).empty) or None


def briefing_downloads(territory, key: str, *, lang: str = "fr") -> None:
    """The « Dossier de synthèse » and « Carte » blocks of the Territoire and QPV pages, for a
    sse_dash.dashboard.territory.Territory (France has neither: choose a territory first)."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    if territory.level == "france":
        st.caption(
            t(
                "Choisissez une région, un département, un EPCI ou une commune pour préparer "
                "le dossier de synthèse et la carte statique."
            )
        )
        return
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**" + t("Dossier de synthèse (PPTX / PDF)") + "**")
        brief_button(territory.key, key=f"{key}-brief", lang=lang, label=territory.label)
    with c2:
        st.markdown("**" + t("Carte (PNG / SVG / PDF)") + "**")
        if territory.level != "qpv" and not _cached(terr_outline, territory, default=None):
            st.caption(t("Pas de contour de ce territoire dans la base : pas de carte statique."))
            return
        st.caption(t("Carte statique sans fond de carte : contours, QPV, établissements."))
        map_downloads(territory.key, key, lang=lang, label=territory.label)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _brief_bytes(_con, warehouse_key: tuple, territory: str, fmt: str, day: str) -> bytes:
    from sse_dash.export.brief import build_brief_bytes

    return build_brief_bytes(_con, territory, fmt)


def brief_button(territory: str, *, key: str = "brief", lang: str = "fr", label: str = "") -> None:
    """« Note de synthèse » block: choose PPTX or PDF, generate with a spinner, download.
    `territory` is a key such as « dep:93 » (sse_dash.dashboard.territory.Territory.key)."""
    from sse_dash.dashboard.territory import UnknownTerritory
    from sse_dash.export.brief import BriefUnavailable
    from sse_dash.export.static_map import MapUnavailable
    from sse_dash.ui import cache

    t = lambda text: i18n.t(text, lang)  # noqa: E731
    con = _connection()
    if con is None:
        st.info(t("La note de synthèse sera disponible une fois l'entrepôt de données construit."))
        return
    choice = st.radio(
        t("Format de la note de synthèse"),
        list(BRIEF_FORMATS),
        horizontal=True,
        key=f"{key}-format",
    )
    fmt = BRIEF_FORMATS[choice]
    state_key = f"{key}-bytes-{territory}-{fmt}"
    if st.button(t("Préparer la note de synthèse"), key=f"{key}-make-{fmt}"):
        with st.spinner(t("Préparation de la note (chiffres clés, graphiques, carte)…")):
            try:
                st.session_state[state_key] = _brief_bytes(
                    con, cache.warehouse_key(), territory, fmt, dt.date.today().isoformat()
                )
            except (UnknownTerritory, BriefUnavailable, MapUnavailable) as exc:
                st.error(i18n.tf("Note de synthèse impossible : {error}", lang, error=exc))
            except Exception:
                log.exception("brief %s", territory)
                st.error(t("La note de synthèse n'a pas pu être générée ; réessayez plus tard."))
    data = st.session_state.get(state_key)
    if data:
        st.download_button(
            i18n.tf("Télécharger la note ({format})", lang, format=fmt.upper()),
            data=data,
            file_name=f"{slug(f'note ess {label or territory}')}.{fmt}",
            mime=MIME[fmt],
            key=f"{key}-download-{fmt}",
            on_click="ignore",
        )
