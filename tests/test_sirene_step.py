"""The build step with real (catalogued, local) SIRENE files: no synthetic flag anywhere."""

from __future__ import annotations

from types import SimpleNamespace

from sirene_support import hm, local_catalog, mini_geo

from sse_dash.sirene import step


def test_real_catalogued_files_are_used_and_not_flagged(tmp_path):
    units = [hm.unit("100000001"), hm.unit("100000002", ess="N")]
    ests = [
        hm.establishment("10000000100011", "93001", band="11"),
        hm.establishment("10000000200010", "93001"),
    ]
    geos = [hm.geoloc("10000000100011", lon=2.34, lat=48.915, plg="QN09301M")]
    paths = hm.write(tmp_path / "files", units, ests, geos)
    catalog = local_catalog(tmp_path, paths)
    con = mini_geo.build()
    ctx = SimpleNamespace(
        data_dir=tmp_path, downloads_dir=tmp_path / "dl", progress=None, options={}
    )
    step.run(con, catalog, ctx)
    assert con.execute("SELECT siret, qpv24, insee_plg_qp24 FROM establishments").fetchall() == [
        ("10000000100011", "QN09301M", "QN09301M")
    ]
    assert con.execute("SELECT value FROM meta WHERE key = 'sirene_synthetic'").fetchone() == (
        "false",
    )
    prov = con.execute(
        "SELECT dataset_id, synthetic, rows, sha256 IS NOT NULL FROM provenance ORDER BY 1"
    ).fetchall()
    assert [p[0] for p in prov] == sorted(step.ROLES)
    assert all(p[1] is False and p[3] for p in prov)
    assert dict((p[0], p[2]) for p in prov)["sirene_etablissements"] == 2
    lines = step.status_lines(con)
    assert "réelles" in lines[0] and "fictives" not in " ".join(lines)
    assert not (tmp_path / "synthetic").exists()
    con.close()
