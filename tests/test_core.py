"""Core modules: French formatting, named queries + identifier allow-list, DuckDB extension
loading without network, and the QPV membership/distance engine on hand-made geometries."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon

from sse_dash import db, fmt, queries
from sse_dash.qpv_index import ZONES, QpvIndex, zone_of

NBSP = "\u202f"


# ----------------------------------------------------------------------------- formatting
@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12345.6, 1, f"12{NBSP}345,6"),
        (1234567, 0, f"1{NBSP}234{NBSP}567"),
        (0.5, 2, "0,50"),
        (-1234.5, 1, f"-1{NBSP}234,5"),
    ],
)
def test_number_fr(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_number_en_and_missing():
    assert fmt.number(12345.6, 1, lang="en") == "12,345.6"
    assert fmt.number(None) == "–"
    assert fmt.number(float("nan")) == "–"


def test_percent_and_distance():
    assert fmt.percent(12.34) == f"12,3{NBSP}%"
    assert fmt.percent(0.1234, ratio=True) == f"12,3{NBSP}%"
    assert fmt.percent(12.34, lang="en") == "12.3%"
    assert fmt.distance(250.4) == "250 m"
    assert fmt.distance(12345) == "12,3 km"


# ----------------------------------------------------------------------------- named queries
def test_query_loader_rejects_bad_names():
    with pytest.raises(queries.UnknownQuery):
        queries.load("../etc/passwd")
    with pytest.raises(queries.UnknownQuery):
        queries.load("does_not_exist_anywhere")


def test_ident_allow_list():
    assert queries.ident("family", {"family", "naf_section"}) == '"family"'
    for evil in ['family"; DROP TABLE x; --', "nope", ""]:
        with pytest.raises(queries.ForbiddenIdentifier):
            queries.ident(evil, {"family"})


# ----------------------------------------------------------------------------- DuckDB
def test_spatial_loads_from_wheel_without_network():
    con = db.connect(None)
    assert db.extension_path("spatial").exists()
    wkt = con.execute("SELECT ST_AsText(ST_Point(2.35, 48.85))").fetchone()[0]
    assert wkt.startswith("POINT")
    # Lambert-93 -> WGS84 offline, lon/lat order
    lon, lat = con.execute(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_Point(652000, 6862000), "
        "'EPSG:2154', 'EPSG:4326', always_xy := true) AS p)"
    ).fetchone()
    assert 2.3 < lon < 2.4 and 48.8 < lat < 48.9


def test_read_only_warehouse_missing(tmp_path):
    with pytest.raises(db.WarehouseMissing):
        db.open_warehouse(tmp_path / "absent.duckdb")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "3GB"), ("5GB", "5GB"), ("512MB", "512MB"), ("2.5GiB", "2.5GiB"), ("'; DROP", "3GB")],
)
def test_build_connection_bounds_duckdb_memory(tmp_path, monkeypatch, value, expected):
    """The build keeps DuckDB's memory bounded (the national build must stay under 6 GB of
    RSS; DuckDB's own default is 80 % of the machine) and spills beside the warehouse."""
    monkeypatch.setenv("SSE_DASH_BUILD_MEMORY", value)
    con = db.connect_for_build(tmp_path / "w.duckdb")
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    con.close()
    number = float(expected.rstrip("GiMB"))
    unit = 1000 if expected.endswith("MB") else 1
    shown = float(limit.split()[0]) * (1 if limit.endswith("GiB") else 1 / 1024)
    assert abs(shown * unit - number) / number < 0.1, limit
    assert spill == str(tmp_path / "w.duckdb.spill")


def test_table_exists(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE qpv (code VARCHAR)")
    assert db.table_exists(con, "qpv")
    assert not db.table_exists(con, "qpv'; DROP TABLE qpv; --")


# ----------------------------------------------------------------------------- QPV engine
_TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)
_TO_WGS = Transformer.from_crs(2154, 4326, always_xy=True)


