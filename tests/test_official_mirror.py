"""catalogs/official.toml built end to end without network through SSE_DASH_MIRROR: every
dataset comes from a mirror folder holding it under its official name and format
(tests/official_mirror.py explains where each copy comes from and why the COG checksums are
unpinned). SIRENE is the synthetic generator's « officiel » layout, which the build recognises
and flags as fictitious; `data status` and `export etablissements` then run on that warehouse."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from official_mirror import build_mirror, unpinned

from sse_dash import cli, datagouv, db
from sse_dash.sirene import schema
from sse_dash.warehouse.build import build


@pytest.fixture(scope="module")
def official_build(shared_data, dev_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("official")
    mirror = root / "miroir"
    con = db.open_warehouse(dev_warehouse)
    try:
        files = build_mirror(mirror, shared_data, con)
    finally:
        con.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("SSE_DASH_MIRROR", str(mirror))
    mp.setenv(datagouv.API_ENV, "none")
    mp.setenv("SSE_DASH_DATA_DIR", str(root / "data"))
    try:
        path = build(unpinned(), root / "data")
        yield path, mirror, files
    finally:
        mp.undo()


def test_every_dataset_came_from_the_mirror(official_build):
    path, mirror, files = official_build
    con = db.connect(path, read_only=True)
    try:
        prov = {r[0]: r[1:] for r in con.execute(
            "SELECT dataset_id, source, rows, synthetic, vintage FROM provenance"
        ).fetchall()}  # fmt: skip
        for ds in unpinned().datasets:
            assert ds.id in prov, ds.id
            assert prov[ds.id][0].startswith(str(mirror)), (ds.id, prov[ds.id][0])
            assert prov[ds.id][1], ds.id  # rows read
        for role in ("sirene_unites_legales", "sirene_etablissements", "sirene_geolocalisation"):
            assert prov[role][0].endswith(schema.OFFICIAL_NAMES[role])
            assert prov[role][2] is True  # synthetic files recognised under official names
        assert con.execute("SELECT value FROM meta WHERE key = 'sirene_synthetic'").fetchone() == (
            "true",
        )
        assert prov["cog_communes"][2] is False
        assert con.execute("SELECT count(*) FROM establishments").fetchone()[0] > 500
    finally:
        con.close()


def test_third_places_census_and_duplicates(official_build):
    path, _, _ = official_build
    con = db.connect(path, read_only=True)
    try:
        rows = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT id, location_precision, qpv24_status, also_in, duplicate_of, "
                "commune_code FROM third_places"
            ).fetchall()
        }
    finally:
        con.close()
    precision, status, also_in, duplicate_of, commune = range(5)
    miel = rows["TL26-0001"]
    assert miel[precision] == "adresse" and miel[duplicate_of] is None
    assert miel[commune] == "93066"  # commune found from the decimal-comma coordinates
    assert "Fabriques de territoire" in miel[also_in]
    assert rows["fabt-63"][duplicate_of] == "TL26-0001"  # ANCT row points at the census row
    assert rows["fabt-63"][status] == "incertain"  # commune centre
    nowhere = rows["TL26-0004"]
    assert (nowhere[precision], nowhere[status]) == ("aucune", "incertain")
    assert rows["TL26-0002"][duplicate_of] is None
    assert "Fabriques" in (rows["TL26-0002"][also_in] or "")


def test_status_and_export_on_the_official_build(official_build, tmp_path, capsys):
    path, _, _ = official_build
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "accord QPV calculé" in out and "HZ (hors zone)" in out
    assert "SIRENE synthétique" in out
    target = tmp_path / "ets.csv"
    assert (
        cli.main(["export", "etablissements", "--territoire", "dep:93", "--out", str(target)]) == 0
    )
    assert "synthétiques" in capsys.readouterr().out
    frame = pd.read_csv(io.BytesIO(target.read_bytes()), sep=";", encoding="utf-8-sig", dtype=str)
    con = db.connect(path, read_only=True)
    try:
        n93 = con.execute("SELECT count(*) FROM establishments WHERE dep_code = '93'").fetchone()
    finally:
        con.close()
    assert len(frame) == n93[0] > 0
    assert set(frame["en_qpv_2024"]) <= {"oui", "non", "incertain"}
    assert frame.loc[frame.en_qpv_2024 == "incertain", "distance_qpv_m"].isna().all()
