"""Synthetic SIRENE: exactly the official schemas (checked against data.gouv.fr's conversion
configuration in ../shared/reference/sirene), the official names in the « officiel » layout,
code values and shares like INSEE's (HZ / CSZ / QPV codes, qualités, qualite_xy 33, epsg per
territory, no Mayotte in the geolocation file), closed establishments with their closure date,
non-SSE units and establishments over every sector; determinism; the build step end to end."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sirene_support import mini_geo

from sse_dash import config, db
from sse_dash.sirene import aggregates, mappings, schema, step, synth

REFERENCE_FILES = {
    "sirene_unites_legales": ("datagouv_pipeline_config_stock.json", "StockUniteLegale_utf8.zip"),
    "sirene_etablissements": ("datagouv_pipeline_config_stock.json", "StockEtablissement_utf8.zip"),
    "sirene_geolocalisation": (
        "datagouv_pipeline_config_geoloc.json",
        "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.zip",
    ),
}


@pytest.fixture(scope="module")
def reference() -> Path:
    path = config.shared_data_dir().parent / "reference" / "sirene"
    if not (path / "datagouv_pipeline_config_stock.json").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Référence SIRENE absente en CI : {path}")
        pytest.skip(f"référence SIRENE absente ({path})")
    return path


def reference_columns(reference: Path, role: str) -> dict:
    file, name = REFERENCE_FILES[role]
    entries = json.loads((reference / file).read_text(encoding="utf-8"))
    (entry,) = [e for e in entries if e["name"] == name]
    return entry


@pytest.fixture(scope="module")
def geo_con():
    con = mini_geo.build()
    yield con
    con.close()


@pytest.fixture(scope="module")
def files(geo_con, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    return synth.generate(out, geo_con, "test", seed=7)


def _tables(info):
    return {role: pq.read_table(path) for role, path in info["files"].items()}


def test_schema_module_is_the_official_configuration(reference):
    """Names, order and types of the three files, and the Parquet resource ids of the
    official catalogue, are those of data.gouv.fr's conversion configuration."""
    from sse_dash.catalog import load_catalog

    official = load_catalog(config.OFFICIAL_CATALOG)
    for role, (_name, cols) in schema.FILES.items():
        entry = reference_columns(reference, role)
        assert list(entry["dtype"].items()) == list(cols), role
        (ds,) = official.by_role(role)
        assert ds.options["datagouv_resource"] == entry["parquet_resource_id"]
        assert ds.urls[0].endswith(f"/datasets/r/{entry['parquet_resource_id']}")
    assert len(schema.UNITE_LEGALE) == 35 and len(schema.ETABLISSEMENT) == 54
    assert len(schema.GEOLOCALISATION) == 19


def test_generated_files_have_exactly_the_official_schema(files, reference):
    for role, path in files["files"].items():
        entry = reference_columns(reference, role)
        got = pq.read_schema(path)
        assert got.names == list(entry["dtype"]), role
        assert [f.type for f in got] == [schema.arrow_type(t) for t in entry["dtype"].values()]
    t = _tables(files)
    assert t["sirene_unites_legales"].schema.field("categorieJuridiqueUniteLegale").type == (
        pa.int64()
    )
    geo = t["sirene_geolocalisation"].schema
    for col in ("x", "y", "x_longitude", "y_latitude", "distance_precision"):
        assert geo.field(col).type == pa.float32(), col
    assert (
        t["sirene_etablissements"].schema.field("coordonneeLambertAbscisseEtablissement").type
        == pa.string()
    )


def test_official_layout_names_and_synthetic_marker(geo_con, tmp_path):
    info = synth.generate(tmp_path / "miroir", geo_con, "test", seed=3, layout="officiel")
    for role, path in info["files"].items():
        assert Path(path) == tmp_path / "miroir" / role / schema.OFFICIAL_NAMES[role]
        assert synth.is_synthetic_file(path)
        assert pq.read_schema(path).names == schema.column_names(schema.FILES[role][1])
    simple = synth.generate(tmp_path / "simple", geo_con, "test", seed=3)
    assert all(synth.is_synthetic_file(p) for p in simple["files"].values())
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": [1]}), plain)
    assert not synth.is_synthetic_file(plain) and not synth.is_synthetic_file(tmp_path / "no")
    with pytest.raises(synth.SynthError, match="Présentation inconnue"):
        synth.generate(tmp_path / "x", geo_con, "test", layout="miroir")


