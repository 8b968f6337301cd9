"""« Construire / mettre à jour les données » from the app: the same build as
`python -m sse_dash data build`, with st.progress. The build writes a temporary file renamed
into place at the end, so other sessions keep reading the current base meanwhile."""

from __future__ import annotations

import logging

import streamlit as st

from sse_dash import config, i18n
from sse_dash.catalog import CatalogError, load_catalog

log = logging.getLogger(__name__)

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
