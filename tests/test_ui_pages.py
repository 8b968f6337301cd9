"""The list of pages (sse_dash.ui.pages) is what Streamlit discovers (app.py + pages/), and
every page of it runs under AppTest with its title and the full menu. The same list drives the
real browser's sidebar: tests/test_browser.py::test_every_listed_page_opens_from_the_sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import REPO, run_page
from streamlit.source_util import page_icon_and_name, page_sort_key

from sse_dash.ui import pages


def test_the_list_is_what_streamlit_discovers():
    entry, *others = pages.PAGES
    assert (REPO / entry.script).is_file() and entry.url_path == ""
    discovered = sorted((REPO / "pages").glob("*.py"), key=page_sort_key)
    assert [p.script for p in others] == [f"pages/{f.name}" for f in discovered]
    for page in others:
        assert page.url_path == page_icon_and_name(Path(page.script))[1], page.script
    assert len({p.id for p in pages.PAGES}) == len(pages.PAGES)
    with pytest.raises(KeyError):
        pages.script("absent")


@pytest.mark.usefixtures("ui_app_env")
@pytest.mark.parametrize("page", pages.PAGES, ids=[p.id for p in pages.PAGES])
def test_every_page_runs_with_its_title_and_the_menu(page):
    at = run_page(page.script, territoire="dep:93")
    assert [t.value for t in at.title] == [page.title]
    links = [(link.proto.page, link.proto.label) for link in at.get("page_link")]
    assert links == [(p.url_path, p.title) for p in pages.PAGES]
