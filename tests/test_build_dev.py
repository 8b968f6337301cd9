"""The build from catalogs/dev.toml (real data in ../shared/data), checked against the sources."""

from __future__ import annotations

import hashlib
import re
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from sse_dash import cli, config, db
from sse_dash.catalog import load_catalog
from sse_dash.sirene.step import ROLES as SIRENE_ROLES
from sse_dash.warehouse.build import name_search

METRO_DEP = re.compile(r"^(\d{2}|2[AB])$")


@pytest.fixture(scope="module")
def con(dev_warehouse):
    c = db.connect(dev_warehouse, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(config.DEV_CATALOG)


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


def source(catalog, dataset_id):
    return catalog.get(dataset_id).local_path()


def test_qpv_2024(con):
    total, with_geom = one(con, "SELECT count(*), count(geom) FROM qpv WHERE geography = '2024'")
    assert (total, with_geom) == (1609, 1606)
    deps = [
        r[0] for r in con.execute("SELECT dep_code FROM qpv WHERE geography = '2024'").fetchall()
    ]
    assert sum(bool(METRO_DEP.match(d)) for d in deps) == 1362
    missing = one(
        con,
        "SELECT count(*) FROM qpv WHERE geography = '2024' AND (dep_code IS NULL OR reg_code IS NULL)",
    )[0]
    assert missing == 0
    # every département/région code of a QPV exists in the COG tables
    orphans = one(
        con,
        "SELECT count(*) FROM qpv q LEFT JOIN departements d ON d.code = q.dep_code "
        "WHERE d.code IS NULL",
    )[0]
    assert orphans == 0
    empty = one(con, "SELECT count(*) FROM qpv WHERE geom IS NULL AND geometry_status = 'empty'")
    assert empty[0] == 1609 - 1606


def test_qpv_2015_rows(con):
    assert one(con, "SELECT count(*) FROM qpv WHERE geography = '2015'")[0] == 105 + 6
    assert one(con, "SELECT count(*) FROM qpv WHERE dep_code = '35' AND geography='2015'")[0] == 6


def test_membership_geometry_not_simplified(con, catalog):
    """qpv.geom keeps every vertex of the full-resolution source; geom_display is lighter."""
    src = gpd.read_parquet(source(catalog, "qpv_2015_rennes"))
    expected = dict(zip(src["code_qp"], shapely.get_num_coordinates(src.geometry), strict=True))
    rows = con.execute(
        "SELECT code, ST_NPoints(geom), ST_NPoints(geom_display) FROM qpv WHERE code LIKE 'QP035%'"
    ).fetchall()
    assert {code: n for code, n, _ in rows} == expected
    assert sum(d for *_, d in rows) < sum(expected.values())


def test_qpv_label_points_inside_and_areas(con):
    bad = one(
        con,
        "SELECT count(*) FROM qpv WHERE geom IS NOT NULL AND "
        "NOT ST_Intersects(geom, ST_Point(lon, lat))",
    )[0]
    assert bad == 0
    assert one(con, "SELECT count(*) FROM qpv WHERE geom IS NOT NULL AND NOT area_m2 > 0")[0] == 0


def test_qpv_rennes_area_matches_source(con, catalog):
    """The Rennes source states each surface in hectares: metric areas agree within 5 %."""
    src = pd.read_parquet(source(catalog, "qpv_2015_rennes"), columns=["code_qp", "surface_ha"])
    got = dict(
        con.execute("SELECT code, area_m2 / 10000 FROM qpv WHERE code LIKE 'QP035%'").fetchall()
    )
    for code, ha in zip(src["code_qp"], src["surface_ha"], strict=True):
        assert got[code] == pytest.approx(ha, rel=0.05, abs=1.0)


def test_qpv_multi_commune_lists(con, catalog):
    """QPV spanning several current communes (arrondissements count as their city, merged
    communes as the new commune: Pierrefitte joined Saint-Denis in 2025)."""
    ind = pd.read_parquet(source(catalog, "qpv_2024_indicateurs"), columns=["code_qp", "insee_com"])
    city = dict(con.execute("SELECT alias_code, commune_code FROM commune_aliases").fetchall())
    ind["commune"] = ind["insee_com"].map(lambda c: city.get(c, c))
    multi = ind.groupby("code_qp")["commune"].nunique()
    expected = set(multi[multi > 1].index)
    got = {
        r[0]
        for r in con.execute(
            "SELECT code FROM qpv WHERE geography = '2024' AND len(commune_codes) > 1"
        ).fetchall()
    }
    assert got == expected
    links = one(con, "SELECT count(*) FROM qpv_communes WHERE geography = '2024'")[0]
    assert links >= 1609 - 3
    # every code is one real current commune (ANCT joins several in one field: "93014, 93047")
    unknown = con.execute(
        "SELECT DISTINCT q.commune_code FROM qpv_communes q "
        "LEFT JOIN communes c ON c.code = q.commune_code WHERE c.code IS NULL"
    ).fetchall()
    assert unknown == []
    bad_main = one(
        con,
        "SELECT count(*) FROM qpv q LEFT JOIN communes c ON c.code = q.commune_code "
        "WHERE q.commune_code IS NOT NULL AND c.code IS NULL",
    )[0]
    assert bad_main == 0


def test_epci_and_ept(con, catalog):
    assert one(con, "SELECT count(*) FROM epci WHERE type <> 'EPT'")[0] == 1255
    ept = pd.read_parquet(source(catalog, "cog_ept_membres"))
    n_ept = ept["code_ept"].nunique()
    assert one(con, "SELECT count(*), count(geom_display) FROM epci WHERE type = 'EPT'") == (
        n_ept,
        n_ept,
    )
    # Plaine Commune: its communes carry its code, its contour covers them
    plaine = ept.loc[ept["nom_ept"] == "Plaine Commune"]
    code = plaine["code_ept"].iloc[0]
    members = sorted(plaine["code_commune"])
    got = sorted(
        r[0] for r in con.execute("SELECT code FROM communes WHERE ept_code = ?", [code]).fetchall()
    )
    assert got == members
    uncovered = one(
        con,
        "SELECT count(*) FROM communes c, epci e WHERE e.code = ? AND c.ept_code = e.code "
        "AND NOT ST_Intersects(e.geom_display, ST_PointOnSurface(c.geom_display))",
        [code],
    )[0]
    assert uncovered == 0


def test_communes_reconciliation_complete(con, catalog):
    reconciled = one(con, "SELECT count(*) FROM build_issues WHERE kind = 'commune_reconciled'")
    assert reconciled[0] > 0
    silent = one(
        con,
        "SELECT count(*) FROM communes c WHERE c.geom_display IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM build_issues b WHERE b.kind = 'commune_unmatched' AND b.code = c.code)",
    )[0]
    assert silent == 0
    cog = pd.read_parquet(source(catalog, "cog_communes"), columns=["code", "type"])
    n_current = int((cog["type"] == "commune-actuelle").sum())
    assert one(con, "SELECT count(*), count(DISTINCT code) FROM communes") == (n_current, n_current)
    # every 2018 code is either a current commune, an alias, or reported
    geo18 = pd.read_parquet(source(catalog, "contours_communes"), columns=["code"])
    aliases = {r[0] for r in con.execute("SELECT alias_code FROM commune_aliases").fetchall()}
    reported = {
        r[0]
        for r in con.execute(
            "SELECT code FROM build_issues WHERE kind = 'commune_unmatched'"
        ).fetchall()
    }
    assert set(geo18["code"]) <= aliases | reported


def test_commune_aliases_cities(con):
    rows = dict(
        con.execute(
            "SELECT alias_code, commune_code FROM commune_aliases WHERE kind = 'arrondissement'"
        ).fetchall()
    )
    assert rows["75101"] == "75056" and rows["69381"] == "69123" and rows["13201"] == "13055"
    assert (
        one(con, "SELECT count(*) FROM commune_aliases WHERE kind = 'self'")[0]
        == one(con, "SELECT count(*) FROM communes")[0]
    )


def test_populations_and_territories(con):
    reg = con.execute(
        "SELECT r.code, r.population, sum(c.population) FROM regions r "
        "JOIN communes c ON c.reg_code = r.code GROUP BY ALL"
    ).fetchall()
    assert reg and all(p == s for _, p, s in reg)
    france = con.execute("SELECT * FROM territories WHERE level = 'france'").fetchall()
    assert len(france) == 1
    metro_drom = one(con, "SELECT sum(population) FROM communes WHERE zone IN ('metro', 'drom')")[0]
    assert one(con, "SELECT population FROM territories WHERE level = 'france'")[0] == metro_drom
    levels = dict(con.execute("SELECT level, count(*) FROM territories GROUP BY 1").fetchall())
    assert levels["commune"] == one(con, "SELECT count(*) FROM communes")[0]
    assert levels["epci"] == one(con, "SELECT count(*) FROM epci")[0]
    name, search = one(con, "SELECT name, name_search FROM territories WHERE code = '11'")
    assert search == name_search(name) and search == "ile-de-france"


def test_third_places_and_ptce(con, catalog):
    counts = dict(
        con.execute("SELECT dataset_id, count(*) FROM third_places GROUP BY 1").fetchall()
    )
    # the ANCT files group the places of a commune in one row (« fabt-63; fabt-123 »): one
    # row per place after reading (342 rows -> 382 Fabriques, 98 -> 109 Manufactures)
    assert counts == {
        "fabriques_de_territoire": 382,
        "manufactures_de_proximite": 109,
        "tiers_lieux_pdl": 162,
    }
    ptce_src = pd.read_csv(source(catalog, "ptce"), dtype=str)
    assert one(con, "SELECT count(*) FROM ptce")[0] == len(ptce_src) == 66
    precision = dict(
        con.execute("SELECT location_precision, count(*) FROM ptce GROUP BY 1").fetchall()
    )
    with_commune = int(ptce_src["code_commune"].notna().sum())
    dep_only = int((ptce_src["code_commune"].isna() & ptce_src["departement"].notna()).sum())
    assert precision.get("commune") == with_commune
    assert precision.get("departement") == dep_only
    assert precision.get("aucune") == len(ptce_src) - with_commune - dep_only
    # commune-level PTCE sit inside their commune
    outside = one(
        con,
        "SELECT count(*) FROM ptce p JOIN communes c ON c.code = p.commune_code "
        "WHERE p.location_precision = 'commune' AND NOT ST_Intersects(c.geom_display, "
        "ST_Point(p.lon, p.lat))",
    )[0]
    assert outside == 0
    no_xy = one(con, "SELECT count(*) FROM third_places WHERE lon IS NULL")[0]
    pdl = pd.read_parquet(source(catalog, "tiers_lieux_pdl"), columns=["lon"])
    fab = pd.read_parquet(source(catalog, "fabriques_de_territoire"), columns=["lon"])
    assert no_xy == int(pdl["lon"].isna().sum()) + int(fab["lon"].isna().sum())


def test_third_places_carry_their_nearest_qpv(con):
    """Same engine as the establishments: inside => distance 0 and nearest == inside; every
    third place located at its address in metropolitan France has a nearest QPV and a
    distance; one known only by its commune centre is « incertain », without either."""
    rows = con.execute(
        "SELECT qpv24, qpv24_nearest, qpv24_distance_m, lon, lat FROM third_places "
        "WHERE lon BETWEEN -5.5 AND 10 AND lat BETWEEN 41 AND 51.5 "
        "AND location_precision = 'adresse'"
    ).fetchall()
    centres = con.execute(
        "SELECT count(*), count(qpv24_nearest), count(qpv24_distance_m), "
        "bool_and(qpv24_status = 'incertain' AND near_qpv300_status = 'incertain') "
        "FROM third_places WHERE location_precision = 'commune'"
    ).fetchone()
    assert centres[0] > 300 and centres[1:] == (0, 0, True)
    assert rows and all(r[1] is not None and r[2] is not None for r in rows)
    inside = [r for r in rows if r[0] is not None]
    assert inside and all(r[2] == 0 and r[1] == r[0] for r in inside)
    assert all(r[2] > 0 for r in rows if r[0] is None)
    # cross-check one inside point with DuckDB spatial on the membership geometry
    code, _, _, lon, lat = inside[0]
    hit = con.execute(
        "SELECT count(*) FROM qpv WHERE code = ? AND geography = '2024' "
        "AND ST_Contains(geom, ST_Point(?, ?))",
        [code, lon, lat],
    ).fetchone()[0]
    assert hit == 1


def test_provenance_one_row_per_dataset(con, catalog):
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT dataset_id, sha256, size_bytes, rows, retrieved_at FROM provenance"
        ).fetchall()
    }
    expected = {d.id for d in catalog.datasets if d.role not in SIRENE_ROLES}
    assert expected <= set(rows)
    for ds_id in expected:
        path = source(catalog, ds_id)
        sha, size, _n, retrieved = rows[ds_id]
        assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
        assert size == path.stat().st_size
        assert retrieved is not None
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["catalog"] == "dev" and meta["schema_version"] and meta["built_at"]


