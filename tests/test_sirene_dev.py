"""The SIRENE step inside the real dev build (real communes and QPV contours, synthetic SIRENE
at scale "test"): flags, consistency and plausibility on real geography."""

from __future__ import annotations

import pytest

from sse_dash import db
from sse_dash.sirene import aggregates, step


@pytest.fixture(scope="module")
def con(dev_warehouse):
    c = db.open_warehouse(dev_warehouse)
    yield c
    c.close()


def test_dev_build_has_flagged_synthetic_establishments(con):
    assert con.execute("SELECT value FROM meta WHERE key = 'sirene_synthetic'").fetchone() == (
        "true",
    )
    prov = con.execute(
        "SELECT count(*), bool_and(synthetic) FROM provenance WHERE role LIKE 'sirene_%'"
    ).fetchone()
    assert prov == (3, True)
    assert any("données fictives" in line for line in step.status_lines(con))


def test_dev_build_establishments_on_real_geography(con):
    n, located, deps, arr = con.execute(
        "SELECT count(*), count(commune_code), count(DISTINCT dep_code), "
        "count(*) FILTER (WHERE commune_code_raw <> commune_code) FROM establishments"
    ).fetchone()
    assert n > 1000 and located == n
    assert deps >= 2
    assert arr > 0  # Paris arrondissements (or pre-merger codes) mapped to the current commune
    assert aggregates.check_consistency(con) == []
    # a point inside a QPV lies in that QPV's geometry (checked independently with DuckDB)
    bad = con.execute(
        "SELECT count(*) FROM establishments e JOIN qpv q "
        "ON q.code = e.qpv24 AND q.geography = '2024' "
        "WHERE e.lon IS NOT NULL AND NOT ST_Intersects(q.geom, ST_Point(e.lon, e.lat))"
    ).fetchone()[0]
    assert bad == 0
    # INSEE's zone (QPV code, HZ or CSZ = outside) against ours, on comparable rows
    agree, compared, hz_csz = con.execute(
        "SELECT count(*) FILTER (WHERE (qpv24_status = 'oui' AND insee_plg_qp24 = qpv24) OR "
        "(qpv24_status = 'non' AND insee_plg_qp24 IN ('HZ', 'CSZ'))), count(*), "
        "count(*) FILTER (WHERE insee_plg_qp24 IN ('HZ', 'CSZ')) "
        "FROM establishments WHERE qpv24_status IN ('oui', 'non') "
        "AND insee_plg_qp24 IS NOT NULL AND insee_qualite_qp24 = '1'"
    ).fetchone()
    assert 0.97 < agree / compared <= 1.0 and hz_csz > compared / 2
