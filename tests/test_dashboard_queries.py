"""Query functions behind the pages, checked against figures recomputed with pandas from the
fixture establishments (tests/ui_warehouse.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import ui_warehouse

from sse_dash import db
from sse_dash.dashboard import compare, points, proximity, qpv, sse
from sse_dash.dashboard import territory as terr


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = ui_warehouse.build(tmp_path_factory.mktemp("ui_q") / "sse.duckdb")
    c = db.open_warehouse(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def ets():
    return ui_warehouse.establishments()


def test_parse_key_rejects_malformed_values():
    assert terr.parse_key("dep:93") == ("departement", "93")
    assert terr.parse_key("dep:2a") == ("departement", "2A")
    assert terr.parse_key("fr") == ("france", "FR")
    for bad in ("dep:ZZ", "dep:", "xx:93", "com:1234", "<script>", "dep:93;drop", "", None):
        assert terr.parse_key(bad) is None, bad


def test_lookup_search_parent(con):
    t = terr.from_key(con, "com:93031")
    assert t.name == "Épinay-sur-Seine" and t.population == 55_000
    assert [x.code for x in terr.search(con, "commune", "ÉPINAY")] == ["93031"]
    assert [x.code for x in terr.search(con, "commune", "93066")] == ["93066"]
    assert terr.parent(con, t).key == "dep:93"
    assert terr.parent(con, terr.from_key(con, "dep:93")).key == "reg:11"
    assert terr.parent(con, terr.from_key(con, "reg:11")).key == "fr"
    assert terr.from_key(con, "com:99999") is None


def test_kpis_match_the_establishments(con, ets):
    t = terr.from_key(con, "dep:93")
    k = sse.kpis(con, t)
    part = ets[ets.dep_code == "93"]
    assert k["establishments"] == len(part)
    assert k["employer_establishments"] == part.employer.sum()
    assert k["employees_est"] == pytest.approx(part.employees_est.sum())
    assert k["in_qpv"] == part.qpv24.notna().sum()
    assert k["per10k"] == pytest.approx(len(part) / 1_650_000 * 10_000)


@pytest.mark.parametrize(
    "filters, mask",
    [
        (sse.Filters(family="association"), lambda e: e.family == "association"),
        (sse.Filters(sector="Q", employer=True), lambda e: (e.naf_section == "Q") & e.employer),
        (sse.Filters(qpv="in"), lambda e: e.qpv24.notna()),
        (sse.Filters(qpv="near", size="1-9"), lambda e: e.near_qpv300 & (e.size_class == "1-9")),
    ],
)
def test_filters_change_kpis_as_the_data_says(con, ets, filters, mask):
    t = terr.from_key(con, "epci:200057867")  # EPT: Saint-Denis + Épinay
    part = ets[ets.ept_code == "200057867"]
    assert sse.kpis(con, t, filters)["establishments"] == mask(part).sum()


def test_breakdowns_and_years(con, ets):
    t = terr.from_key(con, "com:93066")
    part = ets[ets.commune_code == "93066"]
    fam = sse.breakdown(con, t, "family")
    assert (
        dict(zip(fam.code, fam.establishments, strict=True)) == part.family.value_counts().to_dict()
    )
    assert "Associations" in set(fam.label)
    sizes = sse.breakdown(con, t, "size_class")
    assert list(sizes.code) == ["NN", "1-9", "10-49", "50-249"]  # size order, not count order
    years = sse.years_of(sse.summary(con, t))
    expected = pd.to_datetime(part.created).dt.year.value_counts().sort_index()
    assert list(years.establishments) == list(expected)


def test_points_hide_non_diffusible_names(con, ets):
    frame = sse.points(con, terr.from_key(con, "com:93066"))
    hidden = ets[(ets.commune_code == "93066") & ~ets.diffusible].siret.tolist()
    assert hidden and frame.set_index("siret").loc[hidden, "name"].isna().all()
    on_map = sse.map_points(con, terr.from_key(con, "com:93066")).set_index("siret")
    located = [s for s in hidden if s in on_map.index]
    assert on_map.loc[located, "name"].isna().all()


def test_table_and_map_points(con, ets):
    t = terr.from_key(con, "dep:93")
    part = ets[ets.dep_code == "93"]
    table = sse.points(con, t, limit=7)
    expected = part.sort_values(["commune_code", "siret"]).siret.head(7).tolist()
    assert table.siret.tolist() == expected
    on_map = sse.map_points(con, t)
    located = part[part.lon.notna() & part.lat.notna()]
    assert set(on_map.siret) == set(located.siret) and on_map.lon.notna().all()
    assert list(on_map.columns) == [
        "siret",
        "name",
        "family",
        "naf",
        "qpv24",
        "qpv24_status",
        "lon",
        "lat",
    ]
    capped = sse.map_points(con, t, limit=5)
    assert (
        len(capped) == 5 and capped.siret.tolist() == sse.map_points(con, t, limit=5).siret.tolist()
    )
    only = sse.map_points(con, t, sse.Filters(family="cooperative"))
    assert set(only.family) <= {"cooperative"}


def test_agg_totals_agree_with_establishments(con, ets):
    ts = [terr.from_key(con, k) for k in ("fr", "reg:76", "epci:200057867", "com:93008")]
    totals = sse.totals(con, ts).set_index("key")
    for t in ts:
        assert totals.loc[t.key, "establishments"] == sse.kpis(con, t)["establishments"], t.key
    assert totals.loc["fr", "qpv"] == 3 and totals.loc["com:93008", "qpv"] == 1
    assert totals.loc["epci:200057867", "qpv"] == 1


def test_choropleth_includes_empty_areas_and_communes_need_a_departement(con, ets):
    deps = sse.choropleth(con, "departement").set_index("code")
    assert deps.loc["75", "establishments"] == 0 and deps.loc["93", "establishments"] == 120
    communes = sse.choropleth(con, "commune", within=terr.from_key(con, "dep:93"))
    communes = communes.set_index("code")
    assert set(communes.index) == {"93066", "93031", "93008"}
    assert communes.loc["93031", "share_qpv"] == 0
    with pytest.raises(ValueError):
        sse.choropleth(con, "commune")


def test_qpv_table_counts(con, ets):
    table = qpv.table(con, terr.from_key(con, "dep:93")).set_index("code")
    inside = ets[ets.qpv24 == "QN09301M"]
    assert table.loc["QN09301M", "sse_inside"] == len(inside)
    near = ets[(ets.qpv24_nearest == "QN09301M") & ets.near_qpv300]
    assert table.loc["QN09301M", "sse_300m"] == len(near)
    assert table.loc["QN09301M", "poverty_rate"] == 45.2


def test_qpv_code_validation_and_detail(con):
    assert qpv.valid_code("qn09301m") == "QN09301M"
    assert qpv.valid_code("<script>") is None and qpv.one(con, "<script>") is None
    assert qpv.one(con, "QN99999Z") is None
    record = qpv.one(con, "QN09301M")
    assert record["population"] == 9000 and record["wkb"]
    overlap = qpv.overlap(con, "QN09301M")
    assert list(overlap.code) == ["QP093001"] and overlap.share.iloc[0] == pytest.approx(1.0)


def test_proximity_questions(con, ets):
    d93 = terr.from_key(con, "dep:93")
    near = proximity.third_places_near_qpv(con, d93, 500)
    assert list(near.id) == ["tl1"] and near.distance_m.iloc[0] == 0
    assert len(proximity.third_places_near_qpv(con, d93, 5000)) == 2
    around = proximity.sse_around_qpv(con, d93, 50).set_index("code")
    assert around.loc["QN09301M", "sse_within"] >= len(ets[ets.qpv24 == "QN09301M"])
    ptce = proximity.sse_near_ptce(con, terr.from_key(con, "com:93066"), 400, "Q")
    assert len(ptce) > 0 and (ptce.distance_m <= 400).all()
    assert set(ets.set_index("siret").loc[ptce.siret, "naf_section"]) == {"Q"}
    assert proximity.clamp_radius("abc") == 500 and proximity.clamp_radius(10**9) == 5000


def test_compare_table_ratio_and_rank(con):
    ts = [terr.from_key(con, k) for k in ("com:93066", "com:93008")]
    ref = terr.from_key(con, "dep:93")
    long = compare.table(sse.totals(con, [*ts, ref]), ref.key)
    per10k = long[long.indicator == "per10k"].set_index("key")
    assert per10k.loc["com:93008", "rank"] == 1 and per10k.loc["com:93066", "rank"] == 2
    expected = (40 / 53_000) / (120 / 1_650_000) * 100
    assert per10k.loc["com:93008", "ratio"] == pytest.approx(expected)
    wide = compare.display(long)
    assert list(wide.columns) == [
        "Indicateur",
        "Saint-Denis (93066)",
        "Bobigny (93008)",
        "Seine-Saint-Denis (93) (référence)",
    ]


def test_display_tables_label_codes_and_hide_missing_names():
    frame = pd.DataFrame(
        {
            "siret": ["1", "2", "3"],
            "name": ["Asso A", None, "Coop C"],
            "family": ["association", "cooperative", "inconnue"],
            "naf": ["88.99B", "94.99Z", "01.11Z"],
            "size_class": ["1-9", "NN", "zz"],
            "employees_est": [4.5, 0.0, 1.0],
            "employer": [True, False, None],
            "created": pd.to_datetime(["2001-02-03", "2010-01-01", None]),
            "commune_code": ["93066", "93001", "31555"],
            "qpv24": ["QN09301M", None, None],
            "qpv24_status": ["oui", "non", "incertain"],
            "qpv24_distance_m": [0.0, 151.4, np.nan],
            "lon": [2.3, 2.4, 1.4],
            "lat": [48.9, 48.8, 43.6],
        }
    )
    labels = {"association": "Associations", "cooperative": "Coopératives"}
    shown = sse.display_points(frame, labels)
    assert shown["Famille"].tolist() == ["Associations", "Coopératives", "inconnue"]
    assert shown["Nom"].tolist() == ["Asso A", "(non diffusible)", "Coop C"]
    assert shown["Taille"].tolist() == ["1 à 9 salariés", "Non employeur", "zz"]
    assert shown["Employeur"].tolist() == ["oui", "non", "non"]
    assert str(shown["Création"].iloc[0]) == "2001-02-03"
    assert shown["Distance au QPV le plus proche (m)"].tolist()[:2] == [0.0, 151.0]
    assert shown["En QPV 2024"].tolist() == ["oui", "non", "incertain"]
    table = points.map_table(frame, labels)
    assert table["Famille"].tolist() == ["Associations", "Coopératives", "inconnue"]
    assert table["Nom"].iloc[1] == "(non diffusible)"


def test_summary_dimensions_add_up_to_the_total(con, ets):
    for key, filters in (("dep:93", sse.NO_FILTERS), ("fr", sse.Filters(employer=True))):
        figures = sse.summary(con, terr.from_key(con, key), filters)
        total = figures[figures.dim == "total"].iloc[0]
        for dim in ("family", "naf_section", "size_class"):
            part = figures[figures.dim == dim]
            assert part.establishments.sum() == total.establishments, (key, dim)
            assert part.employees_est.sum() == pytest.approx(total.employees_est)
        years = figures[figures.dim == "year"].establishments.sum()
        scope = ets if key == "fr" else ets[ets.dep_code == "93"]
        if filters.employer:
            scope = scope[scope.employer]
        assert years == scope.created.notna().sum()
        assert total.establishments == len(scope)


def test_third_place_kinds_are_named_in_french(con):
    d93 = terr.from_key(con, "dep:93")
    table = proximity.third_places_table(proximity.third_places_near_qpv(con, d93, 5000))
    assert "Fabrique de territoire" in set(table["Type"])
    assert "fabrique_de_territoire" not in set(table["Type"])
    kinds = points.kind_labels(pd.Series(["tiers_lieu", "nouveau_type"]))
    assert kinds.tolist() == ["Tiers-lieu", "nouveau_type"]


def test_every_territory_selects_its_establishments(con, ets):
    """The territory clause (one parameter per level, EPCI/EPT also through its communes) picks
    exactly the establishments of each territory of the fixture, for every query using it."""
    column = {"region": "reg_code", "departement": "dep_code", "commune": "commune_code"}
    listed = con.execute("SELECT level, code FROM territories").fetchall()
    assert {level for level, _ in listed} >= {"france", "region", "departement", "epci", "commune"}
    for level, code in listed:
        t = terr.lookup(con, level, code)
        if level == "france":
            part = ets
        elif level == "epci":
            part = ets[(ets.epci_code == code) | (ets.ept_code == code)]
        else:
            part = ets[ets[column[level]] == code]
        figures = sse.summary(con, t)
        assert sse.kpis(con, t)["establishments"] == len(part), t.key
        assert sse.kpis_of(figures, t)["establishments"] == len(part), t.key
        on_map = sse.map_points(con, t)
        assert set(on_map.siret) == set(part[part.lon.notna() & part.lat.notna()].siret), t.key
        assert set(sse.points(con, t, limit=10_000).siret) == set(part.siret), t.key


def test_unknown_territory_level_is_refused(con):
    with pytest.raises(Exception, match="identifiant refusé"):
        sse.kpis(con, terr.Territory("canton", "9301", "Canton"))


def test_breakdown_of_orders_ties_by_code_and_names_missing_codes():
    figures = pd.DataFrame(
        {
            "dim": ["total", "family", "family", "family", "family", "size_class", "size_class"]
            + ["year", "year", "year"],
            "code": [None, "mutuelle", None, "association", "cooperative", "10-49", "NN"]
            + ["2020", None, "1999"],
            "establishments": [20, 3, 3, 9, 3, 4, 6, 5, 1, 2],
            "employer_establishments": [5, 1, 0, 2, 1, 4, 0, 1, 0, 1],
            "employees_est": [50.0, 3.0, 0.0, 20.0, 5.0, 40.0, 0.0, 10.0, 0.0, 1.0],
        }
    )
    fam = sse.breakdown_of(figures, "family", {"association": "Associations"})
    assert fam.code.tolist()[:3] == ["association", "cooperative", "mutuelle"]
    assert pd.isna(fam.code.iloc[3])
    assert fam.label.tolist() == ["Associations", "cooperative", "mutuelle", "Non renseigné"]
    assert fam.employees_est.tolist() == [20.0, 5.0, 3.0, 0.0]
    sizes = sse.breakdown_of(figures, "size_class", sse.SIZE_CLASS_LABELS)
    assert sizes.code.tolist() == ["NN", "10-49"]  # size order, not count order
    years = sse.years_of(figures)
    assert years.year.tolist() == [1999, 2020] and years.establishments.tolist() == [2, 5]
    with pytest.raises(Exception, match="identifiant refusé"):
        sse.breakdown_of(figures, "siret", {})


@pytest.mark.parametrize("radius", [50, 300, 1000, 5000])
def test_sse_around_qpv_counts_every_establishment_within_the_radius(con, ets, radius):
    """The grid-cell prefilter only skips establishments that cannot be within `radius` m:
    counts equal a brute-force distance from every precisely located establishment to every
    QPV (a random point in the commune, qualite_xy 33, says nothing about a distance)."""
    import shapely

    from sse_dash import qpv_index

    for key in ("dep:93", "fr"):
        around = proximity.sse_around_qpv(con, terr.from_key(con, key), radius)
        qpv_frame = proximity.qpv_geoms(con, terr.from_key(con, key))
        located = ets[ets.lon.notna() & ets.lat.notna() & (ets.qpv24_status != "incertain")]
        assert len(located) < ets.lon.notna().sum()  # the fixture has a qualite_xy 33 point
        x, y = qpv_index.to_metric(2154, located.lon.to_numpy(), located.lat.to_numpy())
        pts = shapely.points(x, y)
        expected = {}
        for code, geom in zip(qpv_frame.code, qpv_frame.geom, strict=True):
            metric = proximity._metric_geoms(0, np.array([geom], dtype=object))[0]
            expected[code] = int(shapely.dwithin(pts, metric, radius).sum())
        assert dict(zip(around.code, around.sse_within, strict=True)) == expected, (key, radius)
    assert any(v > 0 for v in expected.values())


@pytest.mark.parametrize("radius", [100, 400, 3000])
def test_sse_near_ptce_finds_every_establishment_within_the_radius(con, ets, radius):
    import shapely

    from sse_dash import qpv_index
    from sse_dash.dashboard import points as poi

    for key in ("com:93066", "fr"):
        t = terr.from_key(con, key)
        found = proximity.sse_near_ptce(con, t, radius)
        ptce = poi.ptce(con, t)
        located = ets[ets.lon.notna() & ets.lat.notna() & (ets.qpv24_status != "incertain")]
        px, py = qpv_index.to_metric(2154, ptce.lon.to_numpy(), ptce.lat.to_numpy())
        ex, ey = qpv_index.to_metric(2154, located.lon.to_numpy(), located.lat.to_numpy())
        d = shapely.distance(shapely.points(ex, ey)[:, None], shapely.points(px, py)[None, :])
        expected = set(located.siret[(d <= radius).any(axis=1)])
        assert set(found.siret) == expected, (key, radius)
    assert expected


def test_code_labels_name_missing_codes_whatever_pandas_made_of_them():
    """A NULL code arrives as None or as NaN (Arrow-backed strings): both read « Non
    renseigné » (agg_breakdown used to test `is not None` and showed NaN)."""
    names = {"association": "Associations"}
    labels = sse.code_labels(["association", "x", None, float("nan"), pd.NA], names)
    assert labels == ["Associations", "x"] + ["Non renseigné"] * 3
    assert sse.code_labels([None], names, "en") == [sse.i18n.t(sse.NOT_GIVEN, "en")]
    assert sse.i18n.t(sse.NOT_GIVEN, "en") != sse.NOT_GIVEN