def _wgs(poly_l93):
    return shapely.transform(
        poly_l93, lambda xy: np.column_stack(_TO_WGS.transform(xy[:, 0], xy[:, 1]))
    )


def _pt(x, y):
    return _TO_WGS.transform(x, y)


@pytest.fixture(scope="module")
def index():
    # Saint-Denis-ish area in Lambert-93 metres; A has a hole, B is a multipolygon.
    x0, y0 = 652000.0, 6870000.0
    a = Polygon(
        [(x0, y0), (x0 + 1000, y0), (x0 + 1000, y0 + 1000), (x0, y0 + 1000)],
        [[(x0 + 400, y0 + 400), (x0 + 600, y0 + 400), (x0 + 600, y0 + 600), (x0 + 400, y0 + 600)]],
    )
    b = MultiPolygon(
        [
            Polygon(
                [(x0 + 3000, y0), (x0 + 3500, y0), (x0 + 3500, y0 + 500), (x0 + 3000, y0 + 500)]
            ),
            Polygon(
                [(x0 + 5000, y0), (x0 + 5500, y0), (x0 + 5500, y0 + 500), (x0 + 5000, y0 + 500)]
            ),
        ]
    )
    idx = QpvIndex(
        ["QN09301M", "QN09302M", "QN09303M"], [_wgs(a), _wgs(b), None], ["A", "B", "vide"]
    )
    return idx, x0, y0


def test_inside_outside_a_few_metres(index):
    idx, x0, y0 = index
    pts = [
        _pt(x0 + 3, y0 + 500),
        _pt(x0 - 3, y0 + 500),
        _pt(x0 + 500, y0 + 500),
        _pt(x0 + 395, y0 + 500),
    ]
    a = idx.assign([p[0] for p in pts], [p[1] for p in pts])
    assert list(a.inside) == [
        "QN09301M",
        None,
        None,
        "QN09301M",
    ]  # 3 m in, 3 m out, hole, 5 m from hole
    assert a.distance_m[0] == 0
    assert a.distance_m[1] == pytest.approx(3, abs=0.05)
    assert a.distance_m[2] == pytest.approx(
        100, abs=0.05
    )  # centre of the hole: 100 m from its edge
    assert list(a.nearest) == ["QN09301M"] * 4


def test_multipolygon_and_nearest(index):
    idx, x0, y0 = index
    pts = [_pt(x0 + 5250, y0 + 250), _pt(x0 + 4200, y0 + 250), _pt(x0 + 1800, y0 + 250)]
    a = idx.assign([p[0] for p in pts], [p[1] for p in pts])
    assert a.inside[0] == "QN09302M"
    assert a.inside[1] is None and a.nearest[1] == "QN09302M"
    assert a.distance_m[1] == pytest.approx(700, abs=0.05)
    assert a.nearest[2] == "QN09301M" and a.distance_m[2] == pytest.approx(800, abs=0.05)


def test_far_points_use_densified_vertices_within_tolerance(index):
    from sse_dash.qpv_index import FAR_SPACING_M

    idx, x0, y0 = index
    lon, lat = _pt(x0 + 512, y0 - 10_000)  # 10 km south of A's bottom edge, between two vertices
    a = idx.assign([lon], [lat])
    assert a.nearest[0] == "QN09301M"
    assert 10_000 - 0.05 <= a.distance_m[0] <= 10_000 + FAR_SPACING_M / 2


@pytest.mark.parametrize("metres", [1.0, 299.0, 301.0, 480.0])
def test_distances_near_a_qpv_are_exact(index, metres):
    """The 300 m flag must not depend on the vertex approximation used for far points."""
    idx, x0, y0 = index
    lon, lat = _pt(x0 + 512, y0 - metres)
    a = idx.assign([lon], [lat])
    assert a.inside[0] is None
    assert a.distance_m[0] == pytest.approx(metres, abs=0.05)


