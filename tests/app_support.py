"""Running a page of the app under Streamlit's AppTest, as the AppTest test files do."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent


def run_page(page: str = "app.py", session: dict | None = None, **params) -> AppTest:
    """Open `page` (through app.py, like a browser following a link) with URL `params` and
    session values; fails on any exception shown by the page."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
