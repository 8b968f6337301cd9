"""The rules of real SIRENE files, end to end through the pipeline on hand-written rows in the
official layout: « HZ » and « CSZ » are outside; qualite_xy 33, no geolocation row with « [ND] »
Lambert coordinates are « incertain » (no QPV, no distance, never counted in or near); the
agreement with INSEE compares like with like; NAF 2025 is used when NAF rév. 2 is missing and a
code of another nomenclature gets no rév. 2 label; closed and non-SSE establishments are absent;
non-diffusible units stay unnamed in the export."""

from __future__ import annotations

import pandas as pd
import pytest
from sirene_support import hm, mini_geo

from sse_dash.dashboard import sse
from sse_dash.dashboard.territory import FRANCE
from sse_dash.sirene import aggregates, geo, pipeline, step

IN_QPV = dict(lon=2.335, lat=48.915)  # inside QN09301M (mini_geo)
OUTSIDE = dict(lon=2.305, lat=48.925)  # commune 93001, 1.7 km from it
OUT_X, OUT_Y = (f"{v[0]:.1f}" for v in geo.from_wgs84(2154, [OUTSIDE["lon"]], [OUTSIDE["lat"]]))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    con = mini_geo.build()
    units = [
        hm.unit("100000001"),
        hm.unit("200000001", diffusion="P", name="[ND]"),
        hm.unit("300000001", ess="N"),
    ]
    e = hm.establishment
    g = hm.geoloc
    rows = [
        # siret, establishment, geolocation row (None: no row)
        ("10000000100011", e("10000000100011", "93001"), g("10000000100011", **IN_QPV, plg="QN09301M")),
        ("10000000100029", e("10000000100029", "93001"), g("10000000100029", **IN_QPV, qualite="33", qualite_qp="3", plg="QN09301M")),
        ("10000000100037", e("10000000100037", "93001", lx="[ND]", ly="[ND]"), None),
        ("10000000100045", e("10000000100045", "93001", lx=OUT_X, ly=OUT_Y), None),
        ("10000000100052", e("10000000100052", "93001"), g("10000000100052", **OUTSIDE, qualite="12", plg="HZ")),
        ("10000000100060", e("10000000100060", "93001"), g("10000000100060", **OUTSIDE, plg="CSZ")),
        ("10000000100078", e("10000000100078", "93001"), g("10000000100078", **OUTSIDE, plg="QN09301M")),
        ("10000000100086", e("10000000100086", "93001"), g("10000000100086", **OUTSIDE, plg="QN09301M", qualite_qp="2")),
        ("10000000100094", e("10000000100094", "93001", naf=None, naf25="88.99Y"), g("10000000100094", **OUTSIDE)),
        ("10000000100102", e("10000000100102", "93001", naf="85.3K", nomenclature="NAFRev1"), g("10000000100102", **OUTSIDE)),
        ("10000000100110", e("10000000100110", "93001", state="F"), g("10000000100110", **IN_QPV)),
        ("20000000100016", e("20000000100016", "93001"), g("20000000100016", **IN_QPV, plg="QN09301M")),
        ("30000000100011", e("30000000100011", "93001"), g("30000000100011", **IN_QPV)),
    ]  # fmt: skip
    paths = hm.write(
        tmp_path_factory.mktemp("rules"),
        units,
        [r[1] for r in rows],
        [r[2] for r in rows if r[2] is not None],
    )
    pipeline.build(
        con,
        pipeline.Sources(
            paths["sirene_unites_legales"],
            paths["sirene_etablissements"],
            paths["sirene_geolocalisation"],
        ),
    )
    frame = con.execute("SELECT * FROM establishments").df().set_index("siret")
    yield con, frame
    con.close()


def test_perimeter(built):
    _, rows = built
    assert "10000000100110" not in rows.index  # closed
    assert "30000000100011" not in rows.index  # not SSE
    assert len(rows) == 11


