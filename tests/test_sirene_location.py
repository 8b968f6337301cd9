"""Pure rules on small inputs: location precision from INSEE's qualite_xy and what may be claimed
from it (oui / non / incertain), the zone codes INSEE writes (code QPV, HZ, CSZ), and the activity
code used for an establishment (NAF rév. 2, else NAF 2025, never a rév. 2 label on another
nomenclature)."""

from __future__ import annotations

import numpy as np
import pytest

from sse_dash.sirene import location as loc
from sse_dash.sirene import mappings, synth


def test_precision_from_qualite_xy_and_coordinates():
    got = loc.precision_of(
        ["11", "21", "12", "22", "33", "33", None, None, "99"],
        [True, True, True, True, True, False, True, False, True],
    )
    assert got.tolist() == [
        "adresse",
        "adresse",
        "voie",
        "voie",
        "commune",  # a random point in the commune
        "commune",  # 33 even without x/y
        "non_qualifiee",  # stock Lambert coordinates, no geolocation row
        "aucune",  # no geolocation row and « [ND] » / missing Lambert
        "non_qualifiee",  # an unknown code is not a precision
    ]


def test_uncertain_locations_never_say_oui_or_non():
    precision = ["adresse", "voie", "commune", "aucune", "departement", "non_qualifiee"]
    inside = [True, False, True, False, True, True]
    assert loc.qpv_status(precision, inside).tolist() == [
        "oui",
        "non",
        "incertain",
        "incertain",
        "incertain",
        "oui",
    ]
    distance = [0.0, 250.0, 0.0, np.nan, 10.0, 301.0]
    assert loc.near_status(precision, distance).tolist() == [
        "oui",
        "oui",
        "incertain",
        "incertain",
        "incertain",
        "non",
    ]
    # no QPV in the point's territory (NaN distance): « non » for a precise point
    assert loc.near_status(["adresse"], [np.nan]).tolist() == ["non"]


def test_plg_codes_hz_csz_and_qualities():
    rng = np.random.default_rng(0)
    inside = np.array(["QN09301M", None, None, None], dtype=object)
    zoned = np.array([True, True, False, True])
    qualite = np.array(["11", "11", "11", "33"], dtype=object)
    distance = np.array([0.0, 500.0, 8000.0, 900.0])
    precision = np.array([5.0, 5.0, 5.0, 1500.0])
    plg, quality = synth.plg_codes(inside, zoned, qualite, distance, precision, rng)
    assert plg[1:].tolist() == ["HZ", "CSZ", "HZ"]
    assert plg[0] in ("QN09301M", "HZ")
    assert quality[2] == "1"  # a commune without QPV: sure
    assert quality[3] == "3"  # a random point in a zoned commune


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("94.99Z", "NAFRev2", "94.99Y"), ("94.99Z", "NAFRev2")),
        (("94.99Z", None, None), ("94.99Z", "NAFRev2")),  # no nomenclature, rév. 2 form
        ((None, None, "94.99Y"), ("94.99Y", "NAF2025")),  # rév. 2 absent: NAF 2025
        (("91.3E", "NAFRev1", "94.99Y"), ("94.99Y", "NAF2025")),  # older code: NAF 2025
        (("91.3E", "NAFRev1", None), ("91.3E", "NAFRev1")),  # kept, no section
        (("913E", "NAF1993", None, "88.99B", "NAFRev2"), ("88.99B", "NAFRev2")),  # unit's
        ((None, None, None, None, None, "88.99Y"), ("88.99Y", "NAF2025")),
        (("46.87Y", "NAF2025", None), ("46.87Y", "NAF2025")),  # main column moved to NAF 2025
        ((None, None, None), (None, None)),
    ],
)
def test_activity_code_used(args, expected):
    assert mappings.activity(*args) == expected


def test_sections_only_for_rev2_and_naf2025():
    assert mappings.activity_section("94.99Z", "NAFRev2") == "S"
    assert mappings.activity_section("94.99Y", "NAF2025") == "S"  # by its division
    assert mappings.activity_section("85.3K", "NAFRev1") is None  # rév. 1: 85 is health
    assert mappings.activity_section("9601", "NAP") is None


def test_naf25_of_keeps_the_class_and_marks_the_subclass():
    got = synth.naf25_of(np.array(["88.99B", None, "bad"], dtype=object))
    assert got.tolist() == ["88.99Y", None, None]
