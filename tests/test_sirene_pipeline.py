"""Pipeline on hand-written SIRENE rows: perimeter, diffusion rule, commune codes, coordinates
(geolocation, other CRS, Lambert fallback), QPV membership near boundaries, distances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sirene_support import hm, mini_geo

from sse_dash.sirene import aggregates, geo, pipeline

M_LON = 1 / 73_200  # degrees of longitude per metre near 48.9° N
LAT = 48.915

L93 = geo.from_wgs84(2154, [2.325], [48.875])
GP = geo.from_wgs84(5490, [-61.55], [16.23])

# siret -> (establishment kwargs, geoloc kwargs or None)
CASES = {
    "10000000100011": (dict(commune="93001"), dict(lon=2.33 + 3 * M_LON, lat=LAT)),
    "10000000100029": (dict(commune="93001"), dict(lon=2.33 - 3 * M_LON, lat=LAT)),
    "10000000100037": (dict(commune="93002", band="12"), dict(lon=2.345, lat=LAT)),
    "10000000100045": (dict(commune="93099"), dict(lon=2.4025, lat=48.9225)),
    "10000000100052": (dict(commune="93002"), dict(lon=2.365, lat=LAT)),
    "10000000100060": (dict(commune="93002"), dict(lon=2.36 + 3 * M_LON, lat=LAT)),
    "10000000100078": (dict(commune="93002"), dict(lon=2.36 - 3 * M_LON, lat=LAT, plg="CSZ")),
    "10000000100086": (dict(commune="97101"), dict(x=GP[0][0], y=GP[1][0], epsg="5490")),
    "10000000100094": (dict(commune="75101", lx=L93[0][0], ly=L93[1][0]), None),
    "10000000100102": (dict(commune="75102"), None),
    "10000000100110": (dict(commune="93001", state="F"), dict(lon=2.31, lat=LAT)),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    con = mini_geo.build()
    units = [
        hm.unit("100000001"),
        hm.unit("200000001", diffusion="P", name="[ND]"),
        hm.unit("300000001", ess="N"),
        hm.unit("400000001", cat="5458", name="SCOP"),
    ]
    ests, geos = [], []
    for siret, (e, g) in CASES.items():
        ests.append(hm.establishment(siret, **e))
        if g is not None:
            geos.append(hm.geoloc(siret, **g))
    ests.append(hm.establishment("20000000100016", "93001"))  # non-diffusible unit
    geos.append(hm.geoloc("20000000100016", lon=2.32, lat=LAT))
    ests.append(hm.establishment("30000000100011", "93001"))  # not SSE
    ests.append(hm.establishment("40000000100018", "93001", diffusion="P", enseigne="[ND]"))
    ests.append(hm.establishment("40000000100026", "93001", band="01", enseigne="ATELIER"))
    paths = hm.write(tmp_path_factory.mktemp("handmade"), units, ests, geos)
    pipeline.build(
        con,
        pipeline.Sources(
            paths["sirene_unites_legales"],
            paths["sirene_etablissements"],
            paths["sirene_geolocalisation"],
        ),
        chunk_rows=4,  # several chunks even on this tiny input
    )
    rows = con.execute("SELECT * FROM establishments").df().set_index("siret")
    yield con, rows
    con.close()


def test_establishments_are_stored_in_geographic_order(built):
    """The pages' queries rely on it (zone maps; table rows and map points without a sort)."""
    con, _ = built
    stored = con.execute("SELECT reg_code, dep_code, commune_code, siret FROM establishments")
    stored = stored.fetchall()
    assert len(stored) > 5 and len({r[2] for r in stored}) > 1
    key = [tuple("\U0010ffff" if v is None else v for v in r) for r in stored]  # NULLS LAST
    assert key == sorted(key)


def test_perimeter_active_sse_only(built):
    _, rows = built
    assert "10000000100110" not in rows.index  # closed
    assert "30000000100011" not in rows.index  # unit not in the SSE
    assert len(rows) == len(CASES) - 1 + 3


def test_non_diffusible_counted_without_name_or_position(built):
    _, rows = built
    for siret in ("20000000100016", "40000000100018"):
        r = rows.loc[siret]
        assert not r["diffusible"] and pd.isna(r["name"])
        assert pd.isna(r["lon"]) and pd.isna(r["lat"])
    assert rows.loc["20000000100016", "qpv24_distance_m"] > 0  # still assigned
    assert rows.loc["40000000100026", "name"] == "ATELIER"
    assert rows.loc["10000000100011", "name"] == "ASSO 100000001"


