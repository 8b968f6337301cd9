"""The catalogues: the official one must mirror the dev one role for role and column for column
(so a build works with either), and the loader must refuse malformed catalogues in French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sse_dash.catalog import FORMATS, ROLES, CatalogError, load_catalog
from sse_dash.config import DEV_CATALOG, OFFICIAL_CATALOG
from sse_dash.fetch import target_name

SIRENE_ROLES = {"sirene_unites_legales", "sirene_etablissements", "sirene_geolocalisation"}
# Official point layers carry a GeoJSON geometry instead of lon/lat attribute columns.
GEOMETRY_ONLY = {"lon", "lat"}


@pytest.fixture(scope="module")
def official():
    return load_catalog(OFFICIAL_CATALOG)


@pytest.fixture(scope="module")
def dev():
    return load_catalog(DEV_CATALOG)


def canonical_columns(catalog, role: str) -> set[str]:
    return {col for ds in catalog.by_role(role) for col in ds.columns}


def test_both_catalogues_load(official, dev):
    assert official.name == "officiel" and len(official.datasets) >= 18
    assert dev.name == "dev"


def test_official_datasets_are_remote_https_with_licence_and_publisher(official):
    for ds in official.datasets:
        assert ds.urls, ds.id
        assert ds.path is None, ds.id
        assert all(u.startswith("https://") for u in ds.urls), ds.id
        assert ds.licence.strip() and ds.publisher.strip() and ds.vintage.strip(), ds.id
        assert ds.format in FORMATS and ds.role in ROLES
        assert Path(target_name(ds)).suffix, ds.id  # a usable local file name


def test_pinned_checksums_are_well_formed(official):
    pinned = [ds for ds in official.datasets if ds.sha256]
    assert pinned  # the versioned COG files are pinned
    for ds in pinned:
        assert re.fullmatch(r"[0-9a-f]{64}", ds.sha256), ds.id
        assert isinstance(ds.size, int) and ds.size > 0, ds.id


def test_official_covers_dev_roles_with_same_canonical_columns(official, dev):
    dev_roles = {ds.role for ds in dev.datasets}
    official_roles = {ds.role for ds in official.datasets}
    assert dev_roles <= official_roles
    for role in sorted(dev_roles):
        dev_cols = canonical_columns(dev, role)
        off_cols = canonical_columns(official, role)
        assert off_cols <= dev_cols, (role, off_cols - dev_cols)
        assert dev_cols - GEOMETRY_ONLY <= off_cols, (role, dev_cols - off_cols)


def test_official_sirene_uses_official_column_names(official):
    for role in SIRENE_ROLES:
        (ds,) = official.by_role(role)
        assert ds.columns == {} and ds.format == "parquet"


def test_official_qpv_layers(official):
    qpv = {ds.options["geography"]: ds for ds in official.by_role("qpv")}
    assert set(qpv) == {"2024", "2015"}
    q24 = qpv["2024"]
    assert q24.options["precision"] == "full"
    assert q24.member == "GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
    assert q24.columns["code"] == "code_qp" and q24.columns["epci_code"] == "siren_epci"
    assert any("5a561801c751df42d7fca9b6" in s for s in (q24.homepage, *q24.urls))


def test_sources_without_official_file_are_optional_and_explained(official):
    """No confirmed official file for these: the build may skip them, the notes say why."""
    for role in ("qpv_indicators", "ptce", "ess_share"):
        for ds in official.by_role(role):
            assert ds.options.get("optional") is True, ds.id
            assert "SSE_DASH_MIRROR" in ds.notes and "catalogue local" in ds.notes, ds.id


# ---------------------------------------------------------------- loader errors


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text('[catalog]\nname = "test"\n' + body, encoding="utf-8")
    return path


VALID = """
[[dataset]]
id = "x"
role = "qpv"
title = "X"
publisher = "P"
licence = "L"
vintage = "2024"
format = "geojson"
"""


def test_valid_minimal_local_catalogue(tmp_path):
    cat = load_catalog(write(tmp_path, VALID + 'path = "qpv.geojson"\n'))
    (ds,) = cat.datasets
    assert ds.local_path() == tmp_path / "qpv.geojson"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('path = "a"\ncolour = "bleu"\n', "clés inconnues"),
        ("", "indiquer « urls »"),
    ],
)
def test_loader_rejects_bad_entries(tmp_path, extra, message):
    with pytest.raises(CatalogError, match=message) as err:
        load_catalog(write(tmp_path, VALID + extra))
    assert "mine.toml" in str(err.value) and "(x)" in str(err.value)


def test_loader_rejects_unknown_role_format_and_duplicates(tmp_path):
    bad_role = VALID.replace('role = "qpv"', 'role = "cantines"') + 'path = "a"\n'
    with pytest.raises(CatalogError, match="rôle inconnu « cantines »"):
        load_catalog(write(tmp_path, bad_role))
    bad_format = VALID.replace('format = "geojson"', 'format = "dbf"') + 'path = "a"\n'
    with pytest.raises(CatalogError, match="format inconnu"):
        load_catalog(write(tmp_path, bad_format))
    twice = (VALID + 'path = "a"\n') * 2
    with pytest.raises(CatalogError, match="identifiant en double"):
        load_catalog(write(tmp_path, twice))
    no_licence = VALID.replace('licence = "L"\n', "") + 'path = "a"\n'
    with pytest.raises(CatalogError, match="« licence » est obligatoire"):
        load_catalog(write(tmp_path, no_licence))


def test_loader_missing_or_unreadable_file(tmp_path):
    with pytest.raises(CatalogError, match="Catalogue introuvable"):
        load_catalog(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[dataset]\nid = ", encoding="utf-8")
    with pytest.raises(CatalogError, match="Catalogue illisible"):
        load_catalog(broken)


# ---------------------------------------------------------------- official sources of 2026

SIRENE_RESOURCES = {
    "sirene_etablissements": "a29c1297-1f92-4e2a-8f6b-8c902ce96c5f",
    "sirene_unites_legales": "350182c9-148a-46e0-8389-76c2ec1374a3",
    "sirene_geolocalisation": "672007af-0146-491f-835c-8314d63fa44e",
}


def test_sirene_uses_stable_datagouv_links_and_the_files_month(official):
    for role, rid in SIRENE_RESOURCES.items():
        (ds,) = official.by_role(role)
        assert ds.urls == (f"https://www.data.gouv.fr/api/1/datasets/r/{rid}",), role
        assert ds.options["datagouv_resource"] == rid
        assert ds.options["vintage_from_file"] is True
        assert "dernier disponible" not in ds.vintage
        # the retired pipeline address (stale since May 2026) is not used
        assert not any("data-pipeline-open" in u for u in ds.urls)
        names = ds.options["mirror_names"]
        assert names[0].endswith("-parquet.parquet") and any("_utf8" in n for n in names)
        assert target_name(ds) == names[0]


def test_third_places_census_contours_2026_and_pinned_anct_commits(official):
    kinds = {ds.id: ds for ds in official.by_role("third_places")}
    ftl = kinds["tiers_lieux_ftl"]
    assert "recensement-des-tiers-lieux-en-france-2026" in ftl.urls[0]
    assert ftl.separator == ";" and ftl.format == "csv"
    assert ftl.columns["lat"] == "LATITUDE" and "Insee" in ftl.columns["commune_code"]
    assert {"fabriques_de_territoire", "manufactures_de_proximite"} <= set(kinds)
    assert "tiers_lieux_cget_2019" not in kinds
    # the Fabriques file of January 2024 (the commit of November 2023 was an older one)
    fabt = kinds["fabriques_de_territoire"]
    assert "ef752b91625ada05baed01ddd8b22783e80bc99a" in fabt.urls[0]
    assert fabt.vintage == "janvier 2024"
    assert "/HEAD/" not in kinds["manufactures_de_proximite"].urls[0]
    for role in ("regions_geom", "departements_geom", "communes_geom", "epci_geom"):
        (ds,) = official.by_role(role)
        assert all("/2026/geojson/" in u and u.endswith(".geojson") for u in ds.urls), ds.id
    (ind,) = official.by_role("qpv_indicators")
    assert "revenus" in ind.notes and "population" in ind.notes and "autre page" in ind.notes
