"""What every page starts with: page config, navigation, language, territory selector mirrored
in the URL, synthetic-data banner, and a French explanation instead of a traceback when the
warehouse is missing. Called at the top of app.py and of each file in pages/."""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass, field

import duckdb
import streamlit as st
from streamlit.errors import StreamlitAPIException

from sse_dash import config, db, i18n
from sse_dash import params as url
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard import warehouse
from sse_dash.ui import cache, data_admin
from sse_dash.ui import state as S
from sse_dash.ui.markdown import md
from sse_dash.ui.pages import PAGES

log = logging.getLogger(__name__)

APP_DIR = config.REPO_ROOT
SYNTHETIC_BANNER = "Données SIRENE synthétiques — chiffres fictifs, pour démonstration"
SIRENE_PENDING = (
    "Première construction en cours : la géographie (QPV, territoires, tiers-lieux, PTCE) est "
    "disponible, les établissements de l'ESS (SIRENE) arrivent à la fin de la construction"
)

MISSING_WAREHOUSE = """**La base de données du tableau de bord n'est pas encore construite.**

Fichier attendu : `{path}`

Pour la construire :

- données de développement (sans réseau) : `make data-dev`
- données officielles : `python -m sse_dash data build` (ou `make data`)

Le dossier des données peut être choisi avec la variable d'environnement `SSE_DASH_DATA_DIR`.
Rechargez ensuite cette page."""
BAD_WAREHOUSE = """**La base de données n'a pas pu être ouverte.**

Fichier : `{path}` — elle est peut-être en cours de reconstruction ou endommagée.
Relancez `python -m sse_dash data build`, puis rechargez la page."""
OLD_SCHEMA = """**La base de données a été construite par une version antérieure du tableau de bord**
(schéma {found}, attendu {expected}) : certaines pages ne peuvent pas la lire.

Reconstruisez-la avec le bouton ci-dessous, `make data-dev` ou `python -m sse_dash data build`."""
# What visitors see when they are not administrators (sse_dash.access): no server path, no
# build button; the message tells whoever administers the service what to run.
MISSING_WAREHOUSE_PUBLIC = """**La base de données du tableau de bord n'est pas encore construite.**

Administrateur du service : construisez-la sur le serveur avec `python -m sse_dash data build`
(ou `make data`, ou la tâche `refresh` d'un déploiement, voir docs/deploy.md), puis rechargez
cette page. Une première construction rend la géographie disponible avant la fin."""
BAD_WAREHOUSE_PUBLIC = """**La base de données n'a pas pu être ouverte.**

Elle est peut-être en cours de reconstruction ou endommagée. Réessayez dans quelques minutes ;
si le problème persiste, prévenez l'administrateur du service (`python -m sse_dash data build`
sur le serveur)."""
OLD_SCHEMA_PUBLIC = """**La base de données a été construite par une version antérieure du tableau de bord**
(schéma {found}, attendu {expected}) : certaines pages ne peuvent pas la lire.

Administrateur du service : reconstruisez-la avec `python -m sse_dash data build` (ou la tâche
`refresh` d'un déploiement), puis rechargez cette page."""
UNKNOWN_TERRITORY = (
    "Le territoire indiqué dans l'adresse de la page (paramètre « territoire ») est inconnu "
    "ou mal formé. Affichage par défaut : France."
)


@dataclass
class PageContext:
    """What a page needs after setup."""

    con: duckdb.DuckDBPyConnection | None
    lang: str = "fr"
    territory: terr.Territory = terr.FRANCE
    meta: dict[str, str] = field(default_factory=dict)
    sirene: bool = False
    tables: frozenset[str] = frozenset()

    def t(self, text: str) -> str:
        return i18n.t(text, self.lang)

    @property
    def synthetic(self) -> bool:
        return warehouse.is_synthetic(self.meta)


def _lang() -> str:
    """Language from the URL (?lang=en), else the session, else French."""
    try:
        wanted = url.choice(st.query_params.get(S.QP_LANG), i18n.LANGS)
    except url.Invalid:
        wanted = None
    if wanted is not None:
        st.session_state[S.SESSION_LANG] = wanted
    lang = st.session_state.get(S.SESSION_LANG, "fr")
    return lang if lang in i18n.LANGS else "fr"