def test_data_status_lists_every_dataset(dev_data_dir, catalog, monkeypatch, capsys):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(dev_data_dir))
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    for ds in catalog.datasets:
        if ds.role not in SIRENE_ROLES:
            assert re.search(rf"^\s*{re.escape(ds.id)} \|", out, re.M), ds.id
    assert "commune_unmatched" in out


def test_data_status_without_warehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    assert cli.main(["data", "status"]) == 2
    err = capsys.readouterr().err
    assert "data build" in err and "Traceback" not in err


def test_failed_build_leaves_previous_warehouse_untouched(
    dev_warehouse, shared_data, tmp_path, monkeypatch, capsys
):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    previous = dev_warehouse.read_bytes()
    (data_dir / "sse.duckdb").write_bytes(previous)
    broken = tmp_path / "casse.parquet"
    broken.write_bytes(b"PAR1 ceci n'est pas un fichier parquet")
    text = config.DEV_CATALOG.read_text(encoding="utf-8")
    text = text.replace(
        'path = "stats/insee_itdd_part_ess_emploi_salarie_2008_2014.parquet"',
        f'path = "{broken.as_posix()}"',
    )
    assert str(broken) in text
    cat = tmp_path / "casse.toml"
    cat.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SSE_DASH_SHARED_DATA", str(shared_data))
    assert cli.main(["data", "build", "--catalog", str(cat)]) == 2
    err = capsys.readouterr().err
    assert "part_ess_emploi" in err and "Traceback" not in err
    assert (data_dir / "sse.duckdb").read_bytes() == previous
    # no temporary base left behind (the empty lock file of the build stays, by design)
    assert sorted(p.name for p in data_dir.iterdir()) == [".build.lock", "sse.duckdb"]


