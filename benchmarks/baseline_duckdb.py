"""Baseline for `qpv check`: one DuckDB spatial query — membership only (no distance), the
whole CSV in, the whole CSV out.

    python -m benchmarks.baseline_duckdb POINTS.csv QPV.parquet OUT.csv

Same inputs as benchmarks/baseline_geopandas.py. The spatial extension is loaded from its
registry wheel, as the project does (sse_dash.db)."""

from __future__ import annotations

import sys

QUERY = """
COPY (
    SELECT p.*, q.code AS code_qpv
    FROM read_csv(?, delim = ';', header = true) AS p
    LEFT JOIN (SELECT code, geometry FROM read_parquet(?)) AS q
      ON ST_Contains(q.geometry, ST_Point(p.longitude, p.latitude))
) TO '{out}' (HEADER, DELIMITER ';')
"""


def main(points: str, qpv: str, out: str) -> None:
    import duckdb

    from sse_dash import db

    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    db.load_extension(con, "spatial")
    con.execute(QUERY.format(out=out.replace("'", "''")), [points, qpv])


if __name__ == "__main__":
    main(*sys.argv[1:4])
