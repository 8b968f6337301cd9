"""AppTest of Vue d'ensemble, Territoire, Écosystème and Comparer: defaults, URL parameters,
bad URL parameters, filters changing the figures as the fixture data says, maps offline."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import ui_warehouse
from app_support import run_page
from streamlit.testing.v1 import AppTest

from sse_dash.maps import esc
from sse_dash.ui import pages

HOME = pages.script("overview")
TERRITORY = pages.script("territory")
QPV = pages.script("qpv")
ECOSYSTEM = pages.script("ecosystem")
COMPARE = pages.script("compare")


pytestmark = pytest.mark.usefixtures("ui_app_env")


@pytest.fixture(scope="module")
def ets():
    return ui_warehouse.establishments()


run = run_page


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def n(text: str) -> int:
    return int(text.replace("\u202f", ""))


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def maps(at: AppTest) -> list[dict]:
    """Arguments sent to the streamlit-folium component (script, css_links, js_links…)."""
    out = []
    for element in _walk(at.main):
        proto = getattr(element, "proto", None)
        if type(proto).__name__ == "ComponentInstance" and "st_folium" in proto.component_name:
            out.append(json.loads(proto.json_args))
    return out


def test_home_kpis_and_choropleth(ets):
    at = run()
    k = metrics(at)
    assert n(k["Établissements ESS"]) == len(ets)
    assert n(k["Établissements employeurs"]) == ets.employer.sum()
    # over the establishments precisely located (the « incertain » ones are counted apart)
    located = ets[ets.qpv24_status != "incertain"]
    share = located.qpv24.notna().mean() * 100
    assert k["Part en QPV"] == f"{share:.1f}\u202f%".replace(".", ",")
    assert len(located) < len(ets)
    uncertain = str(int((ets.qpv24_status == "incertain").sum()))
    assert any(uncertain in c.value and "bien localisés" in c.value for c in at.caption)
    (m,) = maps(at)
    assert esc("Nombre d'établissements") in m["script"]  # legend title
    assert all(u.startswith("/app/static/vendor/") for u in m["css_links"] + m["js_links"])


def test_home_indicator_from_url_and_bad_values():
    at = run(indicateur="per10k", maille="departement")
    assert "Pour 10 000 habitants" in maps(at)[0]["script"]
    assert at.query_params["indicateur"] == "per10k"
    at = run(indicateur="<script>", maille="commune")
    assert "« indicateur », « maille »" in warnings(at)
    assert "indicateur" not in at.query_params


def test_territory_default_and_url(ets):
    at = run(TERRITORY, territoire="com:93066")
    part = ets[ets.commune_code == "93066"]
    assert n(metrics(at)["Établissements ESS"]) == len(part)
    (m,) = maps(at)
    for layer in ("Établissements ESS", "Quartiers prioritaires 2024"):
        assert json.dumps(layer) in m["script"]
    assert json.dumps("Tiers-lieux") not in m["script"]  # not in the default layers


def test_territory_filters_change_kpis(ets):
    at = run(TERRITORY, territoire="dep:93", famille="cooperative", qpv_filtre="near")
    part = ets[(ets.dep_code == "93") & (ets.family == "cooperative") & ets.near_qpv300]
    assert n(metrics(at)["Établissements ESS"]) == len(part)
    # then with the widgets: employers only
    at.checkbox(key="ter_employer").check().run()
    assert not at.exception
    assert n(metrics(at)["Établissements ESS"]) == len(part[part.employer])
    assert at.query_params["employeur"] == "1"


def test_territory_layers_from_url():
    at = run(TERRITORY, territoire="dep:93", couches="tl,ptce")
    script = maps(at)[0]["script"]
    assert json.dumps("Tiers-lieux") in script and json.dumps("PTCE") in script
    assert json.dumps("Établissements ESS") not in script


@pytest.mark.parametrize(
    "params, named",
    [
        ({"famille": "<script>alert(1)</script>"}, "famille"),
        ({"secteur": "ZZ"}, "secteur"),
        ({"employeur": "oui"}, "employeur"),
        ({"qpv_filtre": "1 OR 1=1"}, "qpv_filtre"),
    ],
)
def test_territory_bad_params_fall_back(params, named, ets):
    at = run(TERRITORY, territoire="dep:93", **params)
    assert f"« {named} »" in warnings(at) and "<script>" not in warnings(at)
    assert n(metrics(at)["Établissements ESS"]) == (ets.dep_code == "93").sum()


def test_territory_table_hides_non_diffusible_names():
    at = run(TERRITORY, territoire="com:93066")
    table = next(d.value for d in at.dataframe if "SIRET" in d.value.columns)
    assert "(non diffusible)" in set(table["Nom"])


def test_qpv_detail_from_url(ets):
    at = run(QPV, territoire="dep:93", qpv="QN09301M")
    k = metrics(at)
    assert n(k["Établissements ESS dans le QPV"]) == (ets.qpv24 == "QN09301M").sum()
    assert k["Taux de pauvreté"] == "45,2\u202f%"
    detail = maps(at)[-1]["script"]
    assert "Franc-Moisin \\u0026amp; Bel-Air" in detail  # escaped, then JSON-encoded
    # Saint-Denis' establishments 37 and 38 are « incertain »: not counted, said apart
    unsure = ((ets.commune_code == "93066") & (ets.qpv24_status == "incertain")).sum()
    assert unsure == 2
    assert any(c.value.startswith(f"{unsure} établissements ESS de la commune") for c in at.caption)


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "QN99999Z"])
def test_qpv_bad_code(bad):
    at = run(QPV, territoire="dep:93", qpv=bad)
    text = warnings(at)
    assert ("« qpv »" in text) or ("inconnu dans la base" in text)
    assert "<script>" not in text


def test_ecosystem_counts_third_places_known_only_by_their_commune():
    at = run(ECOSYSTEM, territoire="dep:93", question="tl_near_qpv", distance="5000")
    assert any(
        "1 tiers-lieux de Seine-Saint-Denis (93) ne sont connus" in c.value for c in at.caption
    )
    # the commune-centre place (tl4) is not in the answer, the two located ones are
    assert any("**2** tiers-lieux" in m.value for m in at.markdown)


def test_ecosystem_questions_and_session_layer():
    points = pd.DataFrame({"lon": [2.351], "lat": [48.931], "tooltip": ["12 rue <b>X</b>"]})
    at = run(
        ECOSYSTEM,
        session={"sse_point_layer": points},
        territoire="dep:93",
        question="qpv_without_sse",
        distance="50",
    )
    assert any("**0** QPV sur 2" in m.value for m in at.markdown)
    script = maps(at)[0]["script"]
    assert json.dumps("Adresses vérifiées") in script
    assert "12 rue &lt;b&gt;X&lt;/b&gt;" in script and "<b>X</b>" not in script


def test_ecosystem_radius_changes_the_answer():
    at = run(ECOSYSTEM, territoire="dep:93", question="tl_near_qpv", distance="500")
    assert any("**1** tiers-lieux" in m.value for m in at.markdown)
    at.number_input(key="eco_radius").set_value(5000).run()
    assert any("**2** tiers-lieux" in m.value for m in at.markdown)
    assert at.query_params["distance"] == "5000"


def test_compare_from_url():
    at = run(COMPARE, territoire="com:93066", comparer="com:93066,com:93008", reference="france")
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Indicateur",
        "Saint-Denis (93066)",
        "Bobigny (93008)",
        "France (référence)",
    ]
    assert table.iloc[0, 1].startswith("40 ")
    assert (
        len(
            [e for e in _walk(at.main) if type(getattr(e, "proto", None)).__name__ == "PlotlyChart"]
        )
        == 10 + 3  # the indicators, then the weight of the SSE (sse_dash.ui.weight)
    )


def test_compare_bad_keys_are_dropped():
    at = run(COMPARE, territoire="dep:93", comparer="dep:93,dep:ZZ,com:93066")
    assert "« comparer »" in warnings(at)
    assert any("au moins deux" in i.value for i in at.info)


def test_home_commune_map_only_within_a_departement():
    at = run(territoire="dep:93", maille="commune", indicateur="share_qpv")
    assert not warnings(at).count("« maille »")
    script = maps(at)[0]["script"]
    # Saint-Denis: 10 of its 38 precisely located establishments (37 and 38 are « incertain »)
    for tip in ("Épinay-sur-Seine : 0,0\u202f%", "Saint-Denis : 26,3\u202f%"):
        assert json.dumps(tip)[1:-1] in script, tip  # hover text, as folium JSON-encodes it
    at = run(territoire="reg:11", maille="commune")
    assert "« maille »" in warnings(at)


@pytest.mark.parametrize("page", [HOME, TERRITORY, QPV, ECOSYSTEM, COMPARE])
def test_every_page_switches_to_english(page):
    at = run(page, lang="en", territoire="dep:93")
    text = "\n".join(
        [x.value for x in at.title] + [w.value for w in at.warning] + [m.label for m in at.metric]
    )
    assert "Synthetic SIRENE data" in text
    assert "chiffres fictifs" not in text