def test_same_seed_same_content_other_seed_differs(geo_con, files, tmp_path):
    again = synth.generate(tmp_path / "a", geo_con, "test", seed=7)
    other = synth.generate(tmp_path / "b", geo_con, "test", seed=8)
    first, second, third = _tables(files), _tables(again), _tables(other)
    for role in first:
        assert first[role].equals(second[role]), role
        assert not first[role].equals(third[role]), role


def test_identifiers_are_unique_and_valid(files):
    t = _tables(files)
    siret = t["sirene_etablissements"].column("siret").to_pylist()
    assert len(siret) == len(set(siret))
    assert all(len(s) == 14 and s.isdigit() for s in siret)

    def luhn(s):
        total = 0
        for i, ch in enumerate(reversed(s)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        return total % 10 == 0

    assert all(luhn(s) for s in siret[:500])
    assert all(luhn(s) for s in t["sirene_unites_legales"].column("siren").to_pylist()[:500])
    units = set(t["sirene_unites_legales"].column("siren").to_pylist())
    assert set(t["sirene_etablissements"].column("siren").to_pylist()) <= units
    assert set(t["sirene_geolocalisation"].column("siret").to_pylist()) <= set(siret)


def _con_with_views(info) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    f = info["files"]
    con.execute(f"CREATE VIEW ul AS SELECT * FROM read_parquet('{f['sirene_unites_legales']}')")
    con.execute(f"CREATE VIEW et AS SELECT * FROM read_parquet('{f['sirene_etablissements']}')")
    con.execute(f"CREATE VIEW g AS SELECT * FROM read_parquet('{f['sirene_geolocalisation']}')")
    return con


def test_sse_content_is_plausible(files):
    con = _con_with_views(files)
    n, active, closed, nd, assoc = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE e.etatAdministratifEtablissement = 'A'), "
        "count(*) FILTER (WHERE e.etatAdministratifEtablissement = 'F'), "
        "count(*) FILTER (WHERE u.statutDiffusionUniteLegale = 'P'), "
        "count(*) FILTER (WHERE u.categorieJuridiqueUniteLegale BETWEEN 9200 AND 9299) "
        "FROM et e JOIN ul u USING (siren) WHERE u.economieSocialeSolidaireUniteLegale = 'O'"
    ).fetchone()
    assert 2000 <= n <= 3500
    assert 0.6 < active / n < 0.9 and closed > 0
    assert nd >= 0
    assert 0.75 < assoc / n < 0.95


