"""Readers on small hand-written files in the official formats (no network, no shared data)."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from sse_dash.catalog import Dataset
from sse_dash.warehouse import readers
from sse_dash.warehouse.readers import Gazetteer, ReadError, locate_points, read_dataset

QPV_MEMBER = "GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
QPV_COLUMNS = {
    "code": "code_qp",
    "name": "lib_qp",
    "reg_code": "insee_reg",
    "dep_code": "insee_dep",
    "commune_code": "insee_com",
    "epci_code": "siren_epci",
}


def make_ds(**kw) -> Dataset:
    base = dict(
        id="jeu_test", role="qpv", title="Test", publisher="p", licence="l", vintage="v",
        format="geojson",
    )  # fmt: skip
    base.update(kw)
    return Dataset(**base)


@pytest.fixture
def qpv_zip(tmp_path, official_fixtures):
    """The data.gouv.fr archive layout: qpv-2024-geojson.zip -> GEOJSON/<official name>."""
    target = tmp_path / "qpv-2024-geojson.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.write(official_fixtures / QPV_MEMBER, QPV_MEMBER)
        zf.writestr("LISEZMOI.txt", "Quartiers prioritaires 2024")
    return target


def test_geojson_in_zip_with_member(qpv_zip):
    ds = make_ds(member=QPV_MEMBER, columns=QPV_COLUMNS)
    gdf = read_dataset(ds, qpv_zip)
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert list(gdf["code"]) == ["QN09301M", "QN01301M", "QN97401M"]
    assert set(gdf.columns) == set(QPV_COLUMNS) | {"geometry"}
    assert list(gdf["dep_code"]) == ["93", "13", "974"]
    assert list(gdf["reg_code"]) == ["11", "93", "04"]
    assert gdf.geometry.iloc[1].geom_type == "MultiPolygon"
    assert gdf.crs.to_epsg() == 4326
    # the Réunion square stays where it is (lon/lat order kept)
    assert gdf.geometry.iloc[2].centroid.x == pytest.approx(55.445)


def test_zip_member_absent_is_a_french_error(qpv_zip):
    ds = make_ds(member="GEOJSON/autre.geojson", columns=QPV_COLUMNS)
    with pytest.raises(ReadError, match="absent de l'archive"):
        read_dataset(ds, qpv_zip)


def test_missing_source_column_names_dataset_and_column(qpv_zip):
    cols = dict(QPV_COLUMNS, name="nom_qp")
    ds = make_ds(id="qpv_officiel", member=QPV_MEMBER, columns=cols)
    with pytest.raises(ReadError) as err:
        read_dataset(ds, qpv_zip)
    assert "qpv_officiel" in str(err.value)
    assert "nom_qp" in str(err.value)


def test_shapefile_in_zip_lambert93_is_reprojected(tmp_path):
    square = box(652000, 6862000, 653000, 6863000)  # 1 km² in Paris, Lambert-93
    gdf = gpd.GeoDataFrame({"CODE_QP": ["QP075001"], "NOM_QP": ["Test"]}, geometry=[square])
    gdf = gdf.set_crs(2154)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / "QP_METROPOLE_LB93.shp")
    archive = tmp_path / "qp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f"QP_METROPOLE_LB93/{f.name}")
    ds = make_ds(
        format="shapefile",
        member="QP_METROPOLE_LB93/QP_METROPOLE_LB93.shp",
        columns={"code": "CODE_QP", "name": "NOM_QP"},
    )
    out = read_dataset(ds, archive)
    c = out.geometry.iloc[0].centroid
    assert 2.0 < c.x < 2.7 and 48.6 < c.y < 49.1
    assert out["code"].iloc[0] == "QP075001"


def test_cog_csv_insee_format(official_fixtures):
    ds = make_ds(
        role="communes_cog",
        format="csv",
        encoding="utf-8",
        separator=",",
        columns={
            "code": "COM",
            "name": "LIBELLE",
            "type": "TYPECOM",
            "dep_code": "DEP",
            "reg_code": "REG",
            "parent_code": "COMPARENT",
            "city_code": "COMPARENT",
        },
    )
    df = read_dataset(ds, official_fixtures / "v_commune_2026_extrait.csv")
    assert df.loc[df["code"] == "01340", "type"].item() == "commune-deleguee"
    assert df.loc[df["code"] == "75101", "type"].item() == "arrondissement-municipal"
    assert df.loc[df["code"] == "97411", "dep_code"].item() == "974"
    assert df.loc[df["code"] == "97411", "reg_code"].item() == "04"
    assert df.loc[df["code"] == "2A004", "dep_code"].item() == "2A"
    assert "L'Abergement-Clémenciat" in set(df["name"])


def test_geo_api_json_records(official_fixtures):
    ds = make_ds(
        role="communes_cog",
        format="json",
        columns={
            "code": "code",
            "name": "nom",
            "dep_code": "codeDepartement",
            "reg_code": "codeRegion",
            "population": "population",
            "postal_codes": "codesPostaux",
        },
    )
    df = read_dataset(ds, official_fixtures / "geoapi_communes_93.json")
    assert len(df) == 3
    assert df.loc[df["code"] == "93066", "postal_codes"].item() == "93200,93210"
    assert list(df["population"]) == [88365, 36449, 150187]


def test_cp1252_semicolon_csv_with_accents(official_fixtures):
    ds = make_ds(
        role="third_places",
        format="csv",
        encoding="cp1252",
        separator=";",
        columns={"id": "Identifiant", "name": "Nom du lieu", "dep_code": "Département"},
    )
    df = read_dataset(ds, official_fixtures / "tiers_lieux_cp1252.csv")
    assert list(df["name"])[:2] == ["La Fabrique à Rêves", "Café Coopératif Élan"]
    assert df["name"].iloc[2] == "Tiers-lieu itinérant « Pêche »"


def test_xlsx(tmp_path):
    path = tmp_path / "liste.xlsx"
    pd.DataFrame({"Code commune": ["1001", "93066"], "Nom": ["A", "B"]}).to_excel(path, index=False)
    ds = make_ds(role="third_places", format="xlsx", columns={"commune_code": "Code commune"})
    assert list(read_dataset(ds, path)["commune_code"]) == ["01001", "93066"]


def test_parquet_numeric_codes_are_padded(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame(
        {"com": [1001, 75056], "dep": [1, 75], "reg": [4, 11], "epci": [200057867, 1]}
    ).to_parquet(path)
    ds = make_ds(
        role="qpv",
        format="parquet",
        columns={"commune_code": "com", "dep_code": "dep", "reg_code": "reg", "epci_code": "epci"},
    )
    df = read_dataset(ds, path)
    assert list(df["commune_code"]) == ["01001", "75056"]
    assert list(df["dep_code"]) == ["01", "75"]
    assert list(df["reg_code"]) == ["04", "11"]
    assert list(df["epci_code"]) == ["200057867", "000000001"]


@pytest.mark.parametrize(
    ("fn", "raw", "expected"),
    [
        (readers.norm_commune, "1001", "01001"),
        (readers.norm_commune, 1001.0, "01001"),
        (readers.norm_commune, "2a004", "2A004"),
        (readers.norm_dep, "1", "01"),
        (readers.norm_dep, "971", "971"),
        (readers.norm_dep, "093", "93"),
        (readers.norm_dep, "2b", "2B"),
        (readers.norm_region, "4", "04"),
        (readers.norm_siren, "200057867.0", "200057867"),
        (readers.norm_commune, "", None),
        (readers.norm_dep, None, None),
    ],
)
def test_code_normalisers(fn, raw, expected):
    assert fn(raw) == expected


def test_to_number_reads_french_decimals():
    s = pd.Series(["2,3561", "1 234,5", None, "abc"], dtype=object)
    out = readers.to_number(s)
    assert out.iloc[0] == pytest.approx(2.3561)
    assert out.iloc[1] == pytest.approx(1234.5)
    assert np.isnan(out.iloc[2]) and np.isnan(out.iloc[3])


# ------------------------------------------------------------------ point layers
@pytest.fixture
def gazetteer():
    """Two communes of 93 as squares, plus an alias (old code) pointing to one of them."""
    geoms = np.array([box(2.34, 48.92, 2.38, 48.95), box(2.40, 48.85, 2.43, 48.87)], dtype=object)
    return Gazetteer.build(
        ["93066", "93006"],
        geoms,
        {"93066": "93", "93006": "93"},
        {"93": "11", "44": "52"},
        {"93066": "93066", "93006": "93006", "93999": "93066"},
    )


def point_ds(**kw):
    return make_ds(role="third_places", format="csv", **kw)


def test_points_lon_lat_mode(gazetteer):
    df = pd.DataFrame({"name": ["A", "B"], "lon": ["2,3561", "2.41"], "lat": ["48,9362", "48.86"]})
    out = locate_points(df, point_ds(), gazetteer)
    assert list(out["location_precision"]) == ["adresse", "adresse"]
    # commune found by point-in-commune, then département and région
    assert list(out["commune_code"]) == ["93066", "93006"]
    assert list(out["reg_code"]) == ["11", "11"]
    assert out["lon"].iloc[0] == pytest.approx(2.3561)


def test_points_lambert93_mode(gazetteer):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(2.36, 48.93)
    df = pd.DataFrame({"name": ["L93"], "x": [str(x)], "y": [str(y)]})
    out = locate_points(df, point_ds(options={"crs": 2154}), gazetteer)
    assert out["lon"].iloc[0] == pytest.approx(2.36, abs=1e-6)
    assert out["lat"].iloc[0] == pytest.approx(48.93, abs=1e-6)
    assert out["commune_code"].iloc[0] == "93066"


def test_points_commune_dep_and_none_modes(gazetteer):
    df = pd.DataFrame(
        {
            "name": ["Commune seule", "Ancien code", "Département seul", "Rien"],
            "commune_code": ["93006", "93999", None, None],
            "dep_code": ["93", None, "44", None],
        }
    )
    out = locate_points(df, make_ds(role="ptce", format="csv"), gazetteer)
    assert list(out["location_precision"]) == ["commune", "commune", "departement", "aucune"]
    # commune mode: the commune centroid; old code mapped to the current commune
    assert out["lon"].iloc[0] == pytest.approx(2.415)
    assert out["lat"].iloc[0] == pytest.approx(48.86)
    assert out["commune_code"].iloc[1] == "93066"
    assert out["lon"].iloc[1] == pytest.approx(2.36)
    # département only: no point, but counted in its département and région
    assert np.isnan(out["lon"].iloc[2]) and out["reg_code"].iloc[2] == "52"
    assert np.isnan(out["lon"].iloc[3]) and pd.isna(out["dep_code"].iloc[3])
    assert len(out) == 4  # nothing dropped
    assert list(out["id"]) == ["jeu_test-1", "jeu_test-2", "jeu_test-3", "jeu_test-4"]


def test_points_cp1252_file_end_to_end(official_fixtures, gazetteer):
    ds = point_ds(
        encoding="cp1252",
        separator=";",
        columns={
            "id": "Identifiant",
            "name": "Nom du lieu",
            "address": "Adresse",
            "commune_code": "Code INSEE",
            "dep_code": "Département",
            "lon": "Longitude",
            "lat": "Latitude",
        },
    )
    out = locate_points(
        read_dataset(ds, official_fixtures / "tiers_lieux_cp1252.csv"), ds, gazetteer
    )
    assert list(out["id"]) == ["TL-1", "TL-2", "TL-3", "TL-4"]
    assert list(out["location_precision"]) == ["adresse", "commune", "departement", "aucune"]
    assert out["address"].iloc[0] == "12 rue de l'Église 93200 Saint-Denis"
    inside = shapely.contains_xy(gazetteer.geoms[1], out["lon"].iloc[1], out["lat"].iloc[1])
    assert inside


def test_points_geojson_geometry_fills_coordinates(gazetteer):
    gdf = gpd.GeoDataFrame({"name": ["P"]}, geometry=[Point(2.36, 48.93)], crs=4326)
    out = locate_points(gdf, point_ds(), gazetteer)
    assert out["lon"].iloc[0] == pytest.approx(2.36)
    assert out["commune_code"].iloc[0] == "93066"


def test_grouped_rows_are_split_one_place_per_row(tmp_path):
    """ANCT's Fabriques file groups several places of one commune in a row ("a; b")."""
    import json

    features = [
        {
            "type": "Feature",
            "properties": {
                "id_territoire": "fabt-1; fabt-2",
                "lib_territoire": "Lieu A; Lieu B",
                "id_geo": "93066",
            },
            "geometry": {"type": "Point", "coordinates": [2.36, 48.93]},
        },
        {
            "type": "Feature",
            "properties": {
                "id_territoire": "fabt-3",
                "lib_territoire": "Lieu C; annexe",
                "id_geo": "1004",
            },
            "geometry": {"type": "Point", "coordinates": [5.37, 45.96]},
        },
    ]
    path = tmp_path / "fabt_geom.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    ds = Dataset(
        id="fabriques",
        role="third_places",
        title="t",
        publisher="p",
        licence="l",
        vintage="v",
        format="geojson",
        path=str(path),
        columns={"id": "id_territoire", "name": "lib_territoire", "commune_code": "id_geo"},
        options={"split": ["id", "name"], "split_separator": "; "},
    )
    df = readers.read_dataset(ds, path)
    assert list(df["id"]) == ["fabt-1", "fabt-2", "fabt-3"]
    # the third row does not split evenly (1 id, 2 names): kept whole, not mis-paired
    assert list(df["name"]) == ["Lieu A", "Lieu B", "Lieu C; annexe"]
    assert list(df["commune_code"]) == ["93066", "93066", "01004"]
    assert df.geometry.iloc[1].x == pytest.approx(2.36)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("93014, 93047", ["93014", "93047"]),
        ("1053", ["01053"]),
        ("2A004;2A041", ["2A004", "2A041"]),
        (None, []),
        ("", []),
    ],
)
def test_split_commune_codes(value, expected):
    assert readers.split_commune_codes(value) == expected
