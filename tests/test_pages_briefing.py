"""AppTest of the briefing pack and static map blocks of the Territoire and QPV pages: the
buttons are on the page, named after the territory, and the pack is built on click."""

from __future__ import annotations

import pytest
from app_support import run_page

from sse_dash.ui import pages

TERRITORY = pages.script("territory")
QPV = pages.script("qpv")

pytestmark = pytest.mark.usefixtures("ui_app_env")


def downloads(at) -> dict[str, str]:
    """Download button label -> suggested file name."""
    found = {}
    for node in at.get("download_button"):
        proto = node.proto
        found[proto.label] = getattr(proto, "file_name", "") or ""
    return found


def test_territory_page_offers_the_briefing_pack_and_the_static_map():
    at = run_page(TERRITORY, territoire="dep:93")
    labels = downloads(at)
    assert {"Carte PNG", "Carte SVG", "Carte PDF"} <= set(labels)
    markdown = "\n".join(m.value for m in at.markdown)
    assert "Dossier de synthèse (PPTX / PDF)" in markdown
    assert "Carte (PNG / SVG / PDF)" in markdown
    at.button(key="ter-brief-make-pptx").click().run()
    assert not at.exception
    assert not at.error
    labels = downloads(at)
    assert "Télécharger la note (PPTX)" in labels
    assert at.session_state["ter-brief-bytes-dep:93-pptx"].startswith(b"PK")


def test_territory_page_for_france_says_to_choose_a_territory():
    at = run_page(TERRITORY)
    assert "Carte PNG" not in downloads(at)
    assert any("dossier de synthèse" in c.value for c in at.caption)


def test_qpv_detail_offers_the_pack_of_the_quartier():
    at = run_page(QPV, territoire="dep:93", qpv="QN09301M")
    assert {"Carte PNG", "Carte SVG", "Carte PDF"} <= set(downloads(at))
    at.radio(key="qpv_detail-brief-format").set_value("PDF").run()
    at.button(key="qpv_detail-brief-make-pdf").click().run()
    assert not at.error
    assert at.session_state["qpv_detail-brief-bytes-qpv:QN09301M-pdf"].startswith(b"%PDF")


def test_english_page_has_english_labels():
    at = run_page(TERRITORY, territoire="dep:93", lang="en")
    markdown = "\n".join(m.value for m in at.markdown)
    assert "Briefing pack (PPTX / PDF)" in markdown


def test_ptce_sentence_names_the_sector_in_words():
    at = run_page(
        pages.script("ecosystem"),
        territoire="dep:93",
        question="sse_near_ptce",
        secteur="Q",
        distance="5000",
    )
    sentence = [m.value for m in at.markdown if "PTCE de" in m.value][0]
    assert "secteur « Q — Santé humaine et action sociale »" in sentence, sentence


def test_chart_exports_carry_the_territory_and_the_filters(monkeypatch):
    from sse_dash.ui import downloads as module

    seen = []
    monkeypatch.setattr(module, "chart_downloads", lambda fig, key, meta, lang: seen.append(meta))
    run_page(TERRITORY, territoire="dep:93", famille="cooperative", employeur="1")
    # the four charts of the selection, then the two of « Poids de l'ESS » (no page filter)
    assert len(seen) == 6
    assert all(m["territory"] == "Seine-Saint-Denis (93)" for m in seen[4:])
    territory = seen[0]["territory"]
    assert territory.startswith("Seine-Saint-Denis (93) — ")
    assert "Employeurs uniquement" in territory
    assert module.slug(f"Familles de l'ESS {territory}").startswith(
        "familles-de-l-ess-seine-saint-denis-93-"
    )
    assert module.context_label("Bobigny (93008)") == "Bobigny (93008)"


def test_kpis_and_charts_say_their_source():
    at = run_page(TERRITORY, territoire="dep:93")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Source : ") and c.endswith("— estimation") for c in captions)
    assert sum(c.startswith("Source : ") for c in captions) >= 5  # KPIs + four charts


def test_other_pages_exports_are_named_after_their_territory(monkeypatch):
    from sse_dash.ui import downloads as module

    tables, charts_seen = [], []
    monkeypatch.setattr(module, "table_downloads", lambda df, key, meta, lang: tables.append(meta))
    monkeypatch.setattr(
        module, "chart_downloads", lambda fig, key, meta, lang: charts_seen.append(meta)
    )
    run_page(QPV, territoire="dep:93", qpv="QN09301M")
    assert any(m.get("territory") == "Franc-Moisin & Bel-Air (QN09301M)" for m in tables)
    run_page(pages.script("ecosystem"), territoire="dep:93")
    assert tables[-1]["territory"] == "Seine-Saint-Denis (93)"
    run_page(pages.script("compare"), territoire="com:93066", comparer="com:93066,com:93008")
    assert charts_seen[-1]["territory"] == "Saint-Denis (93066), Bobigny (93008)"