def test_geolocation_codes_like_insee(files):
    """plg_qp24: QPV codes, HZ in zoned communes (the most frequent), CSZ in communes without
    QPV; qualite_qp24 1 mostly, 2 and 3 present; qualite_xy 33 ≈ 5 %; missing x/y exist."""
    con = _con_with_views(files)
    shares = dict(
        con.execute(
            "SELECT CASE WHEN plg_qp24 LIKE 'QN%' THEN 'QPV' ELSE plg_qp24 END, count(*) "
            "FROM g WHERE plg_qp24 IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    # every commune of mini_geo has a QPV: « HZ » outside them (CSZ: see the dep:93 test)
    assert set(shares) == {"QPV", "HZ"}
    assert shares["HZ"] == max(shares.values())
    qualities = dict(con.execute("SELECT qualite_qp24, count(*) FROM g GROUP BY 1").fetchall())
    assert qualities["1"] > qualities.get("2", 0) > 0 and qualities.get("3", 0) > 0
    total, q33, no_xy = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE qualite_xy = '33'), count(*) FILTER (WHERE x "
        "IS NULL) FROM g"
    ).fetchone()
    assert 0.02 < q33 / total < 0.09
    assert no_xy > 0
    codes = {r[0] for r in con.execute("SELECT DISTINCT qualite_xy FROM g").fetchall()}
    assert codes <= {"11", "12", "21", "22", "33", None}
    assert con.execute("SELECT count(*) FROM g WHERE plg_qp15 = 'CSZ'").fetchone()[0] > 0


def test_closed_establishments_carry_their_closure_date_and_old_nomenclatures(files):
    con = _con_with_views(files)
    bad, closed, old = con.execute(
        "SELECT count(*) FILTER (WHERE dateDebut < dateCreationEtablissement), "
        "count(*) FILTER (WHERE etatAdministratifEtablissement = 'F'), "
        "count(*) FILTER (WHERE etatAdministratifEtablissement = 'F' AND "
        "nomenclatureActivitePrincipaleEtablissement IN ('NAFRev1', 'NAF1993', 'NAP')) "
        "FROM et"
    ).fetchone()
    assert bad == 0 and closed > 0 and old > 0
    # NAF 2025 is published for active establishments only
    naf25_closed = con.execute(
        "SELECT count(*) FROM et WHERE etatAdministratifEtablissement = 'F' "
        "AND activitePrincipaleNAF25Etablissement IS NOT NULL"
    ).fetchone()[0]
    assert naf25_closed == 0
    assert (
        con.execute(
            "SELECT count(*) FROM et WHERE activitePrincipaleNAF25Etablissement LIKE '__.__Y'"
        ).fetchone()[0]
        > 0
    )


def test_non_sse_units_and_establishments_look_real(files):
    con = _con_with_views(files)
    nafs = [
        r[0]
        for r in con.execute(
            "SELECT activitePrincipaleEtablissement FROM et JOIN ul USING (siren) "
            "WHERE coalesce(economieSocialeSolidaireUniteLegale, 'N') <> 'O' "
            "AND nomenclatureActivitePrincipaleEtablissement = 'NAFRev2'"
        ).fetchall()
    ]
    sections = {mappings.naf_section(c) for c in nafs}
    assert len(sections) >= 14, sections
    bands = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT trancheEffectifsEtablissement FROM et JOIN ul USING (siren) "
            "WHERE economieSocialeSolidaireUniteLegale IS DISTINCT FROM 'O'"
        ).fetchall()
    }
    assert {"NN", "01", "02", "11"} <= bands
    legal = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT categorieJuridiqueUniteLegale FROM ul "
            "WHERE economieSocialeSolidaireUniteLegale IS DISTINCT FROM 'O'"
        ).fetchall()
    }
    assert {1000, 5499, 5710} <= legal and not any(9200 <= c < 9300 for c in legal)
    span = con.execute(
        "SELECT min(dateCreationEtablissement), max(dateCreationEtablissement), "
        "count(*) FILTER (WHERE etatAdministratifEtablissement = 'F') FROM et"
    ).fetchone()
    assert span[0].year < 1990 and span[1].year >= 2024 and span[2] > 0
    hidden = con.execute(
        "SELECT count(*) FILTER (WHERE coordonneeLambertAbscisseEtablissement = '[ND]'), "
        "count(*) FILTER (WHERE statutDiffusionEtablissement = 'P') FROM et"
    ).fetchone()
    assert hidden[1] > 0 and hidden[0] > 0


def test_epsg_per_territory_and_no_mayotte(dev_warehouse, tmp_path):
    con = db.open_warehouse(dev_warehouse)
    try:
        got = {}
        for dep in ("974", "973", "971", "976"):
            info = synth.generate(tmp_path / dep, con, "test", seed=1, scope=f"dep:{dep}")
            t = _tables(info)
            got[dep] = (
                set(t["sirene_geolocalisation"].column("epsg").drop_null().to_pylist()),
                t["sirene_geolocalisation"].num_rows,
                t["sirene_etablissements"].num_rows,
            )
    finally:
        con.close()
    assert got["974"][0] == {"2975"} and got["973"][0] == {"2972"} and got["971"][0] == {"5490"}
    assert got["976"][1] == 0 and got["976"][2] > 0  # Mayotte: in the stock, not geolocated


def test_hz_and_csz_follow_the_communes_zoning(dev_warehouse, tmp_path):
    """« CSZ » (commune sans zonage) exactly in the communes without any QPV 2024, « HZ »
    (hors zone) elsewhere outside the QPV, and HZ is the most frequent value."""
    con = db.open_warehouse(dev_warehouse)
    try:
        info = synth.generate(tmp_path / "93", con, "test", seed=2, scope="dep:93")
        zoned = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT unnest(commune_codes) FROM qpv WHERE geography = '2024'"
            ).fetchall()
        }
    finally:
        con.close()
    g = pq.read_table(info["files"]["sirene_geolocalisation"]).to_pandas()
    g = g[g.plg_qp24.notna()]
    counts = g.plg_qp24.where(~g.plg_qp24.str.startswith("QN"), "QPV").value_counts()
    assert counts.idxmax() == "HZ" and counts["CSZ"] > 0 and counts["QPV"] > 0
    csz = set(g.loc[g.plg_qp24 == "CSZ", "plg_code_commune"])
    assert csz and not csz & zoned
    assert set(g.loc[g.plg_qp24 == "HZ", "plg_code_commune"]) & zoned