def test_commune_codes(built):
    _, rows = built
    assert rows.loc["10000000100094", ["commune_code", "commune_code_raw"]].tolist() == [
        "75056",
        "75101",
    ]
    assert rows.loc["10000000100045", "commune_code"] == "93003"  # pre-merger code
    r = rows.loc["10000000100037"]
    assert (r["epci_code"], r["ept_code"], r["dep_code"], r["reg_code"]) == (
        mini_geo.MGP,
        mini_geo.EPT_A,
        "93",
        "11",
    )


def test_classification_columns(built):
    _, rows = built
    r = rows.loc["10000000100037"]
    assert (r["family"], r["size_band"], r["size_class"], r["employees_est"], r["employer"]) == (
        "association",
        "12",
        "10-49",
        34.5,
        True,
    )
    assert r["naf_section"] == "S"
    assert rows.loc["40000000100026", "family"] == "cooperative"
    assert not rows.loc["10000000100011", "employer"]


@pytest.mark.parametrize(
    ("siret", "qpv", "nearest", "distance"),
    [
        ("10000000100011", "QN09301M", "QN09301M", 0.0),  # 3 m inside
        ("10000000100029", None, "QN09301M", 3.0),  # 3 m outside
        ("10000000100037", "QN09301M", "QN09301M", 0.0),  # same QPV, other commune
        ("10000000100045", "QN09302M", "QN09302M", 0.0),  # second part of a multipolygon
        ("10000000100052", None, "QN09303M", 366.0),  # centre of the hole
        ("10000000100060", None, "QN09303M", 3.0),  # 3 m inside the hole
        ("10000000100078", "QN09303M", "QN09303M", 0.0),  # 3 m outside the hole
        ("10000000100086", "QN97101M", "QN97101M", 0.0),  # overseas, x/y in EPSG:5490
        ("10000000100094", "QN07501M", "QN07501M", 0.0),  # stock Lambert-93 fallback
    ],
)
def test_qpv_assignment(built, siret, qpv, nearest, distance):
    _, rows = built
    r = rows.loc[siret]
    assert (None if pd.isna(r["qpv24"]) else r["qpv24"]) == qpv
    assert r["qpv24_nearest"] == nearest
    assert r["qpv24_distance_m"] == pytest.approx(distance, abs=max(0.5, distance * 0.01))
    assert r["near_qpv300"] == (distance <= 300)


def test_multi_commune_qpv_counts_in_both_communes(built):
    _, rows = built
    communes = set(rows[rows["qpv24"] == "QN09301M"]["commune_code"])
    assert communes == {"93001", "93002"}


def test_qpv_2015_and_insee_code_kept(built):
    _, rows = built
    assert rows.loc["10000000100011", "qpv15"] == "QP093001"
    assert rows.loc["10000000100078", "insee_plg_qp24"] == "CSZ"  # INSEE disagrees: kept as is


def test_geo_sources(built):
    _, rows = built
    assert rows.loc["10000000100011", "geo_source"] == "geolocalisation"
    assert rows.loc["10000000100086", "geo_source"] == "geolocalisation"
    assert rows.loc["10000000100094", "geo_source"] == "lambert93"
    r = rows.loc["10000000100102"]
    assert r["geo_source"] == "none" and pd.isna(r["qpv24"]) and not r["near_qpv300"]
    assert pd.isna(r["qpv24_distance_m"])


def test_aggregates_consistent(built):
    con, rows = built
    assert aggregates.check_consistency(con) == []
    fr = con.execute(
        "SELECT sum(establishments), sum(in_qpv) FROM agg_territory WHERE level = 'france'"
    ).fetchone()
    assert fr == (len(rows), rows["qpv24"].notna().sum())
    qpv = con.execute(
        "SELECT sum(establishments) FROM agg_territory WHERE level = 'qpv' AND code = 'QN09301M'"
    ).fetchone()[0]
    assert qpv == (rows["qpv24"] == "QN09301M").sum()