def _on_lang_change() -> None:
    st.session_state[S.SESSION_LANG] = st.session_state[S.W_LANG]


def _sidebar_language(lang: str) -> str:
    st.session_state[S.W_LANG] = lang
    st.sidebar.radio(
        "Langue / Language",
        i18n.LANGS,
        format_func=i18n.lang_names().get,
        horizontal=True,
        key=S.W_LANG,
        on_change=_on_lang_change,
    )
    lang = st.session_state.get(S.SESSION_LANG, "fr")
    if lang == "en":
        st.query_params[S.QP_LANG] = "en"
    elif S.QP_LANG in st.query_params:
        del st.query_params[S.QP_LANG]
    return lang


def _navigation(lang: str, territory_key: str | None) -> None:
    params = {S.QP_TERRITORY: territory_key} if territory_key else {}
    if lang == "en":
        params[S.QP_LANG] = "en"
    for page in PAGES:
        try:
            st.sidebar.page_link(
                page.script,
                label=i18n.t(page.title, lang),
                icon=page.icon,
                query_params=params or None,
            )
        except StreamlitAPIException:  # a page run as the entry script (tests): no menu
            return


def _current_territory(con: duckdb.DuckDBPyConnection) -> terr.Territory:
    """Apply a territory typed in the URL once, then keep the session's choice."""
    url_value = st.query_params.get(S.QP_TERRITORY)
    if url_value is not None and url_value != st.session_state.get(S.SESSION_URL_TERRITORY):
        st.session_state[S.SESSION_URL_TERRITORY] = url_value
        try:
            key = url.text(url_value)
        except url.Invalid:
            key = None
        found = cache.call(terr.from_key, key) if key else None
        if found is None:
            st.warning(
                i18n.t(UNKNOWN_TERRITORY, st.session_state.get(S.SESSION_LANG, "fr")),
                icon=":material/warning:",
            )
            found = cache.call(terr.france)
        st.session_state[S.SESSION_TERRITORY] = found.key
    key = st.session_state.get(S.SESSION_TERRITORY, "fr")
    found = cache.call(terr.from_key, key)
    return found if found is not None else cache.call(terr.france)


def _on_level_change() -> None:
    level = st.session_state[S.W_LEVEL]
    current = cache.call(terr.from_key, st.session_state.get(S.SESSION_TERRITORY, "fr"))
    chosen = cache.call(terr.default_for_level, level, current or terr.FRANCE)
    st.session_state[S.SESSION_TERRITORY] = chosen.key
    st.session_state[S.W_SEARCH] = ""


def _on_territory_change() -> None:
    st.session_state[S.SESSION_TERRITORY] = st.session_state[S.W_TERRITORY]


def _sidebar_territory(lang: str, current: terr.Territory) -> terr.Territory:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    st.sidebar.subheader(t("Territoire"))
    st.session_state[S.W_LEVEL] = current.level
    st.sidebar.selectbox(
        t("Niveau"),
        terr.LEVELS,
        format_func=lambda lv: t(terr.LEVEL_LABELS[lv]),
        key=S.W_LEVEL,
        on_change=_on_level_change,
    )
    if current.level == "france":
        return current
    text = st.sidebar.text_input(
        t("Rechercher un territoire"),
        key=S.W_SEARCH,
        placeholder=t("ex. : saint-denis, 93066…"),
        max_chars=60,
    )
    found = cache.call(terr.search, current.level, text or "")
    options = {x.key: x.label for x in found}
    if current.key not in options:
        options = {current.key: current.label, **options}
    if text and not found:
        st.sidebar.caption(t("Aucun territoire ne correspond à cette recherche."))
    st.session_state[S.W_TERRITORY] = current.key
    st.sidebar.selectbox(
        t("Choisir le territoire"),
        list(options),
        format_func=lambda k: options.get(k, k),
        key=S.W_TERRITORY,
        on_change=_on_territory_change,
    )
    return current


