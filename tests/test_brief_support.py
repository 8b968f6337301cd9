"""A small self-contained warehouse following docs/warehouse.md (three communes of the 93,
three QPV, a few hundred synthetic establishments) for the export and briefing-pack tests, so
they run without the shared data folder. Its own consistency is tested here too."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from sse_dash import db

FAMILIES = [
    ("association", "Associations", 1),
    ("cooperative", "Coopératives", 2),
    ("mutuelle", "Mutuelles", 3),
    ("fondation", "Fondations", 4),
    ("societe_ess", "Sociétés commerciales de l'ESS", 5),
]
SECTIONS = [
    ("Q", "Santé humaine et action sociale"),
    ("P", "Enseignement"),
    ("R", "Arts, spectacles et activités récréatives"),
    ("S", "Autres activités de services"),
    ("K", "Activités financières et d'assurance"),
]
SIZE_BANDS = [  # code, label, min, max, estimate, size_class
    ("NN", "Pas de salarié", 0, 0, 0.0, "0 salarié"),
    ("01", "1 ou 2 salariés", 1, 2, 1.5, "1 à 9 salariés"),
    ("03", "6 à 9 salariés", 6, 9, 7.5, "1 à 9 salariés"),
    ("12", "20 à 49 salariés", 20, 49, 34.5, "10 à 49 salariés"),
    ("22", "100 à 199 salariés", 100, 199, 149.5, "50 salariés et plus"),
]
# Lambert-93 squares (x0, y0, size) for the communes and QPV
COMMUNES = [
    ("93066", "Saint-Denis", 112000, (650000, 6870000, 5000), "200057875"),
    ("93001", "Aubervilliers", 88000, (655000, 6870000, 5000), "200057875"),
    ("93048", "Montreuil", 111000, (655000, 6860000, 5000), "200057990"),
]
QPVS = [
    ("QN09301M", "Franc-Moisin", "93066", ["93066"], (651000, 6871000, 1000), 9000, 38.5),
    (
        "QN09302M",
        "Villette - Quatre-Chemins",
        "93001",
        ["93001", "93066"],
        (654500, 6872000, 1000),
        12000,
        41.2,
    ),
    (
        "QN09303M",
        "Bel-Air - Grands-Pêchers",
        "93048",
        ["93048"],
        (657000, 6863000, 800),
        7000,
        33.0,
    ),
]
EPCI = [
    ("200054781", "Métropole du Grand Paris", "METRO"),
    ("200057875", "Plaine Commune", "EPT"),
    ("200057990", "Est Ensemble", "EPT"),
]
_TO_WGS84 = Transformer.from_crs(2154, 4326, always_xy=True)


def _square(x0, y0, size):
    return shapely.box(x0, y0, x0 + size, y0 + size)


def _wgs84(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_WGS84.transform(*xy.T)))


_BUILT: dict[tuple[bool, int], Path] = {}


def build_fixture_warehouse(path: Path, *, synthetic: bool = True, n_points: int = 400) -> Path:
    """Write a tiny warehouse at `path` and return it (built once per process and variant,
    then copied: each caller gets its own file it may modify)."""
    if path.exists():
        path.unlink()
    key = (synthetic, n_points)
    if key in _BUILT and _BUILT[key].exists():
        shutil.copyfile(_BUILT[key], path)
        return path
    _write_warehouse(path, synthetic=synthetic, n_points=n_points)
    master = Path(tempfile.mkdtemp(prefix="brief_fixture_")) / path.name
    shutil.copyfile(path, master)
    _BUILT[key] = master
    return path


def _write_warehouse(path: Path, *, synthetic: bool, n_points: int) -> None:
    con = db.connect(path)
    con.execute(
        "CREATE TABLE provenance (dataset_id VARCHAR, role VARCHAR, title VARCHAR, "
        "publisher VARCHAR, licence VARCHAR, source VARCHAR, retrieved_at TIMESTAMP, "
        "sha256 VARCHAR, size_bytes BIGINT, vintage VARCHAR, rows BIGINT, synthetic BOOLEAN, "
        "notes VARCHAR, built_at TIMESTAMP)"
    )
    prov = [
        (
            "sirene_etab",
            "sirene_etablissements",
            "SIRENE établissements",
            "INSEE",
            "2026-06",
            synthetic,
        ),
        (
            "sirene_ul",
            "sirene_unites_legales",
            "SIRENE unités légales",
            "INSEE",
            "2026-06",
            synthetic,
        ),
        (
            "qpv_2024",
            "qpv",
            "QPV 2024",
            "ANCT (SIG Ville) — copie simplifiée tierce",
            "QPV 2024 (décret 2023-1314)",
            False,
        ),
        (
            "qpv_ind",
            "qpv_indicators",
            "Indicateurs QPV",
            "SIG Ville (ANCT) / INSEE — compilation",
            "population 2020",
            False,
        ),
        (
            "communes",
            "communes_geom",
            "Contours des communes",
            "IGN Admin Express COG 2018, simplifié",
            "2018",
            False,
        ),
        (
            "cog",
            "communes_cog",
            "Communes (COG 2026)",
            "INSEE (COG), paquet Etalab",
            "COG 2026",
            False,
        ),
    ]
    for ds, role, title, publisher, vintage, synth in prov:
        con.execute(
            "INSERT INTO provenance VALUES (?, ?, ?, ?, 'Licence Ouverte 2.0', "
            "'https://example.invalid/' || ?, TIMESTAMP '2026-11-22 10:00:00', NULL, 1, ?, 1, ?, "
            "'', TIMESTAMP '2026-11-22 11:00:00')",
            [ds, role, title, publisher, ds, vintage, synth],
        )
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute(
        "INSERT INTO meta VALUES ('sirene_synthetic', ?), ('schema_version', '1')",
        ["true" if synthetic else "false"],
    )
    # geography
    commune_geoms = {c[0]: _square(*c[3]) for c in COMMUNES}
    dep_geom = shapely.union_all(list(commune_geoms.values()))
    reg_geom = shapely.union_all([dep_geom, _square(660000, 6855000, 10000)])
    con.execute(
        "CREATE TABLE regions (code VARCHAR, name VARCHAR, zone VARCHAR, population BIGINT, "
        "geom_display GEOMETRY)"
    )
    con.execute(
        "INSERT INTO regions VALUES ('11', 'Île-de-France', 'metro', 12300000, ST_GeomFromText(?))",
        [_wgs84(reg_geom).wkt],
    )
    con.execute(
        "CREATE TABLE departements (code VARCHAR, name VARCHAR, region_code VARCHAR, "
        "zone VARCHAR, population BIGINT, geom_display GEOMETRY)"
    )
    con.execute(
        "INSERT INTO departements VALUES ('93', 'Seine-Saint-Denis', '11', 'metro', 311000, "
        "ST_GeomFromText(?))",
        [_wgs84(dep_geom).wkt],
    )
    con.execute(
        "CREATE TABLE epci (code VARCHAR, name VARCHAR, type VARCHAR, population BIGINT, "
        "nb_communes INT, geom_display GEOMETRY)"
    )
    for code, name, kind in EPCI:
        members = [c for c in COMMUNES if kind == "METRO" or c[4] == code]
        geom = shapely.union_all([commune_geoms[c[0]] for c in members])
        con.execute(
            "INSERT INTO epci VALUES (?, ?, ?, ?, ?, ST_GeomFromText(?))",
            [code, name, kind, sum(c[2] for c in members), len(members), _wgs84(geom).wkt],
        )
    con.execute(
        "CREATE TABLE communes (code VARCHAR, name VARCHAR, dep_code VARCHAR, reg_code VARCHAR, "
        "epci_code VARCHAR, ept_code VARCHAR, zone VARCHAR, population BIGINT, "
        "postal_codes VARCHAR, geom_display GEOMETRY)"
    )
    for code, name, pop, _sq, ept in COMMUNES:
        con.execute(
            "INSERT INTO communes VALUES (?, ?, '93', '11', '200054781', ?, 'metro', ?, '93200', "
            "ST_GeomFromText(?))",
            [code, name, ept, pop, _wgs84(commune_geoms[code]).wkt],
        )
    con.execute(
        "CREATE TABLE territories AS "
        "SELECT 'france' AS level, 'FR' AS code, 'France' AS name, 'france' AS name_search, "
        "68000000::BIGINT AS population, NULL::VARCHAR AS region_code, "
        "NULL::VARCHAR AS dep_code, NULL::VARCHAR AS epci_type "
        "UNION ALL SELECT 'region', code, name, lower(name), population, code, NULL, NULL "
        "FROM regions "
        "UNION ALL SELECT 'departement', code, name, lower(name), population, region_code, code, "
        "NULL FROM departements "
        "UNION ALL SELECT 'epci', code, name, lower(name), population, '11', '93', type FROM epci "
        "UNION ALL SELECT 'commune', code, name, lower(name), population, reg_code, dep_code, NULL "
        "FROM communes"
    )
    # QPV
    con.execute(
        "CREATE TABLE qpv (code VARCHAR, name VARCHAR, geography VARCHAR, dep_code VARCHAR, "
        "reg_code VARCHAR, epci_code VARCHAR, commune_code VARCHAR, commune_codes VARCHAR[], "
        "area_m2 DOUBLE, precision VARCHAR, geometry_status VARCHAR, lon DOUBLE, lat DOUBLE, "
        "geom GEOMETRY, geom_display GEOMETRY)"
    )
    con.execute("CREATE TABLE qpv_communes (code VARCHAR, geography VARCHAR, commune_code VARCHAR)")
    con.execute(
        "CREATE TABLE qpv_indicators (code VARCHAR, geography VARCHAR, population BIGINT, "
        "youth_index DOUBLE, households BIGINT, social_housing BIGINT, "
        "social_housing_rate DOUBLE, employment_rate DOUBLE, poverty_rate DOUBLE, "
        "caf_covered BIGINT, caf_recipients BIGINT, rsa BIGINT)"
    )
    qpv_geoms = {}
    for code, name, main, communes, sq, pop, poverty in QPVS:
        geom = _square(*sq)
        qpv_geoms[code] = geom
        wkt = _wgs84(geom).wkt
        label = _wgs84(geom.centroid)
        con.execute(
            "INSERT INTO qpv VALUES (?, ?, '2024', '93', '11', '200054781', ?, ?, ?, 'full', "
            "'ok', ?, ?, ST_GeomFromText(?), ST_GeomFromText(?))",
            [code, name, main, communes, geom.area, label.x, label.y, wkt, wkt],
        )
        for commune in communes:
            con.execute("INSERT INTO qpv_communes VALUES (?, '2024', ?)", [code, commune])
        con.execute(
            "INSERT INTO qpv_indicators VALUES (?, '2024', ?, 1.2, ?, ?, 55.0, 48.0, ?, ?, ?, ?)",
            [code, pop, pop // 2, pop // 3, poverty, pop // 2, pop // 5, pop // 20],
        )
    # reference tables
    con.execute(
        "CREATE TABLE ref_families (code VARCHAR, label_fr VARCHAR, label_en VARCHAR, sort INT)"
    )
    for code, label, sort in FAMILIES:
        con.execute("INSERT INTO ref_families VALUES (?, ?, ?, ?)", [code, label, code, sort])
    con.execute("CREATE TABLE ref_naf_sections (code VARCHAR, label_fr VARCHAR, label_en VARCHAR)")
    for code, label in SECTIONS:
        con.execute("INSERT INTO ref_naf_sections VALUES (?, ?, ?)", [code, label, label])
    con.execute(
        "CREATE TABLE ref_size_bands (code VARCHAR, label_fr VARCHAR, min_employees INT, "
        "max_employees INT, estimate DOUBLE, size_class VARCHAR)"
    )
    for band in SIZE_BANDS:
        con.execute("INSERT INTO ref_size_bands VALUES (?, ?, ?, ?, ?, ?)", list(band))
    # establishments
    con.execute(
        "CREATE TABLE establishments (siret VARCHAR, siren VARCHAR, name VARCHAR, "
        "diffusible BOOLEAN, family VARCHAR, legal_category VARCHAR, naf VARCHAR, "
        "naf_section VARCHAR, size_band VARCHAR, size_class VARCHAR, employees_est DOUBLE, "
        "employer BOOLEAN, created DATE, commune_code VARCHAR, commune_code_raw VARCHAR, "
        "epci_code VARCHAR, ept_code VARCHAR, dep_code VARCHAR, reg_code VARCHAR, lon DOUBLE, "
        "lat DOUBLE, geo_quality VARCHAR, geo_source VARCHAR, qpv24 VARCHAR, qpv15 VARCHAR, "
        "qpv24_nearest VARCHAR, qpv24_distance_m DOUBLE, near_qpv300 BOOLEAN, "
        "insee_plg_qp24 VARCHAR, naf_nomenclature VARCHAR, location_precision VARCHAR, "
        "qpv24_status VARCHAR, near_qpv300_status VARCHAR)"
    )
    rng = random.Random(93)
    rows = []
    for i in range(n_points):
        code, _name, _pop, (x0, y0, size), ept = COMMUNES[i % len(COMMUNES)]
        x, y = x0 + rng.random() * size, y0 + rng.random() * size
        point = shapely.Point(x, y)
        distances = {q: g.distance(point) for q, g in qpv_geoms.items()}
        nearest = min(distances, key=distances.get)
        dist = distances[nearest]
        family = FAMILIES[rng.randrange(len(FAMILIES))][0]
        section = SECTIONS[rng.randrange(len(SECTIONS))][0]
        band = SIZE_BANDS[rng.randrange(len(SIZE_BANDS))]
        lonlat = _wgs84(point)
        siret = f"{900000000 + i:09d}{i % 100000:05d}"
        # one in 25 placed by INSEE at random in its commune: QPV status « incertain »
        unsure = i % 25 == 24
        if unsure:
            nearest, dist = None, None
        rows.append(
            (
                siret,
                siret[:9],
                f"Structure {i}",
                True,
                family,
                "9220",
                section + "00",
                section,
                band[0],
                band[5],
                band[4],
                band[4] > 0,
                None,
                code,
                code,
                "200054781",
                ept,
                "93",
                "11",
                lonlat.x,
                lonlat.y,
                "33" if unsure else "11",
                "geolocalisation",
                nearest if dist == 0 else None,
                None,
                nearest,
                dist,
                dist is not None and dist <= 300,
                None,
                "NAFRev2",
                "commune" if unsure else "adresse",
                "incertain" if unsure else ("oui" if dist == 0 else "non"),
                "incertain" if unsure else ("oui" if dist <= 300 else "non"),
            )
        )
    if rows:
        con.executemany("INSERT INTO establishments VALUES (" + ", ".join(["?"] * 33) + ")", rows)
    base = (
        "sum(1)::BIGINT AS establishments, sum(CASE WHEN employer THEN 1 ELSE 0 END)::BIGINT "
        "AS employer_establishments, sum(employees_est) AS employees_est, "
        "sum(CASE WHEN qpv24 IS NOT NULL THEN 1 ELSE 0 END)::BIGINT AS in_qpv, "
        "sum(CASE WHEN near_qpv300 THEN 1 ELSE 0 END)::BIGINT AS near_qpv300, "
        "sum(CASE WHEN qpv24_status = 'incertain' THEN 1 ELSE 0 END)::BIGINT AS qpv_uncertain "
        "FROM establishments"
    )
    dims = "family, naf_section, size_class"
    con.execute(
        f"CREATE TABLE agg_territory AS "
        f"SELECT 'france' AS level, 'FR' AS code, {dims}, {base} GROUP BY ALL "
        f"UNION ALL SELECT 'region', reg_code, {dims}, {base} GROUP BY ALL "
        f"UNION ALL SELECT 'departement', dep_code, {dims}, {base} GROUP BY ALL "
        f"UNION ALL SELECT 'epci', epci_code, {dims}, {base} GROUP BY ALL "
        f"UNION ALL SELECT 'epci', ept_code, {dims}, {base} GROUP BY ALL "
        f"UNION ALL SELECT 'commune', commune_code, {dims}, {base} GROUP BY ALL "
        f"UNION ALL SELECT 'qpv', qpv24, {dims}, {base} WHERE qpv24 IS NOT NULL GROUP BY ALL"
    )
    con.close()


@pytest.fixture(scope="module")
def fixture_wh(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("wh") / "sse.duckdb")


def test_fixture_follows_the_contract_and_is_additive(fixture_wh):
    con = db.open_warehouse(fixture_wh)
    try:
        levels = dict(
            con.execute(
                "SELECT level, sum(establishments) FROM agg_territory "
                "WHERE level IN ('france', 'departement', 'commune') GROUP BY level"
            ).fetchall()
        )
        assert levels["france"] == levels["departement"] == levels["commune"]
        in_qpv = con.execute("SELECT count(*) FROM establishments WHERE qpv24 IS NOT NULL")
        assert in_qpv.fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM qpv_communes").fetchone()[0] == 4
    finally:
        con.close()