@pytest.mark.parametrize("swap", [False, True])
def test_two_qpv_equally_near_give_the_first_code(swap):
    """Two QPV sharing a contour are at the same distance from a point beyond their common
    corner: the nearest is the first code, whichever polygon it is and whatever order the
    KD-tree returns equal vertices in."""
    x0, y0 = 652_000.0, 6_862_000.0
    left = Polygon([(x0, y0), (x0 + 400, y0), (x0 + 400, y0 + 400), (x0, y0 + 400)])
    right = Polygon([(x0 + 400, y0), (x0 + 800, y0), (x0 + 800, y0 + 400), (x0 + 400, y0 + 400)])
    geoms = [_wgs(right), _wgs(left)] if swap else [_wgs(left), _wgs(right)]
    idx = QpvIndex(["QN09301M", "QN09302M"], geoms)
    lon, lat = _pt(x0 + 400, y0 + 650)  # 250 m straight above the shared corner
    a = idx.assign([lon], [lat])
    assert a.inside[0] is None
    assert a.distance_m[0] == pytest.approx(250, abs=0.05)
    assert a.nearest[0] == "QN09301M"


@pytest.mark.parametrize("metres", [100.0, 499.0, 520.0])
def test_a_small_qpv_far_from_the_others_gets_exact_distances(metres):
    """Fewer than K contour vertices lie near the point (a small QPV, the other 3 km away):
    the K-nearest search is bounded, and the missing neighbours change nothing."""
    x0, y0 = 652_000.0, 6_862_000.0
    small = Polygon([(x0, y0), (x0 + 40, y0), (x0 + 40, y0 + 40), (x0, y0 + 40)])
    big = Polygon(
        [(x0 + 3000, y0), (x0 + 5000, y0), (x0 + 5000, y0 + 2000), (x0 + 3000, y0 + 2000)]
    )
    idx = QpvIndex(["QN09301M", "QN09302M"], [_wgs(small), _wgs(big)])
    lon, lat = _pt(x0 - metres, y0 + 20)  # west of the small square's middle
    a = idx.assign([lon], [lat])
    assert a.inside[0] is None
    assert a.nearest[0] == "QN09301M"
    assert a.distance_m[0] == pytest.approx(metres, abs=0.05)


def test_the_raster_of_nearest_vertices_answers_as_the_kd_tree():
    """The persisted raster of nearest coarse vertices (cells whose four corners share one)
    gives the KD-tree's nearest vertex and distance for the points it covers (most far
    points), and the assignment is the same with it as without it."""
    rng = np.random.default_rng(4)
    x0, y0 = 652_000.0, 6_862_000.0
    polys = [
        Point(x0 + dx, y0 + dy).buffer(r, quad_segs=16)
        for dx, dy, r in ((0, 0, 600), (9_000, 2_000, 300), (-4_000, 12_000, 1_500))
    ]
    idx = QpvIndex([f"QN0930{i}M" for i in range(3)], [_wgs(p) for p in polys])
    zone = idx._zones[0]
    raster = zone.far_raster((x0 - 60_000, y0 - 60_000, x0 + 60_000, y0 + 60_000))
    x = x0 + rng.uniform(-60_000, 60_000, 40_000)
    y = y0 + rng.uniform(-60_000, 60_000, 40_000)
    xy = np.column_stack([x, y])
    d_tree, v_tree = zone._coarse_nearest(xy)
    plain = idx.assign(*_pt(x, y))
    zone.far = raster
    d, v = zone._coarse_nearest(xy)
    cells = raster["cells"]
    covered = (cells >= 0).mean()
    assert covered > 0.5  # else the raster would only cost time
    assert np.array_equal(v, v_tree) and np.array_equal(d, d_tree)
    with_raster = idx.assign(*_pt(x, y))
    assert np.array_equal(with_raster.distance_m, plain.distance_m)
    assert np.array_equal(with_raster.nearest_row, plain.nearest_row)
    assert np.array_equal(with_raster.error_m, plain.error_m)
    # an index persisted with its rasters reads them back; one persisted before, without
    arrays, meta = idx.to_arrays("q24")
    assert QpvIndex.from_arrays(arrays, meta, "q24")._zones[0].far["cells"].shape == cells.shape
    old = {k: a for k, a in arrays.items() if ".far_" not in k}
    assert QpvIndex.from_arrays(old, meta, "q24")._zones[0].far is None
    idx.make_far_rasters()  # what the build persists: the zone's raster and segments
    arrays, meta = idx.to_arrays("q24")
    loaded = QpvIndex.from_arrays(arrays, meta, "q24")._zones[0]
    assert np.array_equal(loaded._directions, zone.directions)
    assert np.array_equal(loaded.far["cells"], zone.far["cells"])


