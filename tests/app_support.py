"""Running a page of the app under Streamlit's AppTest, as the AppTest test files do."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from sse_dash.ui import pages

REPO = Path(__file__).resolve().parent.parent


ENTRY = pages.script("overview")


def run_page(page: str = ENTRY, session: dict | None = None, **params) -> AppTest:
    """Open `page` (a script of sse_dash.ui.pages, through the entry page like a browser
    following a link) with URL `params` and session values; fails on any exception shown."""
    at = AppTest.from_file(str(REPO / ENTRY), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    if page != ENTRY:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
