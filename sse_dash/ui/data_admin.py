"""« Construire / mettre à jour les données » from the app: the same build as
`python -m sse_dash data build`, with st.progress. The build writes a temporary file renamed
into place at the end, so other sessions keep reading the current base meanwhile."""

from __future__ import annotations

import logging

import streamlit as st

from sse_dash import config
from sse_dash.catalog import CatalogError, load_catalog

log = logging.getLogger(__name__)

SCALES = {"test": "très petite (test)", "dev": "développement (1/100, toute la France)"}


def catalog_choices() -> dict[str, str]:
    """Label -> catalogue path: the configured one, the official one, the development one."""
    choices = {}
    configured = config.catalog_path()
    if configured not in (config.OFFICIAL_CATALOG, config.DEV_CATALOG):
        choices[f"Catalogue configuré ({configured.name})"] = str(configured)
    choices["Sources officielles (téléchargement)"] = str(config.OFFICIAL_CATALOG)
    if (config.shared_data_dir() / "MANIFEST.md").exists():
        choices["Données de développement (../shared/data, SIRENE synthétique)"] = str(
            config.DEV_CATALOG
        )
    return choices


def build_panel(key: str = "build", *, expanded: bool = False) -> None:
    with st.expander("Construire / mettre à jour les données", expanded=expanded):
        choices = catalog_choices()
        label = st.selectbox("Catalogue", list(choices), key=f"{key}_catalog")
        options: dict = {}
        if choices[label] == str(config.DEV_CATALOG):
            options["synth_scale"] = st.selectbox(
                "Échelle du SIRENE synthétique",
                list(SCALES),
                index=1,
                format_func=SCALES.get,
                key=f"{key}_scale",
            )
        st.caption(
            f"Dossier des données : `{config.data_dir()}`. La base actuelle reste utilisée "
            "jusqu'à la fin de la construction."
        )
        if st.button("Lancer la construction", key=f"{key}_run", type="primary"):
            run_build(choices[label], options)


def run_build(catalog_file: str, options: dict) -> bool:
    from sse_dash.warehouse.build import BuildError, build

    bar = st.progress(0.0, text="Préparation…")

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
        st.error(f"La construction a échoué ({type(exc).__name__}). La base existante est intacte.")
        return False
    bar.progress(1.0, text="Terminé")
    st.cache_data.clear()
    st.success(f"Base construite : `{path}`. Rechargez la page pour l'utiliser.")
    return True
