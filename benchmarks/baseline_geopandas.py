"""Baseline for `qpv check`: what a GIS-literate analyst writes with GeoPandas — read the CSV,
make points, project to Lambert-93, nearest QPV with its distance (0 inside), write a CSV.

    python -m benchmarks.baseline_geopandas POINTS.csv QPV.parquet OUT.csv

POINTS.csv: `;`-separated with `longitude` / `latitude` columns (WGS84, decimal point);
QPV.parquet: GeoParquet of the QPV 2024 contours (WGS84, column `code`)."""

from __future__ import annotations

import sys

import geopandas as gpd
import pandas as pd


def main(points: str, qpv: str, out: str) -> None:
    df = pd.read_csv(points, sep=";")
    pts = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df.longitude, df.latitude), crs=4326
    ).to_crs(2154)
    polygons = gpd.read_parquet(qpv)[["code", "geometry"]].to_crs(2154)
    joined = gpd.sjoin_nearest(pts, polygons, how="left", distance_col="distance_m")
    joined = joined[~joined.index.duplicated()]  # a point equidistant from two QPV: one row
    joined["en_qpv"] = joined.distance_m == 0
    joined.drop(columns=["geometry", "index_right"]).to_csv(out, sep=";", index=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
