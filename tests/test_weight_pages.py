"""The « Poids de l'ESS » section of the Territoire page under AppTest, in French and English:
KPIs of the SSE share, the perimeter switch (mirrored in the URL), the sector and evolution
charts with their data, the published ITDD box kept apart."""

from __future__ import annotations

import pytest
from app_support import run_page

from sse_dash.ui import pages

TERRITOIRE = pages.script("territory")


@pytest.fixture(autouse=True)
def _env(ui_app_env):
    return ui_app_env


def _texts(at) -> str:
    parts = [m.label + " " + str(m.value) for m in at.metric]
    parts += [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [m.value for m in at.markdown]
    return "\n".join(parts).replace("\u202f", " ").replace("\xa0", " ")


def test_weight_section_in_french():
    at = run_page(TERRITOIRE, territoire="dep:93")
    text = _texts(at)
    assert "Poids de l'ESS" in text
    assert "Part de l'ESS : établissements" in text
    assert "Statistique publiée" in text
    assert "5,6 %" in text  # ITDD 2014 of the 93, in its own box
    assert "estimation à partir des tranches d'effectifs" in text
    assert "diffèrent entre les deux périmètres" in text
    titles = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("indice 100 en 2010" in s for s in titles)
    assert any("Part de l'ESS par secteur" in s for s in titles)


def test_perimeter_switch_changes_figures_and_url():
    at = run_page(TERRITOIRE, territoire="fr")
    before = [m.value for m in at.metric if m.label.startswith("Part de l'ESS")]
    radio = next(r for r in at.radio if r.label == "Périmètre de l'ESS")
    radio.set_value("statut").run()
    assert not at.exception
    after = [m.value for m in at.metric if m.label.startswith("Part de l'ESS")]
    assert after != before
    assert at.query_params["perimetre"] in ("statut", ["statut"])


def test_weight_section_in_english():
    at = run_page(TERRITOIRE, territoire="dep:93", lang="en")
    text = _texts(at)
    assert "Weight of the SSE" in text
    assert "Published statistic" in text
    assert "Part de l'ESS" not in text
