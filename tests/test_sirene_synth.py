"""Synthetic SIRENE: official schemas, determinism, plausible content, and the build step
(synthetic path) end to end on the "test" scale."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow.parquet as pq
import pytest
from sirene_support import mini_geo

from sse_dash.sirene import aggregates, schema, step, synth


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


def test_files_have_exactly_the_official_columns(files):
    for role, path in files["files"].items():
        name, cols = schema.FILES[role]
        assert Path(path).name == name
        got = pq.read_schema(path)
        assert got.names == schema.column_names(cols)
        assert [f.type for f in got] == [t for _, t in cols]


def test_official_column_lists_contain_the_documented_fields():
    geo = schema.column_names(schema.GEOLOCALISATION)
    for col in (
        "siret",
        "x",
        "y",
        "qualite_xy",
        "epsg",
        "plg_code_commune",
        "plg_qp24",
        "plg_qp15",
        "plg_iris",
        "qualite_qp24",
        "y_latitude",
        "x_longitude",
    ):
        assert col in geo
    assert "economieSocialeSolidaireUniteLegale" in schema.column_names(schema.UNITE_LEGALE)
    etab = schema.column_names(schema.ETABLISSEMENT)
    for col in (
        "etatAdministratifEtablissement",
        "trancheEffectifsEtablissement",
        "coordonneeLambertAbscisseEtablissement",
        "codeCommuneEtablissement",
    ):
        assert col in etab
    for cols in (schema.UNITE_LEGALE, schema.ETABLISSEMENT, schema.GEOLOCALISATION):
        names = schema.column_names(cols)
        assert len(names) == len(set(names))


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


def test_content_is_plausible(files):
    con = duckdb.connect()
    f = files["files"]
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE e.etatAdministratifEtablissement = 'A'), "
        "count(*) FILTER (WHERE e.etatAdministratifEtablissement = 'F'), "
        "count(*) FILTER (WHERE u.statutDiffusionUniteLegale = 'P'), "
        "count(*) FILTER (WHERE u.categorieJuridiqueUniteLegale LIKE '92%') "
        "FROM read_parquet(?) e JOIN read_parquet(?) u USING (siren) "
        "WHERE u.economieSocialeSolidaireUniteLegale = 'O'",
        [f["sirene_etablissements"], f["sirene_unites_legales"]],
    ).fetchone()
    n, active, closed, nd, assoc = row
    assert 2000 <= n <= 3500
    assert 0.6 < active / n < 0.9 and closed > 0
    assert nd >= 0
    assert 0.75 < assoc / n < 0.95
    plg = con.execute(
        "SELECT count(*) FILTER (WHERE plg_qp24 = 'CSZ'), count(*) FILTER (WHERE plg_qp24 "
        "LIKE 'QN%'), count(*) FILTER (WHERE x IS NULL) FROM read_parquet(?)",
        [f["sirene_geolocalisation"]],
    ).fetchone()
    assert plg[0] > 0 and plg[1] > 0 and plg[2] > 0  # outside, inside, and missing coordinates


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
    # INSEE's plg_qp24 mostly agrees with the computed membership, but not always
    agree, compared = con.execute(
        "SELECT count(*) FILTER (WHERE coalesce(qpv24, 'CSZ') = insee_plg_qp24), count(*) "
        "FROM establishments WHERE insee_plg_qp24 IS NOT NULL AND qpv24_distance_m IS NOT NULL"
    ).fetchone()
    assert 0.9 < agree / compared < 1.0
    lines = step.status_lines(con)
    assert any("synthétique" in line for line in lines)
    assert any("accord" in line for line in lines)
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