def _open_warehouse(needs_warehouse: bool, lang: str = "fr") -> duckdb.DuckDBPyConnection | None:
    path = config.warehouse_path()
    try:
        return cache.connection()
    except db.WarehouseMissing:
        if needs_warehouse:
            if not data_admin.is_admin():
                st.error(i18n.t(MISSING_WAREHOUSE_PUBLIC, lang), icon=":material/database_off:")
                st.stop()
            st.error(i18n.tf(MISSING_WAREHOUSE, lang, path=path), icon=":material/database_off:")
            data_admin.build_panel("build_missing", expanded=True, lang=lang)
            st.stop()
    except (duckdb.Error, OSError, RuntimeError) as exc:
        log.exception("warehouse %s", path)
        if needs_warehouse:
            if not data_admin.is_admin():
                st.error(i18n.t(BAD_WAREHOUSE_PUBLIC, lang))
                st.stop()
            st.error(
                i18n.tf(BAD_WAREHOUSE, lang, path=path)
                + i18n.tf("\n\nDétail : {error}", lang, error=type(exc).__name__)
            )
            st.stop()
    return None


def _check_schema(meta: dict, needs_warehouse: bool, lang: str = "fr") -> None:
    """A warehouse of an older schema is rebuilt, not half-read (missing columns would fail)."""
    from sse_dash.warehouse.build import SCHEMA_VERSION

    found = meta.get("schema_version", "?")
    if found == SCHEMA_VERSION:
        return
    admin = data_admin.is_admin()
    st.error(
        i18n.tf(
            OLD_SCHEMA if admin else OLD_SCHEMA_PUBLIC, lang, found=found, expected=SCHEMA_VERSION
        ),
        icon=":material/update:",
    )
    if admin:
        data_admin.build_panel("build_old_schema", expanded=True, lang=lang)
    if needs_warehouse:
        st.stop()


_GC_FROZEN = threading.Event()


def _freeze_startup_objects() -> None:
    """Once per server process, after the first page has imported everything: move the
    objects alive so far (modules, Streamlit, pandas, plotly…) out of the garbage collector's
    reach. Full collections then scan only what pages create; a full collection of the whole
    heap paused a rerun by ~0.12 s (python docs: gc.freeze)."""
    if not _GC_FROZEN.is_set():
        _GC_FROZEN.set()
        gc.collect()
        gc.freeze()


def page_setup(
    title: str,
    *,
    needs_warehouse: bool = True,
    territory_selector: bool = True,
) -> PageContext:
    """Set up the page; stops the script with a French message when the warehouse is needed
    but missing. `title` is French (translated here)."""
    _freeze_startup_objects()
    lang = i18n.set_lang(_lang())
    st.set_page_config(
        page_title=f"{i18n.t(title, lang)} — ESS & QPV",
        page_icon=str(APP_DIR / "static" / "favicon.png"),
        layout="wide",
    )
    lang = i18n.set_lang(_sidebar_language(lang))
    con = _open_warehouse(needs_warehouse, lang)
    ctx = PageContext(con=con, lang=lang)
    if con is not None:
        ctx.meta = cache.call(warehouse.meta)
        _check_schema(ctx.meta, needs_warehouse, lang)
        ctx.tables = cache.call(warehouse.tables)
        ctx.sirene = set(warehouse.SIRENE_TABLES) <= ctx.tables
        ctx.territory = _current_territory(con)
    _navigation(lang, ctx.territory.key if con is not None else None)
    if con is not None and territory_selector:
        ctx.territory = _sidebar_territory(lang, ctx.territory)
    if con is not None:
        st.query_params[S.QP_TERRITORY] = ctx.territory.key
        st.session_state[S.SESSION_URL_TERRITORY] = ctx.territory.key
        built = ctx.meta.get("built_at", "?")
        if data_admin.is_admin():  # where the data live is the administrator's business
            st.sidebar.caption(
                i18n.tf(
                    "Base construite le {built} — catalogue « {catalog} » — dossier `{path}`",
                    lang,
                    built=built,
                    catalog=md(ctx.meta.get("catalog", "?")),
                    path=config.data_dir(),
                )
            )
        else:
            st.sidebar.caption(i18n.tf("Base construite le {built}", lang, built=built))
    st.title(i18n.t(title, lang))
    if ctx.synthetic:
        st.warning(i18n.t(SYNTHETIC_BANNER, lang), icon=":material/science:")
    if ctx.meta.get("sirene_pending") == "true":
        st.info(i18n.t(SIRENE_PENDING, lang), icon=":material/hourglass_top:")
    return ctx
