"""Briefing pack fit for an elected official: « À retenir » sentences against the parent and
France, a commune compared with its EPCI then its département, QPV tables split over slides
saying « x sur y » when cut, and an optional logo from the configuration."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image
from pptx import Presentation
from test_brief_support import build_fixture_warehouse

from sse_dash import db
from sse_dash.export import brief

DAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_fixture_warehouse(tmp_path_factory.mktemp("brief_content") / "sse.duckdb")
    connection = db.open_warehouse(path)
    yield connection
    connection.close()


def test_key_messages_compare_with_parent_and_france(con):
    data = brief.collect(con, "dep:93", today=DAY)
    lines = brief.key_messages(data)
    assert 3 <= len(lines) <= 4
    assert lines[0].startswith("Seine-Saint-Denis compte ")
    assert "Île-de-France" in lines[1] and "que la France" in lines[1]
    assert any(w in lines[1] for w in ("plus que", "moins que", "autant que"))
    assert "quartier prioritaire" in lines[2] and "contre" in lines[2]


def test_key_slide_is_second(con, tmp_path):
    out = tmp_path / "93.pptx"
    brief.build_brief(con, "dep:93", out, today=DAY)
    slide = Presentation(str(out)).slides[1]
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert text.startswith("À retenir")
    assert "établissements de l'ESS" in text


def test_commune_is_compared_with_its_epci_then_its_departement(con):
    data = brief.collect(con, "com:93066", today=DAY)
    assert [r.level for r in data.references] == ["epci", "departement", "france"]
    assert data.references[0].name == "Plaine Commune"
    table = brief._figures_table(data)
    assert list(table.columns)[1:] == [
        "Saint-Denis",
        "Plaine Commune",
        "Seine-Saint-Denis",
        "France",
    ]


def test_cut_qpv_table_says_how_many_of_how_many(con, monkeypatch):
    monkeypatch.setattr(brief, "QPV_ROWS_PER_PAGE", 1)
    monkeypatch.setattr(brief, "QPV_MAX_PAGES", 2)
    data = brief.collect(con, "dep:93", today=DAY)
    total = len(data.qpv_table)
    assert total > 2
    qpv_sections = [s for s in brief.sections(data) if s.title.startswith("Quartiers prior")]
    assert len(qpv_sections) == 2
    assert qpv_sections[0].subtitle.endswith(f"QPV 1 à 1 sur {total}")
    assert qpv_sections[1].subtitle.endswith(f"QPV 2 à 2 sur {total}")
    assert f"2 sur {total}" in qpv_sections[0].note


def test_logo_from_the_configuration(con, tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (20, 60, 120)).save(logo)
    monkeypatch.setenv("SSE_DASH_BRIEF_LOGO", str(logo))
    out = tmp_path / "logo.pptx"
    brief.build_brief(con, "dep:93", out, today=DAY)
    title = Presentation(str(out)).slides[0]
    assert sum(1 for sh in title.shapes if sh.shape_type == 13) == 1
    pdf = tmp_path / "logo.pdf"
    brief.build_brief(con, "dep:93", pdf, today=DAY)
    assert pdf.read_bytes().count(b"/Subtype /Image") >= 1


def test_missing_logo_file_is_ignored(con, tmp_path, monkeypatch):
    monkeypatch.setenv("SSE_DASH_BRIEF_LOGO", str(tmp_path / "absent.png"))
    out = tmp_path / "nologo.pptx"
    brief.build_brief(con, "dep:93", out, today=DAY)
    title = Presentation(str(out)).slides[0]
    assert not any(sh.shape_type == 13 for sh in title.shapes)