# ------------------------------------------------------------------ no shared data needed
MINI_CATALOG = """
[catalog]
name = "mini"
base_dir = "{fixtures}"

[[dataset]]
id = "cog_regions"
role = "regions_cog"
title = "Régions"
publisher = "INSEE"
licence = "LO 2.0"
vintage = "COG 2026"
format = "json"
path = "mini/regions.json"
columns = {{ code = "code", name = "nom", zone = "zone" }}

[[dataset]]
id = "cog_departements"
role = "departements_cog"
title = "Départements"
publisher = "INSEE"
licence = "LO 2.0"
vintage = "COG 2026"
format = "json"
path = "mini/departements.json"
columns = {{ code = "code", name = "nom", region_code = "region", zone = "zone" }}

[[dataset]]
id = "cog_communes"
role = "communes_cog"
title = "Communes"
publisher = "INSEE"
licence = "LO 2.0"
vintage = "COG 2026"
format = "json"
path = "mini/communes.json"
columns = {{ code = "code", name = "nom", type = "type", dep_code = "departement", reg_code = "region", population = "population", former_codes = "anciensCodes", parent_code = "chefLieu", zone = "zone", postal_codes = "codesPostaux" }}

[[dataset]]
id = "cog_epci"
role = "epci_cog"
title = "EPCI"
publisher = "DGCL"
licence = "LO 2.0"
vintage = "2026"
format = "json"
path = "mini/epci.json"
columns = {{ code = "code", name = "nom", type = "type", population = "populationMunicipale" }}

[[dataset]]
id = "cog_epci_membres"
role = "epci_members"
title = "Membres des EPCI"
publisher = "DGCL"
licence = "LO 2.0"
vintage = "2026"
format = "json"
path = "mini/epci.json"
options = {{ record_path = "membres", meta = ["code"], meta_prefix = "epci_" }}
columns = {{ epci_code = "epci_code", commune_code = "code" }}

[[dataset]]
id = "cog_ept_membres"
role = "ept_members"
title = "EPT"
publisher = "DGCL"
licence = "LO 2.0"
vintage = "2026"
format = "json"
path = "mini/ept.json"
options = {{ record_path = "membres", meta = ["code", "nom"], meta_prefix = "ept_" }}
columns = {{ ept_code = "ept_code", ept_name = "ept_nom", commune_code = "code" }}

[[dataset]]
id = "contours_communes"
role = "communes_geom"
title = "Contours 2018"
publisher = "IGN"
licence = "LO 2.0"
vintage = "2018"
format = "geojson"
path = "mini/communes_2018.geojson"
columns = {{ code = "code", name = "nom" }}

[[dataset]]
id = "qpv_2024"
role = "qpv"
title = "QPV 2024"
publisher = "ANCT"
licence = "LO 2.0"
vintage = "2024"
format = "geojson"
path = "{qpv_zip}"
member = "GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
columns = {{ code = "code_qp", name = "lib_qp", reg_code = "insee_reg", dep_code = "insee_dep", commune_code = "insee_com", epci_code = "siren_epci" }}
options = {{ geography = "2024", precision = "full" }}

[[dataset]]
id = "qpv_indicateurs"
role = "qpv_indicators"
title = "Indicateurs"
publisher = "INSEE"
licence = "LO 2.0"
vintage = "2024"
format = "csv"
path = "mini/absent.csv"
columns = {{ code = "code_qp", population = "pop" }}
options = {{ geography = "2024", optional = true }}

[[dataset]]
id = "tiers_lieux"
role = "third_places"
title = "Tiers-lieux"
publisher = "Région"
licence = "LO 2.0"
vintage = "2025"
format = "csv"
path = "tiers_lieux_cp1252.csv"
encoding = "cp1252"
separator = ";"
columns = {{ id = "Identifiant", name = "Nom du lieu", address = "Adresse", commune_code = "Code INSEE", dep_code = "Département", lon = "Longitude", lat = "Latitude" }}
options = {{ kind = "tiers_lieu" }}
"""


