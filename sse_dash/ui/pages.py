"""The pages of the app, in menu order: the one list the sidebar, the tests and the
benchmarks read.

Streamlit finds the pages itself: app.py is the entry page and every file of pages/ is a
page, ordered by its number, at the URL path of its name without the number. This list names
them (id, title, icon) and tests/test_ui_pages.py checks it against that discovery, under
AppTest and in a real browser. st.navigation was not chosen: with a folder named pages/, the
entry script stops running on reruns under AppTest (../shared/NOTES.md §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FILE_NAME = re.compile(r"([0-9]*)[_ -]*(.*)\.py")  # Streamlit's rule for pages/ files


@dataclass(frozen=True)
class Page:
    id: str
    script: str  # path from the repository root
    title: str  # French (translated when shown); each page passes it to page_setup()
    icon: str

    @property
    def url_path(self) -> str:
        """Path of the page's URL: "" for the entry page, else its file name without the
        number (« pages/1_Territoire.py » -> « Territoire »)."""
        if "/" not in self.script:
            return ""
        name = self.script.rsplit("/", 1)[1]
        return re.sub(r"[_ ]+", "_", _FILE_NAME.match(name).group(2)).strip()


PAGES: tuple[Page, ...] = (
    Page("overview", "app.py", "Vue d'ensemble", ":material/home:"),
    Page("territory", "pages/1_Territoire.py", "Territoire", ":material/location_city:"),
    Page(
        "qpv",
        "pages/2_Quartiers_prioritaires.py",
        "Quartiers prioritaires",
        ":material/holiday_village:",
    ),
    Page("ecosystem", "pages/3_Ecosysteme.py", "Écosystème", ":material/hub:"),
    Page("compare", "pages/4_Comparer.py", "Comparer", ":material/compare_arrows:"),
    Page("address_check", "pages/5_Adresse_en_QPV.py", "Adresse en QPV ?", ":material/pin_drop:"),
    Page("sources", "pages/6_Donnees_et_sources.py", "Données & sources", ":material/database:"),
)


def get(page_id: str) -> Page:
    for page in PAGES:
        if page.id == page_id:
            return page
    raise KeyError(page_id)


def script(page_id: str) -> str:
    """« pages/1_Territoire.py » for « territory »: what AppTest's switch_page takes."""
    return get(page_id).script
