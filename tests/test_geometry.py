"""Geometry repair, areas, label points, display simplification and commune reconciliation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box

from sse_dash.catalog import Dataset
from sse_dash.warehouse import geometry as geo
from sse_dash.warehouse.readers import read_dataset


def bowtie_dataset() -> Dataset:
    return Dataset(
        id="qpv_test",
        role="qpv",
        title="t",
        publisher="p",
        licence="l",
        vintage="v",
        format="geojson",
        columns={"code": "code_qp", "name": "lib_qp", "commune_code": "insee_com"},
    )


def test_bowtie_is_repaired_and_recorded(official_fixtures):
    gdf = read_dataset(bowtie_dataset(), official_fixtures / "qpv_bowtie.geojson")
    assert not gdf.geometry.iloc[0].is_valid  # the source ring crosses itself
    issues: list[geo.Issue] = []
    fixed, status = geo.repair(gdf.geometry.to_numpy(), gdf["code"], "qpv_test", issues)
    assert list(status) == ["repaired", "ok", "empty"]
    assert fixed[0].is_valid and fixed[0].geom_type in ("Polygon", "MultiPolygon")
    # both wings of the bow-tie kept: 2 triangles of half the bounding square each
    assert fixed[0].area == pytest.approx(0.02 * 0.02 / 2)
    assert fixed[1].equals(gdf.geometry.iloc[1])
    assert fixed[2] is None
    kinds = {(i.kind, i.code) for i in issues}
    assert ("geometry_repaired", "QN07501M") in kinds
    assert ("geometry_empty", "QN07503M") in kinds
    assert not any(i.code == "QN07502M" for i in issues)


def test_polygonal_keeps_only_surfaces():
    line = shapely.LineString([(0, 0), (1, 1)])
    mixed = shapely.GeometryCollection([box(0, 0, 1, 1), line, box(2, 2, 3, 3)])
    out = geo.polygonal(mixed)
    assert out.geom_type == "MultiPolygon" and out.area == pytest.approx(2.0)
    assert geo.polygonal(line) is None


def _square_wgs84(epsg: int, x: float, y: float, side: float = 1000.0) -> Polygon:
    tr = Transformer.from_crs(epsg, 4326, always_xy=True)
    return shapely.transform(
        box(x, y, x + side, y + side),
        lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])),
    )


def test_metric_areas_metro_and_overseas():
    paris = _square_wgs84(2154, 652000, 6862000)  # Lambert-93
    reunion = _square_wgs84(2975, 340000, 7690000)  # UTM 40S
    geoms = np.array([paris, reunion, None], dtype=object)
    lon, lat = geo.label_points(geoms)
    assert paris.contains(shapely.Point(lon[0], lat[0]))
    assert np.isnan(lon[2])
    areas = geo.metric_areas(geoms, lon, lat)
    assert areas[0] == pytest.approx(1e6, rel=1e-4)
    assert areas[1] == pytest.approx(1e6, rel=1e-4)
    assert np.isnan(areas[2])


def test_display_simplification_is_separate():
    ring = [(2.3 + 0.01 * np.cos(t), 48.8 + 0.01 * np.sin(t)) for t in np.linspace(0, 6.28, 400)]
    poly = Polygon(ring)
    before = shapely.get_num_coordinates(poly)
    display = geo.simplify_display(np.array([poly], dtype=object))[0]
    assert shapely.get_num_coordinates(display) < shapely.get_num_coordinates(poly)
    assert shapely.get_num_coordinates(poly) == before  # the input itself is untouched


def cog_extract() -> pd.DataFrame:
    """Canonical columns as read from the COG (commune nouvelle 01015 = 01015 + 01340)."""
    return pd.DataFrame(
        {
            "code": ["01015", "01015", "01340", "75056", "75101", "51108", "51109", "01999"],
            "type": [
                "commune-actuelle",
                "commune-deleguee",
                "commune-deleguee",
                "commune-actuelle",
                "arrondissement-municipal",
                "commune-actuelle",
                "commune-associee",
                "commune-actuelle",
            ],
            "former_codes": [["01234"], None, None, None, None, None, None, None],
            "parent_code": [None, "01015", "01015", None, None, None, "51108", None],
            "city_code": [None, None, None, None, "75056", None, None, None],
        }
    )


def test_commune_aliases_kinds():
    aliases = geo.commune_aliases(cog_extract())
    got = {a: (c, k) for a, c, k in aliases.itertuples(index=False)}
    assert got["01015"] == ("01015", "self")
    assert got["01234"] == ("01015", "ancien_code")
    assert got["01340"] == ("01015", "deleguee")
    assert got["51109"] == ("51108", "associee")
    assert got["75101"] == ("75056", "arrondissement")
    assert got["75056"] == ("75056", "self")


def test_reconcile_dissolves_and_reports():
    cog = cog_extract()
    aliases = geo.commune_aliases(cog)
    current = cog.loc[cog["type"] == "commune-actuelle", "code"].tolist()
    codes_2018 = ["01015", "01340", "01234", "75056", "51108", "99999"]
    geoms = [
        box(0, 0, 1, 1),
        box(1, 0, 2, 1),
        box(0, 1, 1, 2),
        box(5, 5, 6, 6),
        box(7, 7, 8, 8),
        box(9, 9, 10, 10),
    ]
    issues: list[geo.Issue] = []
    out = geo.reconcile_communes(codes_2018, geoms, aliases, current, "contours", issues)
    # 01015 = its own contour + delegated 01340 + former 01234, dissolved into one surface
    assert out["01015"].area == pytest.approx(3.0)
    assert out["01015"].geom_type == "Polygon"
    assert out["75056"].equals(box(5, 5, 6, 6))
    assert "99999" not in out
    unmatched = {i.code for i in issues if i.kind == "commune_unmatched"}
    assert unmatched == {"99999", "01999"}  # unknown 2018 code + current commune without contour
    reconciled = {i.code for i in issues if i.kind == "commune_reconciled"}
    assert reconciled == {"01340", "01234"}