def test_build_from_official_format_fixtures(tmp_path, official_fixtures, monkeypatch):
    """The whole build on hand-written files in the official formats (Etalab JSON, GeoJSON in
    the data.gouv zip layout, cp1252 CSV), with an optional dataset missing."""
    from sse_dash.warehouse.build import build

    monkeypatch.delenv("SSE_DASH_SHARED_DATA", raising=False)
    catalog = _mini_catalog(tmp_path, official_fixtures)
    calls = []
    path = build(catalog, tmp_path / "data", progress=lambda *a: calls.append(a))
    geo_steps = [c for c in calls if not c[0].startswith("SIRENE")]
    assert geo_steps and all(total and 0 <= done <= total for _, done, total in geo_steps)
    assert geo_steps[-1][1] == geo_steps[-1][2]  # the geography reports completion
    c = db.connect(path, read_only=True)
    try:
        communes = {
            code: (geom_area, ept)
            for code, geom_area, ept in c.execute(
                "SELECT code, ST_Area(geom_display), ept_code FROM communes"
            ).fetchall()
        }
        assert set(communes) == {"93001", "93006", "93066", "97411"}
        # Saint-Denis 2018 + Pierrefitte 2018 dissolved into the commune nouvelle
        assert communes["93066"][0] == pytest.approx(0.04 * 0.03 + 0.04 * 0.02)
        assert communes["93006"][0] is None
        assert communes["93001"][1] == "200057867" and communes["93006"][1] is None
        issues = set(c.execute("SELECT kind, code FROM build_issues").fetchall())
        assert ("commune_unmatched", "93006") in issues  # current commune without contour
        assert ("commune_unmatched", "93999") in issues  # 2018 code unknown to the COG
        assert ("commune_reconciled", "93059") in issues
        assert ("dataset_missing", None) in issues
        alias = dict(c.execute("SELECT alias_code, commune_code FROM commune_aliases").fetchall())
        assert alias["93059"] == "93066"
        # EPT: its contour is the union of its member communes
        ept_area = c.execute("SELECT ST_Area(geom_display) FROM epci WHERE type = 'EPT'").fetchone()
        assert ept_area[0] == pytest.approx(communes["93001"][0] + communes["93066"][0])
        nb = dict(c.execute("SELECT code, nb_communes FROM epci").fetchall())
        assert nb == {"200054781": 3, "249740119": 1, "200057867": 2}
        qpv = {
            r[0]: r[1:]
            for r in c.execute(
                "SELECT code, commune_code, dep_code, reg_code, geometry_status FROM qpv"
            ).fetchall()
        }
        assert qpv["QN97401M"] == ("97411", "974", "04", "ok")
        assert qpv["QN01301M"][1:3] == ("13", "93")
        places = dict(c.execute("SELECT id, location_precision FROM third_places").fetchall())
        assert places == {
            "TL-1": "adresse",
            "TL-2": "commune",
            "TL-3": "departement",
            "TL-4": "aucune",
        }
        assert (
            c.execute("SELECT commune_code FROM third_places WHERE id = 'TL-1'").fetchone()[0]
            == "93066"
        )
        prov = dict(c.execute("SELECT dataset_id, rows FROM provenance").fetchall())
        assert {d.id for d in catalog.datasets} <= set(prov)  # + rows the SIRENE step adds
        assert prov["qpv_indicateurs"] == 0 and prov["qpv_2024"] == 3
        france = c.execute("SELECT population FROM territories WHERE level = 'france'").fetchone()
        assert france[0] == 88365 + 36449 + 180000 + 153001
    finally:
        c.close()