def test_scope_and_errors(geo_con, tmp_path):
    info = synth.generate(tmp_path / "s", geo_con, "test", seed=1, scope="dep:971")
    communes = pq.read_table(info["files"]["sirene_geolocalisation"]).column("plg_code_commune")
    assert set(communes.to_pylist()) == {"97101"}
    with pytest.raises(synth.SynthError):
        synth.generate(tmp_path / "x", geo_con, "gigantic", seed=1)
    with pytest.raises(synth.SynthError):
        synth.generate(tmp_path / "y", geo_con, "test", seed=1, scope="dep:99")
    with pytest.raises(synth.SynthError):
        synth.generate(tmp_path / "z", geo_con, "test", seed=1, scope="93")


def test_step_builds_synthetic_sirene_end_to_end(tmp_path):
    con = mini_geo.build()
    seen = []
    ctx = SimpleNamespace(
        data_dir=tmp_path,
        downloads_dir=tmp_path / "downloads",
        progress=lambda label, done, total: seen.append(label),
        options={"scope": None, "synth_scale": "test", "employers_only": False},
    )
    step.run(con, None, ctx)
    files = {r: str(tmp_path / "synthetic" / schema.FILES[r][0]) for r in step.ROLES}
    expected = con.execute(
        "SELECT count(*) FROM read_parquet($e) e "
        "JOIN read_parquet($u) u USING (siren) "
        "WHERE u.economieSocialeSolidaireUniteLegale = 'O' "
        "AND e.etatAdministratifEtablissement = 'A'",
        {"e": files["sirene_etablissements"], "u": files["sirene_unites_legales"]},
    ).fetchone()[0]
    assert con.execute("SELECT count(*) FROM establishments").fetchone()[0] == expected
    assert con.execute("SELECT value FROM meta WHERE key = 'sirene_synthetic'").fetchone() == (
        "true",
    )
    prov = con.execute("SELECT role, synthetic, title FROM provenance ORDER BY role").fetchall()
    assert [p[0] for p in prov] == sorted(step.ROLES)
    assert all(p[1] is True and "SIRENE synthétique (données fictives)" in p[2] for p in prov)
    assert aggregates.check_consistency(con) == []
    for table in (
        "ref_families",
        "ref_legal_categories",
        "ref_naf_sections",
        "ref_naf",
        "ref_size_bands",
        "agg_territory",
    ):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    # names never shown for non-diffusible establishments; every family is a known code
    assert (
        con.execute(
            "SELECT count(*) FROM establishments WHERE NOT diffusible AND name IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    assert (
        con.execute(
            "SELECT count(*) FROM establishments WHERE family NOT IN (SELECT code FROM ref_families)"
        ).fetchone()[0]
        == 0
    )
    # qualite_xy 33 and no coordinates are « incertain », never counted in or near a QPV
    unsure = con.execute(
        "SELECT count(*), count(qpv24), count(qpv24_distance_m), count(*) FILTER (near_qpv300) "
        "FROM establishments WHERE geo_quality = '33' OR geo_source = 'none'"
    ).fetchone()
    assert unsure[0] > 0 and unsure[1:] == (0, 0, 0)
    statuses = dict(
        con.execute("SELECT qpv24_status, count(*) FROM establishments GROUP BY 1").fetchall()
    )
    assert statuses["incertain"] == unsure[0]
    assert set(statuses) == {"oui", "non", "incertain"}
    # the NAF 2025 fallback was used where rév. 2 was missing or older
    nomen = dict(
        con.execute("SELECT naf_nomenclature, count(*) FROM establishments GROUP BY 1").fetchall()
    )
    assert nomen["NAFRev2"] > 0
    lines = step.status_lines(con)
    assert any("synthétique" in line for line in lines)
    assert any("accord" in line for line in lines)
    assert any("HZ (hors zone)" in line for line in lines)
    assert any("SIRENE" in label for label in seen)
    con.close()


def test_step_refuses_a_partial_sirene_catalogue(tmp_path):
    con = mini_geo.build()
    ds = SimpleNamespace(format="parquet")
    catalog = SimpleNamespace(by_role=lambda role: [ds] if role == "sirene_unites_legales" else [])
    ctx = SimpleNamespace(data_dir=tmp_path, downloads_dir=tmp_path, progress=None, options={})
    with pytest.raises(Exception, match="partie de SIRENE"):
        step.run(con, catalog, ctx)
    con.close()
