"""Third places: the France Tiers-Lieux census files (2026 « fiche identité »: `;`, UTF-8 with
BOM, decimal commas; 2023: commune code `Insee`) read through the official catalogue entry, a
commune-centre location « incertain » for QPV questions, and places named by several sources
marked once."""

from __future__ import annotations

import pandas as pd
import pytest

from sse_dash.catalog import load_catalog
from sse_dash.config import OFFICIAL_CATALOG
from sse_dash.warehouse import places
from sse_dash.warehouse.readers import ReadError, norm_dep, read_dataset, source_columns


@pytest.fixture(scope="module")
def ftl():
    return load_catalog(OFFICIAL_CATALOG).get("tiers_lieux_ftl")


def test_census_2026_layout(ftl, official_fixtures):
    df = read_dataset(ftl, official_fixtures / "bdftl-2026-01-fiche-identite_extrait.csv")
    assert list(df["id"]) == ["TL26-0001", "TL26-0002", "TL26-0003", "TL26-0004"]
    assert df.loc[0, "name"] == "La Miel"
    assert df.loc[2, "name"] == "Tiers-lieu des Possibles; fictif"  # quoted `;` kept
    assert df.loc[0, "lat"] == "48,9362"  # decimal comma: converted when placed
    assert df["commune_code"].isna().all()  # the 2026 file has no commune code
    assert df.loc[3, "lon"] is None


def test_census_2023_layout_gives_the_commune(ftl, official_fixtures):
    df = read_dataset(ftl, official_fixtures / "bdftl-2023-01-fiche-identite_extrait.csv")
    assert list(df["commune_code"]) == ["93066", "93055"]
    assert df["lon"].isna().all()


def test_required_and_alternative_columns(ftl):
    chosen, missing = source_columns(ftl, ["NOM", "Insee", "LATITUDE"])
    assert chosen["commune_code"] == "Insee" and chosen["lon"] is None and not missing
    _, missing = source_columns(ftl, ["ID_UNIQUE"])
    assert missing == ["NOM"]


def test_missing_required_column_is_a_french_error(ftl, tmp_path):
    bad = tmp_path / "bdftl.csv"
    bad.write_text("ID_UNIQUE;VILLE\n1;Pantin\n", encoding="utf-8")
    with pytest.raises(ReadError, match="colonne\\(s\\) absente\\(s\\).*« NOM »"):
        read_dataset(ftl, bad)


def test_corsica_departement_from_a_qpv_code():
    assert norm_dep("02A") == "2A" and norm_dep("02B") == "2B"
    assert norm_dep("093") == "93" and norm_dep("971") == "971" and norm_dep("2a") == "2A"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("La Miel", "La Miel", True),
        ("Le Médialab93", "Le Medialab93", True),
        ("Tiers-lieu La Fabrique du Lien", "La Fabrique du lien", True),
        ("Coworking des Possibles", "Les Possibles", True),
        ("Atelier Vélo", "Café associatif", False),
        ("La Fabrique", "Fabrique de territoire", False),  # no distinctive word
    ],
)
def test_same_place_by_distinctive_words(a, b, same):
    assert places.same_place(places.name_tokens(a), places.name_tokens(b)) is same


def test_duplicates_across_sources_only_within_a_commune():
    frame = pd.DataFrame(
        [
            (1, "F1", "La Miel", "93066", "fabriques", "commune"),
            (2, "T1", "La Miel", "93066", "census", "adresse"),
            (3, "T2", "La Miel", "93048", "census", "adresse"),  # other commune
            (4, "F2", "Le Lieu", "93066", "fabriques", "commune"),
            (5, "F3", "Le Lieu", "93066", "fabriques", "commune"),  # same source twice
            (6, "M1", "Manufacture La Miel", "93066", "manufactures", "commune"),
        ],
        columns=["rid", "id", "name", "commune_code", "dataset_id", "location_precision"],
    )
    titles = {"fabriques": "Fabriques de territoire", "census": "Recensement", "manufactures": "M"}
    dups = places.find_duplicates(frame, titles).set_index("rid")
    assert set(dups.index) == {1, 2, 6}
    assert pd.isna(dups.loc[2, "duplicate_of"])  # the census row (address) is kept
    assert dups.loc[1, "duplicate_of"] == "T1" and dups.loc[6, "duplicate_of"] == "T1"
    assert dups.loc[2, "also_in"] == "Fabriques de territoire ; M"


def test_dev_build_marks_commune_centres_uncertain_and_pdl_duplicates(dev_warehouse):
    from sse_dash import db

    con = db.open_warehouse(dev_warehouse)
    try:
        by_precision = dict(
            con.execute(
                "SELECT location_precision, list_distinct(list(qpv24_status)) FROM third_places "
                "WHERE lon IS NOT NULL GROUP BY 1"
            ).fetchall()
        )
        marked = con.execute(
            "SELECT count(*) FILTER (WHERE also_in IS NOT NULL), "
            "count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM third_places"
        ).fetchone()
        ptce = dict(
            con.execute(
                "SELECT location_precision, list_distinct(list(qpv24_status)) FROM ptce GROUP BY 1"
            ).fetchall()
        )
        split = dict(
            con.execute(
                "SELECT id, name FROM third_places WHERE id IN ('fabt-63', 'fabt-123')"
            ).fetchall()
        )
    finally:
        con.close()
    assert by_precision["commune"] == ["incertain"]
    assert set(by_precision["adresse"]) <= {"oui", "non"}
    # PTCE are known by their commune (or département) only: never counted in a QPV
    assert ptce and all(statuses == ["incertain"] for statuses in ptce.values()), ptce
    assert marked[0] > marked[1] > 0  # PiNG's fabriques are also ANCT Fabriques
    # grouped ANCT rows (« fabt-63; fabt-123 » / « La Miel; SCIC SA LA MAIN 9-3.0 ») are split
    assert split == {"fabt-63": "La Miel", "fabt-123": "SCIC SA LA MAIN 9-3.0"}