def test_missing_and_outside_france(index):
    idx, *_ = index
    a = idx.assign([np.nan, -73.99, 2.35], [np.nan, 40.73, 48.85])
    assert list(a.zone[:2]) == [-1, -1]
    assert a.inside[0] is None and math.isnan(a.distance_m[0])
    assert a.inside[1] is None and math.isnan(a.distance_m[1])
    assert a.zone[2] == 0


def test_zones_cover_overseas():
    names = [
        ZONES[z][0]
        for z in zone_of([55.45, -61.55, -52.33, 45.17, 2.35], [-20.88, 16.25, 4.93, -12.78, 48.85])
    ]
    assert names == ["reunion", "antilles", "guyane", "mayotte", "metropole"]


def test_empty_index_returns_nothing():
    idx = QpvIndex([], [])
    a = idx.assign([2.35], [48.85])
    assert a.inside[0] is None and math.isnan(a.distance_m[0])


def test_include_expands_shared_fragments():
    """The territory/filter clause lives once (ui_sse_filter) and is expanded in every query."""
    fragment = queries.load("ui_sse_filter")
    for name in (
        "ui_sse_summary",
        "ui_sse_totals",
        "ui_sse_points",
        "ui_sse_map_points",
    ):
        text = queries.load(name)
        assert "@include" not in text
        assert "e.ept_code = $epci" in text
        assert "(NOT $employer OR e.employer)" in text
    assert "@include" not in fragment


def test_include_refuses_itself(monkeypatch):
    queries.load.cache_clear()
    real = queries.resources.files

    class Fake:
        def joinpath(self, name):
            return self

        def read_text(self, encoding):
            return "SELECT 1 WHERE @include(loop_query)"

    monkeypatch.setattr(queries.resources, "files", lambda pkg: Fake())
    try:
        with pytest.raises(queries.UnknownQuery):
            queries.load("loop_query")
    finally:
        monkeypatch.setattr(queries.resources, "files", real)
        queries.load.cache_clear()


@pytest.mark.parametrize("table", [True, False])
def test_box_grid_finds_the_boxes_holding_each_point(monkeypatch, table):
    """Same (point, box) pairs as a brute-force test, with the direct lookup table of cells
    and with the binary search used when the grid's extent is too large for a table."""
    from sse_dash.qpv_index import BoxGrid

    rng = np.random.default_rng(7)
    lo = rng.uniform([-5, 40], [8, 50], size=(300, 2))
    bounds = np.column_stack([lo, lo + rng.uniform(0.01, 0.8, size=(300, 2))])
    if not table:
        monkeypatch.setattr(BoxGrid, "_MAX_TABLE", 0)
    grid = BoxGrid(bounds, 0.1)
    x = np.concatenate([rng.uniform(-6, 9, 5000), [np.nan, 2.0, -60.0]])
    y = np.concatenate([rng.uniform(39, 51, 5000), [45.0, np.nan, 16.0]])
    p, b = grid.query(x, y)
    assert (grid._table() is not False) == table
    with np.errstate(invalid="ignore"):
        inside = (
            (x[:, None] >= bounds[:, 0]) & (x[:, None] <= bounds[:, 2])
            & (y[:, None] >= bounds[:, 1]) & (y[:, None] <= bounds[:, 3])
        )  # fmt: skip
    expected = set(zip(*np.nonzero(inside), strict=True))
    assert set(zip(p.tolist(), b.tolist(), strict=True)) == expected
    assert len(p) == len(expected) > 1000
