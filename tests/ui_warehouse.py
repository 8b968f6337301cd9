"""A tiny warehouse that follows docs/warehouse.md, for the UI tests (pages, maps, queries).

Square communes around Saint-Denis, Bobigny, Épinay-sur-Seine, Paris and Toulouse; three 2024
QPV and one 2015 QPV; 160 establishments whose attributes follow simple rules so that tests can
compute expected figures independently (see `expected_*` helpers)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sse_dash import db
from sse_dash.sirene import mappings
from sse_dash.warehouse.build import (
    SCHEMA_VERSION,
    locate_third_places_qpv,
    prepare_commune_shapes,
    prepare_map_geojson,
)

REGIONS = [("11", "Île-de-France", 12_000_000), ("76", "Occitanie", 6_000_000)]
DEPARTEMENTS = [
    ("75", "Paris", "11", 2_100_000),
    ("93", "Seine-Saint-Denis", "11", 1_650_000),
    ("31", "Haute-Garonne", "76", 1_400_000),
]
EPCI = [
    ("200054781", "Métropole du Grand Paris", "METRO", 7_000_000),
    ("200057867", "Plaine Commune", "EPT", 450_000),
    ("243100518", "Toulouse Métropole", "METRO", 800_000),
]
# code, name, dep, reg, epci, ept, population, (lon0, lat0, lon1, lat1)
COMMUNES = [
    (
        "93066",
        "Saint-Denis",
        "93",
        "11",
        "200054781",
        "200057867",
        110_000,
        (2.33, 48.92, 2.38, 48.95),
    ),
    (
        "93031",
        "Épinay-sur-Seine",
        "93",
        "11",
        "200054781",
        "200057867",
        55_000,
        (2.28, 48.95, 2.33, 48.97),
    ),
    ("93008", "Bobigny", "93", "11", "200054781", None, 53_000, (2.42, 48.89, 2.46, 48.92)),
    ("75056", "Paris", "75", "11", "200054781", None, 2_100_000, (2.25, 48.81, 2.42, 48.90)),
    ("31555", "Toulouse", "31", "76", "243100518", None, 500_000, (1.35, 43.55, 1.50, 43.67)),
]
# code, name, geography, dep, reg, epci, commune, box
QPV = [
    (
        "QN09301M",
        "Franc-Moisin & Bel-Air",
        "2024",
        "93",
        "11",
        "200054781",
        "93066",
        (2.35, 48.93, 2.36, 48.94),
    ),
    (
        "QN09302M",
        "L'Abreuvoir",
        "2024",
        "93",
        "11",
        "200054781",
        "93008",
        (2.43, 48.90, 2.44, 48.91),
    ),
    ("QN03101M", "Le Mirail", "2024", "31", "76", "243100518", "31555", (1.39, 43.57, 1.41, 43.59)),
    (
        "QP093001",
        "Franc-Moisin 2015",
        "2015",
        "93",
        "11",
        "200054781",
        "93066",
        (2.35, 48.93, 2.365, 48.94),
    ),
]
FAMILIES = ["association", "cooperative", "mutuelle", "fondation", "societe_ess", "autre"]
SECTIONS = ["Q", "P", "S", "K"]
SIZE_BANDS = ["NN", "01", "11", "21"]  # size classes NN, 1-9, 10-49, 50-249


def box_wkt(box) -> str:
    x0, y0, x1, y1 = box
    return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


def establishments() -> pd.DataFrame:
    """160 establishments: 40 per commune of Saint-Denis, Bobigny, Épinay, Toulouse; every
    4th one in its commune's QPV (Épinay has none), every 4th+1 within 300 m of it — except
    number 37 (no coordinates) and 38 (INSEE's random point in the commune, qualite_xy 33),
    whose QPV status is « incertain » (no QPV, no distance, never counted in or near); the 40th
    of each commune is non-diffusible (no name, no coordinates, as the SIRENE build stores it)."""
    bands = {b[0]: b for b in mappings.SIZE_BANDS}
    rows = []
    communes = [c for c in COMMUNES if c[0] in ("93066", "93008", "93031", "31555")]
    qpv_of = {q[6]: q for q in QPV if q[2] == "2024"}
    for c in communes:
        code, _name, dep, reg, epci, ept, _pop, (x0, y0, x1, y1) = c
        qpv = qpv_of.get(code)
        for i in range(40):
            family = FAMILIES[i % 6]
            section = SECTIONS[i % 4]
            band = SIZE_BANDS[i % 4]
            lon = x0 + (x1 - x0) * ((i * 7) % 40 + 0.5) / 40
            lat = y0 + (y1 - y0) * ((i * 11) % 40 + 0.5) / 40
            unsure = i in (37, 38)
            in_qpv = qpv is not None and i % 4 == 0
            near = qpv is not None and i % 4 in (0, 1) and not unsure
            if in_qpv:
                qx0, qy0, qx1, qy1 = qpv[7]
                lon, lat = (qx0 + qx1) / 2, (qy0 + qy1) / 2 + (i % 7) * 0.0005
            siren = f"{int(code[:2] if code[:2].isdigit() else 20):02d}{i:07d}"
            rows.append(
                {
                    "siret": f"{siren}{i:05d}",
                    "siren": siren,
                    "name": None if i == 39 else f"Structure {code}-{i}",
                    "diffusible": i != 39,
                    "family": family,
                    "legal_category": "9220" if family == "association" else "5458",
                    "naf": {"Q": "88.99B", "P": "85.59A", "S": "94.99Z", "K": "65.12Z"}[section],
                    "naf_nomenclature": "NAFRev2",
                    "naf_section": section,
                    "size_band": band,
                    "size_class": bands[band][5],
                    "employees_est": bands[band][4],
                    "employer": bands[band][2] is not None and bands[band][2] >= 1,
                    "created": pd.Timestamp(2000 + (i % 20), 1 + i % 12, 1).date(),
                    "commune_code": code,
                    "commune_code_raw": code,
                    "epci_code": epci,
                    "ept_code": ept,
                    "dep_code": dep,
                    "reg_code": reg,
                    # like the real build: a non-diffusible unit is stored without coordinates
                    "lon": None if i in (37, 39) else lon,
                    "lat": None if i in (37, 39) else lat,
                    "geo_quality": None if i == 37 else ("33" if i == 38 else "11"),
                    "geo_source": "none" if i == 37 else "geolocalisation",
                    "location_precision": {37: "aucune", 38: "commune"}.get(i, "adresse"),
                    "qpv24_status": "incertain" if unsure else ("oui" if in_qpv else "non"),
                    "near_qpv300_status": "incertain" if unsure else ("oui" if near else "non"),
                    "qpv24": qpv[0] if in_qpv else None,
                    "qpv15": None,
                    "qpv24_nearest": qpv[0] if qpv and not unsure else None,
                    "qpv24_distance_m": None
                    if unsure
                    else (0.0 if in_qpv else (150.0 if near else 2500.0)),
                    "near_qpv300": near,
                    "insee_plg_qp24": None
                    if i == 37
                    else (qpv[0] if in_qpv else ("HZ" if qpv else "CSZ")),
                    "insee_qualite_qp24": None if i == 37 else ("3" if i == 38 else "1"),
                    "insee_plg_qp15": None if i == 37 else "CSZ",
                    "insee_qualite_qp15": None if i == 37 else "1",
                }
            )
    return pd.DataFrame(rows)


def build(path: Path, *, sirene: bool = True, synthetic: bool = True) -> Path:
    """Write the fixture warehouse at `path` (overwritten)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = db.connect(path)
    try:
        _build(con, sirene=sirene, synthetic=synthetic)
    finally:
        con.close()
    return path


def _build(con, *, sirene: bool, synthetic: bool) -> None:
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    meta = [
        ("catalog", "ui-test"),
        ("built_at", "2026-11-22T18:00:00"),
        ("schema_version", SCHEMA_VERSION),
    ]
    if sirene:
        meta.append(("sirene_synthetic", "true" if synthetic else "false"))
    con.executemany("INSERT INTO meta VALUES (?, ?)", meta)
    con.execute(
        """CREATE TABLE provenance (dataset_id VARCHAR, role VARCHAR, title VARCHAR,
        publisher VARCHAR, licence VARCHAR, source VARCHAR, retrieved_at TIMESTAMP,
        sha256 VARCHAR, size_bytes BIGINT, vintage VARCHAR, rows BIGINT, synthetic BOOLEAN,
        notes VARCHAR, built_at TIMESTAMP)"""
    )
    con.executemany(
        "INSERT INTO provenance VALUES (?, ?, ?, ?, ?, ?, TIMESTAMP '2026-11-20 10:00:00', "
        "'abc', 1000, ?, ?, ?, ?, TIMESTAMP '2026-11-22 18:00:00')",
        [
            (
                "qpv_2024",
                "qpv_contours",
                "QPV 2024",
                "ANCT",
                "Licence Ouverte 2.0",
                "https://www.data.gouv.fr/qpv",
                "2024",
                3,
                False,
                "copie simplifiée",
            ),
            (
                "sirene_synth",
                "sirene_etablissements",
                "SIRENE synthétique",
                "sse_dash",
                "Licence Ouverte 2.0",
                "synthetic",
                "2026-11",
                160,
                True,
                "<b>fictif</b>",
            ),
        ],
    )
    con.execute(
        "CREATE TABLE build_issues (dataset_id VARCHAR, kind VARCHAR, code VARCHAR, detail VARCHAR)"
    )
    con.executemany(
        "INSERT INTO build_issues VALUES (?, ?, ?, ?)",
        [
            ("qpv_2024", "geometry_repaired", "QN09301M", "make_valid"),
            ("qpv_2024", "geometry_empty", "QN09105I", "sliver"),
            ("qpv_2024", "geometry_repaired", "QN09302M", "make_valid"),
        ],
    )
    con.execute(
        "CREATE TABLE regions (code VARCHAR, name VARCHAR, zone VARCHAR, population BIGINT, geom_display GEOMETRY, map_geojson VARCHAR)"
    )
    con.execute(
        "CREATE TABLE departements (code VARCHAR, name VARCHAR, region_code VARCHAR, zone VARCHAR, population BIGINT, geom_display GEOMETRY, map_geojson VARCHAR)"
    )
    con.execute(
        "CREATE TABLE epci (code VARCHAR, name VARCHAR, type VARCHAR, population BIGINT, nb_communes INT, geom_display GEOMETRY)"
    )
    con.execute(
        """CREATE TABLE communes (code VARCHAR, name VARCHAR, dep_code VARCHAR, reg_code VARCHAR,
        epci_code VARCHAR, ept_code VARCHAR, zone VARCHAR, population BIGINT, postal_codes VARCHAR,
        geom_display GEOMETRY)"""
    )
    for c in COMMUNES:
        code, name, dep, reg, epci, ept, pop, box = c
        con.execute(
            "INSERT INTO communes VALUES (?, ?, ?, ?, ?, ?, 'metro', ?, '', ST_GeomFromText(?))",
            [code, name, dep, reg, epci, ept, pop, box_wkt(box)],
        )
    for code, name, reg, pop in DEPARTEMENTS:
        con.execute(
            "INSERT INTO departements SELECT ?, ?, ?, 'metro', ?, ST_Envelope(ST_Union_Agg(geom_display)), NULL "
            "FROM communes WHERE dep_code = ?",
            [code, name, reg, pop, code],
        )
    for code, name, pop in REGIONS:
        con.execute(
            "INSERT INTO regions SELECT ?, ?, 'metro', ?, ST_Envelope(ST_Union_Agg(geom_display)), NULL "
            "FROM communes WHERE reg_code = ?",
            [code, name, pop, code],
        )
    prepare_map_geojson(con)
    prepare_commune_shapes(con)
    for code, name, kind, pop in EPCI:
        con.execute(
            "INSERT INTO epci SELECT ?, ?, ?, ?, count(*), ST_Envelope(ST_Union_Agg(geom_display)) "
            "FROM communes WHERE epci_code = ? OR ept_code = ?",
            [code, name, kind, pop, code, code],
        )
    con.execute(
        "CREATE TABLE commune_aliases (alias_code VARCHAR, commune_code VARCHAR, kind VARCHAR)"
    )
    con.execute("INSERT INTO commune_aliases SELECT code, code, 'self' FROM communes")
    con.execute(
        r"""CREATE VIEW territories AS
        SELECT 'france' AS level, 'FR' AS code, 'France' AS name, 'france' AS name_search,
               68000000::BIGINT AS population, NULL AS region_code, NULL AS dep_code, NULL AS epci_type
        UNION ALL SELECT 'region', code, name, lower(strip_accents(name)), population, code, NULL, NULL FROM regions
        UNION ALL SELECT 'departement', code, name, lower(strip_accents(name)), population, region_code, code, NULL FROM departements
        UNION ALL SELECT 'epci', e.code, e.name, lower(strip_accents(e.name)), e.population,
               any_value(c.reg_code), any_value(c.dep_code), e.type
               FROM epci e LEFT JOIN communes c ON c.epci_code = e.code OR c.ept_code = e.code
               GROUP BY e.code, e.name, e.population, e.type
        UNION ALL SELECT 'commune', code, name, lower(strip_accents(name)), population, reg_code, dep_code, NULL FROM communes"""
    )
    con.execute(
        """CREATE TABLE qpv (code VARCHAR, name VARCHAR, geography VARCHAR, dep_code VARCHAR,
        reg_code VARCHAR, epci_code VARCHAR, commune_code VARCHAR, commune_codes VARCHAR[],
        area_m2 DOUBLE, precision VARCHAR, geometry_status VARCHAR, lon DOUBLE, lat DOUBLE,
        geom GEOMETRY, geom_display GEOMETRY)"""
    )
    for code, name, geo, dep, reg, epci, com, box in QPV:
        con.execute(
            "INSERT INTO qpv VALUES (?, ?, ?, ?, ?, ?, ?, [?], 1000000, 'full', 'ok', ?, ?, "
            "ST_GeomFromText(?), ST_GeomFromText(?))",
            [
                code,
                name,
                geo,
                dep,
                reg,
                epci,
                com,
                com,
                (box[0] + box[2]) / 2,
                (box[1] + box[3]) / 2,
                box_wkt(box),
                box_wkt(box),
            ],
        )
    con.execute("CREATE TABLE qpv_communes AS SELECT code, geography, commune_code FROM qpv")
    con.execute(
        """CREATE TABLE qpv_indicators (code VARCHAR, geography VARCHAR, population BIGINT,
        youth_index DOUBLE, households BIGINT, social_housing BIGINT, social_housing_rate DOUBLE,
        employment_rate DOUBLE, poverty_rate DOUBLE, caf_covered BIGINT, caf_recipients BIGINT,
        rsa BIGINT)"""
    )
    con.executemany(
        "INSERT INTO qpv_indicators VALUES (?, '2024', ?, 1.5, 3000, 2000, 66.6, ?, ?, 5000, 2000, 500)",
        [
            ("QN09301M", 9000, 48.5, 45.2),
            ("QN09302M", 5000, 51.0, 38.0),
            ("QN03101M", 20000, 44.0, 50.1),
        ],
    )
    con.execute(
        """CREATE TABLE third_places (id VARCHAR, name VARCHAR, kind VARCHAR, commune_code VARCHAR,
        dep_code VARCHAR, reg_code VARCHAR, address VARCHAR, url VARCHAR, lon DOUBLE, lat DOUBLE,
        location_precision VARCHAR, dataset_id VARCHAR, qpv24 VARCHAR, qpv24_nearest VARCHAR,
        qpv24_distance_m DOUBLE, qpv24_status VARCHAR, near_qpv300_status VARCHAR,
        also_in VARCHAR, duplicate_of VARCHAR)"""
    )
    con.executemany(
        "INSERT INTO third_places VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?, 'adresse', 'tl', "
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        [
            (
                "tl1",
                "La Fabrique <du> quartier",
                "fabrique_de_territoire",
                "93066",
                "93",
                "11",
                2.3555,
                48.9355,
            ),
            ("tl2", "Le Lieu loin", "tiers_lieu", "93031", "93", "11", 2.29, 48.96),
            ("tl3", "Tiers-lieu du Mirail", "tiers_lieu", "31555", "31", "76", 1.40, 43.58),
        ],
    )
    # a place known only by its commune (centroid): its QPV status is « incertain »
    con.execute(
        "INSERT INTO third_places VALUES ('tl4', 'Atelier partagé', 'fabrique_de_territoire', "
        "'93008', '93', '11', '', '', 2.44, 48.905, 'commune', 'fabt', NULL, NULL, NULL, NULL, "
        "NULL, NULL, NULL)"
    )
    con.execute(
        """CREATE TABLE ptce (id VARCHAR, name VARCHAR, commune_code VARCHAR, dep_code VARCHAR,
        reg_code VARCHAR, structure VARCHAR, call VARCHAR, theme VARCHAR, source_urls VARCHAR,
        lon DOUBLE, lat DOUBLE, location_precision VARCHAR, dataset_id VARCHAR,
        qpv24 VARCHAR, qpv24_nearest VARCHAR, qpv24_distance_m DOUBLE, qpv24_status VARCHAR,
        near_qpv300_status VARCHAR)"""
    )
    con.executemany(
        "INSERT INTO ptce VALUES (?, ?, ?, ?, ?, 'asso', '2023', ?, '', ?, ?, 'commune', 'ptce', "
        "NULL, NULL, NULL, NULL, NULL)",
        [
            ("p1", "PTCE Plaine", "93066", "93", "11", "Alimentation", 2.36, 48.935),
            ("p2", "PTCE Occitan", "31555", "31", "76", "Mobilité", 1.44, 43.60),
        ],
    )
    locate_third_places_qpv(con)
    con.execute(
        "CREATE TABLE ess_share (level VARCHAR, code VARCHAR, name VARCHAR, share_2014 DOUBLE, share_2008 DOUBLE)"
    )
    con.execute(
        "INSERT INTO ess_share VALUES ('departement', '93', 'Seine-Saint-Denis', 5.64, 5.26), "
        "('region', '11', 'Île-de-France', 7.1, 6.9)"
    )
    if not sirene:
        return
    for name, frame in mappings.ref_frames().items():
        con.register("_ref", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _ref')
        con.unregister("_ref")
    ets = establishments()
    con.register("_ets", ets)
    # stored in the order of the real build (sirene_build_establishments.sql)
    con.execute(
        "CREATE TABLE establishments AS SELECT * FROM _ets "
        "ORDER BY reg_code, dep_code, commune_code, siret"
    )
    con.unregister("_ets")
    parts = [
        ("'france'", "'FR'"),
        ("'region'", "reg_code"),
        ("'departement'", "dep_code"),
        ("'epci'", "epci_code"),
        ("'epci'", "ept_code"),
        ("'commune'", "commune_code"),
        ("'qpv'", "qpv24"),
    ]
    selects = [
        f"""SELECT {lvl} AS level, {col} AS code, family, naf_section, size_class,
            count(*) AS establishments, count(*) FILTER (WHERE employer) AS employer_establishments,
            sum(employees_est) AS employees_est, count(*) FILTER (WHERE qpv24 IS NOT NULL) AS in_qpv,
            count(*) FILTER (WHERE near_qpv300) AS near_qpv300,
            count(*) FILTER (WHERE qpv24_status = 'incertain') AS qpv_uncertain
            FROM establishments WHERE {col} IS NOT NULL GROUP BY ALL"""
        for lvl, col in parts
    ]
    con.execute("CREATE TABLE agg_territory AS " + " UNION ALL ".join(selects))
    import tempfile

    import weight_fixture

    with tempfile.TemporaryDirectory() as folder:
        weight_fixture.add_weight_tables(con, Path(folder))