def test_lambert93_to_wgs84_origin_and_duckdb(built):
    con, _ = built
    # Lambert-93 is defined with (700 000, 6 600 000) at 3° E, 46.5° N
    lon, lat = geo.to_wgs84(2154, [700_000.0], [6_600_000.0])
    assert lon[0] == pytest.approx(3.0, abs=1e-8) and lat[0] == pytest.approx(46.5, abs=1e-8)
    pts = [(652_469.0, 6_862_035.0), (1_045_000.0, 6_298_000.0), (352_000.0, 6_790_000.0)]
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    lon, lat, src = pipeline.resolve_coordinates(
        [np.nan] * 3, [np.nan] * 3, [np.nan] * 3, [np.nan] * 3, [np.nan] * 3, x, y, ["75"] * 3
    )
    assert list(src) == ["lambert93"] * 3
    for (px, py), lo, la in zip(pts, lon, lat, strict=True):
        ref = con.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_Point(?, ?), 'EPSG:2154', "
            "'EPSG:4326', always_xy := true) AS p)",
            [px, py],
        ).fetchone()
        dx = (lo - ref[0]) * 111_320 * math.cos(math.radians(la))
        dy = (la - ref[1]) * 111_200
        assert math.hypot(dx, dy) < 1.0


def test_scope_and_employers_only(tmp_path):
    con = mini_geo.build()
    units = [hm.unit("100000001")]
    ests = [
        hm.establishment("10000000100011", "93001", band="01"),
        hm.establishment("10000000100029", "93001", band="NN"),
        hm.establishment("10000000100037", "75101", band="02"),
    ]
    paths = hm.write(tmp_path, units, ests, [])
    src = pipeline.Sources(*(paths[r] for r in pipeline_roles()))
    pipeline.build(con, src, employers_only=True)
    assert sorted(con.execute("SELECT siret FROM establishments").fetchall()) == [
        ("10000000100011",),
        ("10000000100037",),
    ]
    pipeline.build(con, src, scope="dep:93")
    got = con.execute("SELECT siret FROM establishments ORDER BY siret").fetchall()
    assert got == [("10000000100011",), ("10000000100029",)]
    with pytest.raises(pipeline.PipelineError):
        pipeline.build(con, src, scope="canton:1")


def pipeline_roles():
    return ("sirene_unites_legales", "sirene_etablissements", "sirene_geolocalisation")


def test_epci_and_ept_rows_partition_their_establishments(built):
    con, rows = built
    agg = con.execute(
        "SELECT code, sum(establishments) FROM agg_territory WHERE level = 'epci' GROUP BY code"
    ).fetchall()
    got = dict(agg)
    assert got[mini_geo.MGP] == rows["epci_code"].eq(mini_geo.MGP).sum()
    assert got[mini_geo.EPT_A] == rows["ept_code"].eq(mini_geo.EPT_A).sum()
    epci_only = sum(v for k, v in got.items() if k not in (mini_geo.EPT_A, mini_geo.EPT_B))
    assert epci_only == rows["epci_code"].notna().sum()
    by_dep = dict(
        con.execute(
            "SELECT code, sum(employees_est) FROM agg_territory WHERE level = 'departement' "
            "GROUP BY code"
        ).fetchall()
    )
    assert by_dep["93"] == pytest.approx(rows.loc[rows["dep_code"] == "93", "employees_est"].sum())


def test_resolve_coordinates_any_epsg_and_fallbacks():
    ux, uy = geo.from_wgs84(32620, [-61.55], [16.23])  # WGS 84 / UTM 20N, not a SIRENE default
    sx, sy = geo.from_wgs84(2154, [2.35], [48.85])
    nan = np.nan
    lon, lat, src = pipeline.resolve_coordinates(
        [nan, nan, nan, 2.0],
        [nan, nan, nan, 47.0],
        [ux[0], 1.0, nan, nan],
        [uy[0], 1.0, nan, nan],
        [32620, 999_999_999, nan, nan],
        [nan, sx[0], nan, nan],
        [nan, sy[0], nan, nan],
        ["971", "75", "75", "44"],
    )
    assert list(src) == ["geolocalisation", "lambert93", "none", "geolocalisation"]
    assert lon[0] == pytest.approx(-61.55, abs=1e-6) and lat[0] == pytest.approx(16.23, abs=1e-6)
    assert lon[1] == pytest.approx(2.35, abs=1e-6)  # unknown EPSG: the stock's Lambert-93
    assert np.isnan(lon[2]) and (lon[3], lat[3]) == (2.0, 47.0)