def _mini_catalog(tmp_path, official_fixtures):
    qpv_zip = tmp_path / "qpv-2024-geojson.zip"
    member = "GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
    with zipfile.ZipFile(qpv_zip, "w") as zf:
        zf.write(official_fixtures / member, member)
    cat_file = tmp_path / "mini.toml"
    cat_file.write_text(
        MINI_CATALOG.format(fixtures=official_fixtures.as_posix(), qpv_zip=qpv_zip.as_posix()),
        encoding="utf-8",
    )
    return load_catalog(cat_file)


def test_steps_read_and_write_what_they_declare(tmp_path, official_fixtures, monkeypatch):
    """Each step of the build asks the catalogue for exactly the roles it declares and writes
    exactly the tables it declares; with the build's own tables, that is the warehouse."""
    import dataclasses

    from sse_dash.catalog import Catalog
    from sse_dash.warehouse import build as wb

    monkeypatch.delenv("SSE_DASH_SHARED_DATA", raising=False)
    catalog = _mini_catalog(tmp_path, official_fixtures)
    current = {"step": None}
    reads: dict = {}
    writes: dict = {}
    by_role, insert_frame = Catalog.by_role, wb.insert_frame

    def spy_by_role(self, role):
        reads.setdefault(current["step"], set()).add(role)
        return by_role(self, role)

    def spy_insert(con, table, frame):
        writes.setdefault(current["step"], set()).add(table)
        return insert_frame(con, table, frame)

    def tables(con):
        return {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }

    def tracked(step):
        def run(builder):
            current["step"] = step.id
            before = tables(builder.con)
            step.run(builder)
            created = tables(builder.con) - before
            writes.setdefault(step.id, set()).update(created)
            current["step"] = None

        return dataclasses.replace(step, run=run)

    monkeypatch.setattr(Catalog, "by_role", spy_by_role)
    monkeypatch.setattr(wb, "insert_frame", spy_insert)
    monkeypatch.setattr(wb, "STEPS", tuple(tracked(s) for s in wb.STEPS))
    path = wb.build(catalog, tmp_path / "data", options={"synth_scale": "test"})
    for step in wb.STEPS:
        assert reads.get(step.id, set()) == set(step.reads), step.id
        assert writes.get(step.id, set()) <= set(step.writes), step.id
    assert writes[None] <= set(wb.BUILD_TABLES)  # build_issues, provenance (meta by SQL)
    declared = {t for s in wb.STEPS for t in s.writes}
    c = db.connect(path, read_only=True)
    try:
        assert tables(c) == declared | set(wb.BUILD_TABLES)
    finally:
        c.close()