@pytest.mark.parametrize(
    ("siret", "precision", "status", "qpv"),
    [
        ("10000000100011", "adresse", "oui", "QN09301M"),
        ("10000000100029", "commune", "incertain", None),  # qualite_xy 33, even inside
        ("10000000100037", "aucune", "incertain", None),  # no row, « [ND] » Lambert
        ("10000000100045", "non_qualifiee", "non", None),  # stock Lambert coordinates
        ("10000000100052", "voie", "non", None),
        ("20000000100016", "adresse", "oui", "QN09301M"),  # non-diffusible: counted
    ],
)
def test_location_precision_and_status(built, siret, precision, status, qpv):
    _, rows = built
    r = rows.loc[siret]
    assert r["location_precision"] == precision
    assert r["qpv24_status"] == status and r["near_qpv300_status"] == status
    assert (None if pd.isna(r["qpv24"]) else r["qpv24"]) == qpv
    if status == "incertain":
        assert pd.isna(r["qpv24_distance_m"]) and pd.isna(r["qpv24_nearest"])
        assert not r["near_qpv300"]


def test_counts_in_qpv_exclude_uncertain(built):
    con, rows = built
    assert aggregates.check_consistency(con) == []
    fr = con.execute(
        "SELECT sum(establishments), sum(in_qpv), sum(near_qpv300), sum(qpv_uncertain) "
        "FROM agg_territory WHERE level = 'france'"
    ).fetchone()
    assert fr == (11, 2, 2, 2)


def test_agreement_with_insee_compares_like_with_like(built):
    """Comparable: our status oui/non and INSEE's zone with qualite_qp24 = 1. HZ and CSZ are
    outside; one row where INSEE names a QPV for an outside point disagrees; the row with
    qualite_qp24 = 2, the random point and the rows without geolocation are not compared."""
    con, _ = built
    lines = step.status_lines(con)
    agreement = next(line for line in lines if "accord" in line)
    # compared: 0011, 0052 (HZ), 0060 (CSZ), 0078 (disagrees), 0094, 0102, 20…16
    assert "85,7\u202f%" in agreement and "sur 7 " in agreement
    text = "\n".join(lines)
    assert "HZ (hors zone) 3" in text and "CSZ (commune sans zonage) 1" in text
    assert "33 (point aléatoire dans la commune) 1" in text
    assert "QPV incertain" in text and ": 2 (" in text


def test_activity_nomenclatures(built):
    con, rows = built
    r = rows.loc["10000000100094"]
    assert (r["naf"], r["naf_nomenclature"], r["naf_section"]) == ("88.99Y", "NAF2025", "Q")
    r = rows.loc["10000000100102"]
    assert (r["naf"], r["naf_nomenclature"]) == ("85.3K", "NAFRev1")
    assert pd.isna(r["naf_section"])
    assert rows.loc["10000000100011", "naf_nomenclature"] == "NAFRev2"
    frame = sse.export_frame(con, FRANCE).set_index("siret")
    assert frame.loc["10000000100011", "libelle_naf"] == (
        "Autres organisations fonctionnant par adhésion volontaire"
    )
    # never a NAF rév. 2 label on a NAF 2025 or NAF rév. 1 code
    assert pd.isna(frame.loc["10000000100094", "libelle_naf"])
    assert pd.isna(frame.loc["10000000100102", "libelle_naf"])


def test_export_columns_and_rules(built):
    con, _ = built
    frame = sse.export_frame(con, FRANCE)
    assert list(frame.columns[:4]) == ["siret", "nom", "famille", "famille_libelle"]
    for col in (
        "naf",
        "tranche_effectifs",
        "code_commune",
        "commune",
        "en_qpv_2024",
        "code_qpv_2024",
        "distance_qpv_m",
        "precision_localisation",
    ):
        assert col in frame.columns
    frame = frame.set_index("siret")
    assert len(frame) == 11
    assert pd.isna(frame.loc["20000000100016", "nom"])  # non-diffusible: never named
    assert frame.loc["10000000100011", "nom"] == "ASSO 100000001"
    assert frame.loc["10000000100029", "en_qpv_2024"] == "incertain"
    assert pd.isna(frame.loc["10000000100029", "distance_qpv_m"])
    assert frame.loc["10000000100011", "distance_qpv_m"] == 0
    assert frame.loc["10000000100052", "en_qpv_2024"] == "non"
    assert frame.loc["10000000100052", "distance_qpv_m"] > 1000
    assert frame.loc["10000000100011", "commune"] == "Alphaville"
    assert set(frame["en_qpv_2024"]) == {"oui", "non", "incertain"}
