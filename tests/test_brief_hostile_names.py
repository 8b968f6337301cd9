"""Briefing pack of a territory whose name holds control characters or runs past 255
characters (the PPTX core-properties title, the pictures' alternative text): the pack is
written, the command says nothing worse than its usual line, the page offers the download."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest
from test_brief_support import build_fixture_warehouse

from sse_dash import db
from sse_dash.export.document_text import document_text

NAMES = {
    "control": "Seine\x0bSaint\x01Denis\x1f\x00",
    "long": "Seine-Saint-Denis " + "très long nom " * 30,
    "both": "\x0c" + "Seine-Saint-Denis\x07 " * 20,
}


@pytest.fixture(scope="module", params=list(NAMES))
def hostile_dir(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"brief_{request.param}")
    path = build_fixture_warehouse(folder / "sse.duckdb", n_points=60)
    con = db.connect(path)
    try:
        for table, level in (("departements", None), ("territories", "departement")):
            con.execute(
                f"UPDATE {table} SET name = ? WHERE code = '93'"
                + (f" AND level = '{level}'" if level else ""),
                [NAMES[request.param]],
            )
    finally:
        con.close()
    return folder


@pytest.mark.parametrize("suffix", [".pptx", ".pdf"])
def test_cli_writes_the_pack(hostile_dir, tmp_path, suffix):
    out = tmp_path / f"note{suffix}"
    done = subprocess.run(
        [sys.executable, "-m", "sse_dash", "brief", "--territory", "dep:93", "--out", str(out)]
        + ["--warehouse", str(hostile_dir / "sse.duckdb")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert out.stat().st_size > 1000
    if suffix == ".pptx":
        from pptx import Presentation

        prs = Presentation(io.BytesIO(out.read_bytes()))
        title = prs.core_properties.title
        assert len(title) <= 255 and title.startswith("L'économie sociale et solidaire — Seine")
        assert not any(ord(c) < 32 for c in title)


def _page():
    from sse_dash.ui import downloads

    downloads.brief_button("dep:93")


def test_page_offers_the_pptx(hostile_dir, monkeypatch):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(hostile_dir))
    at = AppTest.from_function(_page, default_timeout=120).run()
    at.button(key="brief-make-pptx").click().run()
    assert not at.exception
    assert not [e.value for e in at.error]
    assert at.session_state["brief-bytes-dep:93-pptx"].startswith(b"PK")


def test_document_text():
    assert document_text("a\x0bb\x00c\x1f") == "a b c"
    assert document_text("a\ud800b") == "a\ufffdb"
    long = document_text("x" * 300, 255)
    assert len(long) == 255 and long.endswith("…")
    assert document_text("Saint-Denis (93)", 255) == "Saint-Denis (93)"
