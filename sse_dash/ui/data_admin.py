"""« Construire / mettre à jour les données » from the app: the same build as
`python -m sse_dash data build`, with st.progress. The build writes a temporary file published
at the end, so other sessions keep reading the current base meanwhile.

Administrators only (sse_dash.access: off unless configured): other visitors get no button, no
catalogue choice and no server path, and `run_build` refuses them whatever the widgets say."""

from __future__ import annotations

import logging

import streamlit as st

from sse_dash import config, i18n
from sse_dash.access import AdminPolicy
from sse_dash.catalog import CatalogError, load_catalog

log = logging.getLogger(__name__)

NOT_ADMIN = (
    "La construction des données est réservée à l'administrateur du service (voir docs/deploy.md)."
)


def _visitor_identities(policy: AdminPolicy) -> list[str | None]:
    """E-mail and `sub` of a visitor logged in with st.login, and the trusted proxy header."""
    found: list[str | None] = []
    try:
        user = st.user
        if user.get("is_logged_in"):
            found += [user.get("email"), user.get("sub")]
    except Exception:  # no identity provider configured, or no script context
        pass
    if policy.header:
        try:
            found.append(st.context.headers.get(policy.header))
        except Exception:
            pass
    return found


def is_admin() -> bool:
    """Is this visitor allowed the administration actions? (False unless configured.)"""
    policy = AdminPolicy.from_env()
    if not policy.enabled:
        return False
    return policy.allows(_visitor_identities(policy))


def login_configured() -> bool:
    """Is an OpenID Connect provider configured for st.login (`[auth]` in secrets.toml)?"""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def update_section(built: str | None, lang: str = "fr") -> None:
    """« Mise à jour » of the sources page: the build panel for an administrator, a login
    button when administrators sign in with st.login, else who updates the data and when."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    policy = AdminPolicy.from_env()
    if is_admin():
        if not policy.everyone and st.user.get("is_logged_in"):
            st.caption(
                i18n.tf("Connecté en administrateur : {who}", lang, who=st.user.get("email"))
            )
            if st.button(t("Se déconnecter"), key="admin_logout"):
                st.logout()
        build_panel("build_sources", lang=lang)
        return
    st.info(
        i18n.tf(
            "Les données sont mises à jour par l'administrateur du service (tâche de "
            "rafraîchissement mensuelle). Base actuelle construite le {built}.",
            lang,
            built=built or "?",
        )
    )
    if policy.identities and login_configured() and not st.user.get("is_logged_in"):
        if st.button(t("Se connecter (administrateurs)"), key="admin_login"):
            st.login()


SCALES = {"test": "très petite (test)", "dev": "développement (1/100, toute la France)"}


def catalog_choices(lang: str = "fr") -> dict[str, str]:
    """Label -> catalogue path: the configured one, the official one, the development one."""
    choices = {}
    configured = config.catalog_path()
    if configured not in (config.OFFICIAL_CATALOG, config.DEV_CATALOG):
        label = i18n.tf("Catalogue configuré ({name})", lang, name=configured.name)
        choices[label] = str(configured)
    choices[i18n.t("Sources officielles (téléchargement)", lang)] = str(config.OFFICIAL_CATALOG)
    if (config.shared_data_dir() / "MANIFEST.md").exists():
        label = i18n.t("Données de développement (../shared/data, SIRENE synthétique)", lang)
        choices[label] = str(config.DEV_CATALOG)
    return choices


def build_panel(key: str = "build", *, expanded: bool = False, lang: str = "fr") -> None:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    with st.expander(t("Construire / mettre à jour les données"), expanded=expanded):
        choices = catalog_choices(lang)
        label = st.selectbox(t("Catalogue"), list(choices), key=f"{key}_catalog")
        options: dict = {}
        if choices[label] == str(config.DEV_CATALOG):
            options["synth_scale"] = st.selectbox(
                t("Échelle du SIRENE synthétique"),
                list(SCALES),
                index=1,
                format_func=lambda scale: t(SCALES[scale]),
                key=f"{key}_scale",
            )
        st.caption(
            i18n.tf(
                "Dossier des données : `{path}`. La base actuelle reste utilisée jusqu'à la fin "
                "de la construction.",
                lang,
                path=config.data_dir(),
            )
        )
        if st.button(t("Lancer la construction"), key=f"{key}_run", type="primary"):
            run_build(choices[label], options, lang)


def run_build(catalog_file: str, options: dict, lang: str = "fr") -> bool:
    from sse_dash.warehouse.build import BuildError, build

    if not is_admin():
        st.error(i18n.t(NOT_ADMIN, lang))
        return False

    bar = st.progress(0.0, text=i18n.t("Préparation…", lang))

    def progress(label: str, done: float, total: float | None) -> None:
        share = min(max(done / total, 0.0), 1.0) if total else 0.0
        bar.progress(share, text=label)

    try:
        catalog = load_catalog(catalog_file)
        path = build(catalog, config.data_dir(), progress=progress, options=options)
    except (BuildError, CatalogError) as exc:
        bar.empty()
        st.error(str(exc))
        return False
    except Exception as exc:  # never a traceback in the page; the server log keeps it
        log.exception("build from the app")
        bar.empty()
        st.error(
            i18n.tf(
                "La construction a échoué ({error}). La base existante est intacte.",
                lang,
                error=type(exc).__name__,
            )
        )
        return False
    bar.progress(1.0, text=i18n.t("Terminé", lang))
    st.cache_data.clear()
    st.success(
        i18n.tf("Base construite : `{path}`. Rechargez la page pour l'utiliser.", lang, path=path)
    )
    return True
