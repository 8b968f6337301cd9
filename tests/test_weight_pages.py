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


# ---------------------------------------------------------------- home page
from test_app_views import maps  # noqa: E402

from sse_dash.maps import esc  # noqa: E402


def test_home_follows_the_chosen_departement():
    at = run_page(territoire="dep:93")
    subheaders = [s.value for s in at.subheader]
    assert "Seine-Saint-Denis (93)" in subheaders
    assert "France" not in subheaders
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Établissements ESS"] == "120"  # the 93's, not France's 160
    assert "Part de l'ESS : établissements" in metrics
    # its sub-territories on the map: EPCI / EPT of the 93 by default, communes on offer
    level = next(r for r in at.radio if r.label == "Maille")
    assert level.options == ["EPCI / EPT", "Communes"]
    (m,) = maps(at)
    assert '"Plaine Commune : ' in m["script"]
    assert "Toulouse" not in m["script"]
    # ranking of the mapped territories, with downloads
    assert "Classement des territoires" in subheaders
    table = next(d.value for d in at.dataframe if "Rang" in d.value.columns)
    assert "Plaine Commune" in table["Nom"].tolist()
    assert table["Rang"].tolist() == [str(i) for i in range(1, len(table) + 1)]
    # in French: decimal comma and « % », whatever the browser; sorted by the chosen column
    share = table["Part de l'ESS (établissements, %)"].tolist()
    assert all(v == "—" or (v.endswith("\u202f%") and "." not in v) for v in share), share
    at.selectbox(key="home_rank_by").select("etablissements_ess").run()
    table = next(d.value for d in at.dataframe if "Rang" in d.value.columns)
    counts = [int(v.replace("\u202f", "")) for v in table["Établissements ESS"]]
    assert counts == sorted(counts, reverse=True)
    # a clear way back to France
    at.button(key="home_back_to_france").click().run()
    assert not at.exception
    assert "France" in [s.value for s in at.subheader]
    assert at.query_params["territoire"] in ("fr", ["fr"])


def test_home_epci_shows_its_communes_and_maps_the_sse_share():
    at = run_page(territoire="epci:200057867", indicateur="part_ess_etablissements")
    level = next(r for r in at.radio if r.label == "Maille")
    assert level.options == ["Communes"]
    (m,) = maps(at)
    assert esc("Part de l'ESS dans les établissements") in m["script"]
    assert '"Saint-Denis : ' in m["script"]
    assert "Bobigny" not in m["script"]  # not in Plaine Commune


def test_home_epci_level_for_france_in_english():
    at = run_page(maille="epci", indicateur="part_ess_emplois", lang="en")
    (m,) = maps(at)
    assert esc("SSE share of estimated jobs") in m["script"]
    assert "Ranking of territories" in [s.value for s in at.subheader]


def test_sources_page_explains_the_evolution():
    at = run_page(pages.script("sources"))
    text = "\n".join(m.value for m in at.markdown)
    assert "Ce que cette reconstitution ne dit pas" in text
    at = run_page(pages.script("sources"), lang="en")
    assert "What this reconstruction cannot say" in "\n".join(m.value for m in at.markdown)


def test_compare_shows_the_weight_of_each_territory():
    at = run_page(pages.script("compare"), territoire="dep:93", comparer="dep:93,dep:75")
    assert "Poids de l'ESS" in [s.value for s in at.subheader]
    table = next(
        d.value for d in at.dataframe if "Établissements — part de l'ESS" in d.value.columns
    )
    assert table["Territoire"].tolist()[:2] == ["Seine-Saint-Denis (93)", "Paris (75)"]
    assert "France" in table["Territoire"].tolist()


def test_home_level_without_any_area_says_so():
    # Paris: its only EPCI (the Métropole du Grand Paris) is drawn as its EPT elsewhere
    at = run_page(territoire="dep:75", maille="epci")
    assert "Aucun territoire de ce niveau" in "\n".join(i.value for i in at.info)