def test_catalogue_roles_are_the_roles_the_steps_read():
    from sse_dash import catalog
    from sse_dash.warehouse import build as wb

    assert catalog.ROLES == wb.roles_read()


def test_a_failing_step_raises_and_leaves_the_warehouse_untouched(
    tmp_path, official_fixtures, monkeypatch
):
    """A step's failure is never swallowed: build() raises it, the previous base stays."""
    import dataclasses

    from sse_dash.warehouse import build as wb

    monkeypatch.delenv("SSE_DASH_SHARED_DATA", raising=False)
    catalog = _mini_catalog(tmp_path, official_fixtures)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "sse.duckdb").write_bytes(b"previous base")

    def boom(builder):
        raise RuntimeError("panne du pas QPV")

    steps = tuple(dataclasses.replace(s, run=boom) if s.id == "qpv" else s for s in wb.STEPS)
    monkeypatch.setattr(wb, "STEPS", steps)
    with pytest.raises(RuntimeError, match="panne du pas QPV"):
        wb.build(catalog, data_dir)
    assert (data_dir / "sse.duckdb").read_bytes() == b"previous base"
    assert sorted(p.name for p in data_dir.iterdir()) == [".build.lock", "sse.duckdb"]


def test_sirene_step_does_not_import_the_build():
    """The build imports its steps; a step imports the shared context, never the build."""
    import subprocess
    import sys

    code = (
        "import sys, sse_dash.sirene.step; "
        "assert 'sse_dash.warehouse.build' not in sys.modules, 'cycle'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=config.REPO_ROOT)


def test_first_build_publishes_geography_before_sirene(tmp_path, monkeypatch, shared_data):
    """On a fresh machine the dashboard is usable on the geography while SIRENE builds; a
    rebuild keeps the previous complete base until the new one is complete."""
    import duckdb

    from sse_dash.sirene import step
    from sse_dash.warehouse import build as wb

    seen = []

    def fake_sirene(con, catalog, ctx):
        final = ctx.data_dir / "sse.duckdb"
        if not final.exists():
            seen.append(None)
            return
        ro = duckdb.connect(str(final), read_only=True)
        try:
            tables = {
                r[0]
                for r in ro.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
            pending = ro.execute("SELECT value FROM meta WHERE key = 'sirene_pending'").fetchall()
            seen.append(("qpv" in tables, "establishments" in tables, pending))
        finally:
            ro.close()

    monkeypatch.setattr(step, "run", fake_sirene)
    catalog = load_catalog(config.DEV_CATALOG)
    final = wb.build(catalog, tmp_path)
    assert seen == [(True, False, [("true",)])]
    con = duckdb.connect(str(final), read_only=True)
    assert con.execute("SELECT count(*) FROM meta WHERE key = 'sirene_pending'").fetchone()[0] == 0
    con.close()
    before = final.read_bytes()
    seen.clear()

    def check_untouched(con, catalog, ctx):
        seen.append((ctx.data_dir / "sse.duckdb").read_bytes() == before)

    monkeypatch.setattr(step, "run", check_untouched)
    wb.build(catalog, tmp_path)
    assert seen == [True]


def test_national_map_shapes_are_made_at_build_time(con):
    """Régions and départements carry their choropleth shape (GeoJSON simplified to ~200 m),
    so the national map does not simplify 100 shapes per view; the dashboard reads them."""
    import json

    from sse_dash.dashboard import sse

    for table in ("regions", "departements"):
        rows = con.execute(
            f"SELECT code, map_geojson, ST_NPoints(geom_display) FROM {table} "
            "WHERE geom_display IS NOT NULL"
        ).fetchall()
        assert rows, table
        for code, text, n_full in rows:
            shape = json.loads(text)
            assert shape["type"] in ("Polygon", "MultiPolygon"), (table, code)
            assert text.count("[") - 1 <= n_full + 2 * len(shape["coordinates"]), (table, code)
    geoms = sse.choropleth(con, "departement").set_index("code")
    stored = dict(con.execute("SELECT code, map_geojson FROM departements").fetchall())
    assert all(geoms.loc[c, "geometry"] == stored[c] for c in geoms.index)
