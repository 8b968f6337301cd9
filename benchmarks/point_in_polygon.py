"""Point-in-QPV on the real QPV 2024 contours: the project's engine (membership, then with the
distance to the nearest QPV) next to the shapely STRtree floor and a GeoPandas sjoin."""

from __future__ import annotations

import numpy as np

from benchmarks.timing import timed
from sse_dash import config


def _qpv_contours():
    """Real QPV 2024 contours: from the built warehouse if present, else ../shared/data."""
    import geopandas as gpd

    wh = config.warehouse_path()
    if wh.exists():
        from sse_dash import db

        con = db.open_warehouse(wh)
        rows = con.execute(
            "SELECT code, ST_AsWKB(geom) FROM qpv WHERE geography = '2024' AND geom IS NOT NULL"
        ).fetchall()
        import shapely

        return [r[0] for r in rows], shapely.from_wkb([bytes(r[1]) for r in rows]), str(wh)
    path = config.shared_data_dir() / "qpv" / "qpv_2024_contours_simplifies.parquet"
    g = gpd.read_parquet(path)
    g = g[g.geometry.notna()]
    return list(g.code_qp), g.geometry.values, str(path)


def sample_points(geoms, n: int, seed: int = 0, share_near: float = 0.3):
    """Points like SSE establishments: a share drawn around QPVs, the rest over populated France."""
    import shapely

    rng = np.random.default_rng(seed)
    metro = [
        g
        for g in geoms
        if -5.8 < shapely.get_x(shapely.centroid(g)) < 10
        and shapely.get_y(shapely.centroid(g)) > 41
    ]
    cents = shapely.get_coordinates(shapely.centroid(np.asarray(metro)))
    k = int(n * share_near)
    pick = rng.integers(0, len(cents), k)
    near_lon = cents[pick, 0] + rng.normal(0, 0.006, k)
    near_lat = cents[pick, 1] + rng.normal(0, 0.004, k)
    far_lon = rng.uniform(-4.5, 7.5, n - k)
    far_lat = rng.uniform(43.0, 50.5, n - k)
    return np.concatenate([near_lon, far_lon]), np.concatenate([near_lat, far_lat])


def bench_point_in_polygon(sizes=(100_000, 1_000_000, 5_000_000)) -> list[dict]:
    """Project engine (membership + distance) vs shapely STRtree floor (membership only) vs
    GeoPandas sjoin, on the real QPV 2024 contours."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from sse_dash.qpv_index import QpvIndex

    codes, geoms, source = _qpv_contours()
    idx = QpvIndex(codes, geoms)
    tr = Transformer.from_crs(4326, 2154, always_xy=True)
    metric = shapely.transform(
        np.asarray(geoms), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    )
    shapely.prepare(metric)
    tree = shapely.STRtree(metric)
    polys = gpd.GeoDataFrame({"code": codes}, geometry=list(geoms), crs=4326)
    out = []
    for n in sizes:
        lon, lat = sample_points(geoms, n)
        repeat = 3 if n <= 1_000_000 else 1

        def floor(lon=lon, lat=lat):
            x, y = tr.transform(lon, lat)
            p, t = tree.query(shapely.points(x, y))
            shapely.contains_xy(metric[t], x[p], y[p])

        def sjoin(lon=lon, lat=lat):
            pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
            gpd.sjoin(pts, polys, predicate="within", how="left")

        eng_in, _ = timed(
            lambda lon=lon, lat=lat: idx.assign(lon, lat, with_distance=False), repeat
        )
        eng_full, _ = timed(lambda lon=lon, lat=lat: idx.assign(lon, lat), repeat)
        fl, _ = timed(floor, repeat)
        sj, _ = timed(sjoin, 1 if n > 100_000 else repeat)
        inside = sum(v is not None for v in idx.assign(lon, lat, with_distance=False).inside)
        out.append(
            {
                "name": f"point-in-polygon {n:,} pts".replace(",", " "),
                "points": n,
                "engine_membership_s": round(eng_in, 3),
                "engine_membership_and_distance_s": round(eng_full, 3),
                "strtree_floor_s": round(fl, 3),
                "geopandas_sjoin_s": round(sj, 3),
                "ratio_engine_vs_floor": round(eng_in / fl, 2),
                "points_inside": inside,
                "polygons": len(codes),
                "contours": source,
            }
        )
    return out
