"""Classification tables: SSE family per legal category, NAF sections, employee bands."""

from __future__ import annotations

import pandas as pd
import pytest

from sse_dash.sirene import mappings as m


@pytest.mark.parametrize(
    ("code", "family"),
    [
        ("9210", "association"),
        ("9220", "association"),
        ("9221", "association"),
        ("9230", "association"),
        ("9260", "association"),
        ("9300", "fondation"),
        ("8210", "mutuelle"),
        ("8250", "mutuelle"),
        ("8290", "mutuelle"),
        ("6411", "mutuelle"),
        ("6412", "mutuelle"),
        ("6414", "mutuelle"),
        ("5458", "cooperative"),  # SCOP SARL
        ("5460", "cooperative"),  # autre SARL coopérative (SCIC)
        ("5558", "cooperative"),
        ("5560", "cooperative"),
        ("5658", "cooperative"),
        ("5660", "cooperative"),
        ("5551", "cooperative"),
        ("5552", "cooperative"),
        ("6316", "cooperative"),  # CUMA
        ("6317", "cooperative"),
        ("5192", "cooperative"),  # banque populaire
        ("6595", "cooperative"),  # caisse locale de crédit mutuel
        ("6560", "cooperative"),
        ("5710", "societe_ess"),  # SAS with the ESS flag
        ("5499", "societe_ess"),
        ("5599", "societe_ess"),
        ("5432", "societe_ess"),  # SICA: not a cooperative code
        ("8310", "autre"),  # comité central d'entreprise
        ("8311", "autre"),
        ("8410", "autre"),
        ("9900", "autre"),
        ("7210", "autre"),
        ("6540", "autre"),  # SCI is not a cooperative
        ("1000", "autre"),
        (None, "autre"),
        ("", "autre"),
        ("92", "autre"),
        ("ABCD", "autre"),
        (" 9220 ", "association"),
    ],
)
def test_family_of(code, family):
    assert m.family_of(code) == family


def test_every_family_code_is_in_ref_families():
    families = m.ref_frames()["ref_families"]
    assert list(families["code"]) == list(m.FAMILY_CODES)
    legal = m.ref_frames()["ref_legal_categories"]
    assert set(legal["family"]) <= set(m.FAMILY_CODES)
    assert set(legal["family"]) == set(m.FAMILY_CODES)  # every family has at least one code
    assert legal["code"].is_unique


BANDS = {
    # code: (min, max, estimate, size_class, employer)
    "NN": (None, None, 0.0, "NN", False),
    "00": (0, 0, 0.0, "0", False),
    "01": (1, 2, 1.5, "1-9", True),
    "02": (3, 5, 4.0, "1-9", True),
    "03": (6, 9, 7.5, "1-9", True),
    "11": (10, 19, 14.5, "10-49", True),
    "12": (20, 49, 34.5, "10-49", True),
    "21": (50, 99, 74.5, "50-249", True),
    "22": (100, 199, 149.5, "50-249", True),
    "31": (200, 249, 224.5, "50-249", True),
    "32": (250, 499, 374.5, "250+", True),
    "41": (500, 999, 749.5, "250+", True),
    "42": (1000, 1999, 1499.5, "250+", True),
    "51": (2000, 4999, 3499.5, "250+", True),
    "52": (5000, 9999, 7499.5, "250+", True),
    "53": (10000, None, 10000.0, "250+", True),
}


@pytest.mark.parametrize("code", sorted(BANDS))
def test_size_bands(code):
    lo, hi, est, cls, employer = BANDS[code]
    assert m.size_class(code) == cls
    assert m.employees_estimate(code) == est
    assert m.is_employer(code) is employer
    row = m.ref_frames()["ref_size_bands"].set_index("code").loc[code]
    assert (None if row["min_employees"] is pd.NA else row["min_employees"]) == lo
    assert (None if row["max_employees"] is pd.NA else row["max_employees"]) == hi
    assert row["label_fr"]
    if lo is not None and hi is not None:
        assert lo <= est <= hi


def test_size_band_table_is_complete_and_unknown_codes_are_nn():
    assert set(m.ref_frames()["ref_size_bands"]["code"]) == set(BANDS)
    assert set(m.SIZE_CLASSES) == {b[3] for b in BANDS.values()}
    for bad in (None, "", "99", "1"):
        assert m.size_band(bad) == "NN"
        assert m.is_employer(bad) is False


@pytest.mark.parametrize(
    ("naf", "section"),
    [
        ("01.11Z", "A"),
        ("03.22Z", "A"),
        ("05.10Z", "B"),
        ("10.51A", "C"),
        ("33.20A", "C"),
        ("35.11Z", "D"),
        ("38.32Z", "E"),
        ("43.21A", "F"),
        ("47.11D", "G"),
        ("53.10Z", "H"),
        ("56.10A", "I"),
        ("62.01Z", "J"),
        ("65.12Z", "K"),
        ("68.20A", "L"),
        ("75.00Z", "M"),
        ("78.20Z", "N"),
        ("84.11Z", "O"),
        ("85.59A", "P"),
        ("88.99B", "Q"),
        ("93.12Z", "R"),
        ("94.99Z", "S"),
        ("97.00Z", "T"),
        ("99.00Z", "U"),
        ("8899B", "Q"),
        ("04.00Z", None),  # no division 04
        (None, None),
        ("", None),
    ],
)
def test_naf_section(naf, section):
    assert m.naf_section(naf) == section


def test_naf_reference_tables():
    frames = m.ref_frames()
    sections = frames["ref_naf_sections"]
    assert list(sections["code"]) == [chr(c) for c in range(ord("A"), ord("V"))]
    naf = frames["ref_naf"]
    divisions = naf[naf["code"].str.len() == 2]
    assert len(divisions) == 88  # NAF rév. 2 has 88 divisions
    assert naf["section"].notna().all()
    assert set(naf["section"]) <= set(sections["code"])
    assert naf["code"].is_unique
