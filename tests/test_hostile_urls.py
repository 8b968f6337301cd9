"""Hostile values in the address of every page: each URL parameter is read by sse_dash.params,
with bounds; nothing raises, the page says which parameter it ignored (never its value) or
silently keeps its default, and the address it writes back holds only valid values."""

from __future__ import annotations

import math
import re

import pytest
from app_support import ENTRY, REPO
from streamlit.testing.v1 import AppTest

from sse_dash import config, db
from sse_dash import params as url
from sse_dash.dashboard import proximity, sse
from sse_dash.ui import pages
from sse_dash.ui import state as S

pytestmark = pytest.mark.usefixtures("ui_app_env")

HOSTILE = [
    "inf",
    "-inf",
    "nan",
    "1e309",
    "-1e309",
    "9" * 400,
    "",
    " ",
    "dep:75,dep:75",
    "ZZ,ZZ,ZZ",
    "<script>alert(1)</script>",
    "[x](https://evil.example)",
    "x" * 5000,
    "a,b," * 500,
    "\x00\x0b\u202e\ufeff",
    "dep:93\x00",
    "1 OR 1=1",
    "-1",
    "0x10",
]
# every parameter the app reads, whatever page reads it (state.py is the one list)
URL_PARAMS = sorted({v for k, v in vars(S).items() if k.startswith("QP_")})


def _run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(REPO / ENTRY), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    if page != ENTRY:
        at.switch_page(page)
    at.run()
    return at


def _shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    parts += [c.value for c in at.caption] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def _check(at: AppTest, hostile: str, read: set[str] = frozenset()) -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = _shown(at)
    assert "Traceback" not in shown
    if len(hostile.strip()) > 3:
        assert hostile.strip() not in shown  # the value itself is never echoed
        # the address written back holds valid values only (for the parameters the page
        # reads: it leaves the others to the pages that read them)
        written = {k: v for k, v in at.query_params.items() if k in read}
        assert all(hostile not in str(v) for v in written.values()), written


# The parameters each page reads besides the territory and the language (page.py, every page);
# checked against the pages' sources below.
READS = {
    "overview": {S.QP_INDICATOR, S.QP_MAP_LEVEL, S.QP_MAP_ZONE},
    "territory": {S.QP_FAMILY, S.QP_SECTOR, S.QP_SIZE, S.QP_EMPLOYER, S.QP_QPV_FILTER, S.QP_LAYERS},
    "qpv": {S.QP_GEOGRAPHY, S.QP_QPV},
    "ecosystem": {S.QP_LAYERS, S.QP_QUESTION, S.QP_DISTANCE, S.QP_SECTOR},
    "compare": {S.QP_COMPARE, S.QP_REFERENCE},
    "address_check": set(),
    "sources": set(),
}
COMMON = {S.QP_TERRITORY, S.QP_LANG}


def test_the_parameter_list_is_complete():
    """The sweeps below cover every parameter a page reads: pages name them through state.py
    (never a literal), and READS lists each page's."""
    assert set(READS) == {p.id for p in pages.PAGES}
    names = {k: v for k, v in vars(S).items() if k.startswith("QP_")}
    for page in pages.PAGES:
        source = (REPO / page.script).read_text(encoding="utf-8")
        assert not re.search(r"query_params(\.get)?[\[(]['\"]", source), page.script
        used = {names[n] for n in re.findall(r"S\.(QP_[A-Z_]+)", source)}
        assert used - COMMON == READS[page.id], page.script
    frame = (REPO / "sse_dash/ui/page.py").read_text(encoding="utf-8")
    assert {names[n] for n in re.findall(r"S\.(QP_[A-Z_]+)", frame)} == COMMON


@pytest.mark.parametrize("page", [p.script for p in pages.PAGES], ids=[p.id for p in pages.PAGES])
@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_every_parameter_hostile_on_every_page(page, hostile):
    """All of a page's parameters at once (the territory valid, so the page goes deep)."""
    params = dict.fromkeys(URL_PARAMS, hostile)
    params[S.QP_TERRITORY] = "dep:93"
    page_id = next(p.id for p in pages.PAGES if p.script == page)
    read = READS[page_id] - ({S.QP_SECTOR} if page_id == "ecosystem" else set())  # see below
    _check(_run(page, params), hostile, read | {S.QP_LANG})


@pytest.mark.parametrize("page", [p.script for p in pages.PAGES], ids=[p.id for p in pages.PAGES])
@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_territory_and_language_on_every_page(page, hostile):
    at = _run(page, {S.QP_TERRITORY: hostile, S.QP_LANG: hostile})
    _check(at, hostile, COMMON)
    assert at.query_params[S.QP_TERRITORY] == "fr"


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_ecosystem_sector_question_and_distance(hostile):
    """The sector is read only for the PTCE question: asked with a valid question."""
    at = _run(
        pages.script("ecosystem"),
        {
            "territoire": "dep:93",
            "question": "sse_near_ptce",
            "secteur": hostile,
            "distance": hostile,
        },
    )
    _check(at, hostile)
    assert 50 <= at.number_input(key="eco_radius").value <= proximity.MAX_RADIUS_M


@pytest.mark.parametrize("distance", ["inf", "-inf", "1e309", "nan", "9" * 400, "-1e309"])
def test_ecosystem_infinite_distance_falls_back_with_a_message(distance):
    at = _run(pages.script("ecosystem"), {"territoire": "dep:93", "distance": distance})
    _check(at, distance)
    assert at.number_input(key="eco_radius").value == 500
    assert any("« distance »" in w.value for w in at.warning)


def test_ecosystem_distance_out_of_range_is_clamped():
    at = _run(pages.script("ecosystem"), {"territoire": "dep:93", "distance": "1e12"})
    _check(at, "1e12")
    assert at.number_input(key="eco_radius").value == proximity.MAX_RADIUS_M


def test_compare_duplicate_territories():
    at = _run(
        pages.script("compare"),
        {"territoire": "com:93066", "comparer": "com:93066,com:93066,com:93008,com:93008"},
    )
    _check(at, "")
    assert at.multiselect(key="cmp_territories").value == ["com:93066", "com:93008"]
    assert at.query_params[S.QP_COMPARE] == "com:93066,com:93008"
    table = at.dataframe[0].value
    assert list(table.columns)[1:3] == ["Saint-Denis (93066)", "Bobigny (93008)"]


def test_compare_same_territory_twice_is_not_a_comparison():
    at = _run(pages.script("compare"), {"territoire": "dep:93", "comparer": "dep:75,dep:75"})
    _check(at, "")
    assert at.multiselect(key="cmp_territories").value == ["dep:75"]
    assert any("au moins deux" in i.value for i in at.info)


def test_qpv_code_in_lower_case_is_read():
    at = _run(pages.script("qpv"), {"territoire": "dep:93", "qpv": "qn09301m"})
    _check(at, "")
    assert at.selectbox(key="qpv_detail").value == "QN09301M"
    assert not any("« qpv »" in w.value for w in at.warning)


# ---------------------------------------------------------------- the page and the export agree
FILTER_CASES = [
    ("secteur", "q"),
    ("secteur", "Q"),
    ("secteur", " Q "),
    ("secteur", "QQ"),
    ("famille", "association"),
    ("famille", "ASSOCIATION"),
    ("taille", "inf"),
    ("qpv_filtre", "in"),
    ("qpv_filtre", "IN"),
    ("employeur", "1"),
    ("employeur", "1e0"),
    ("employeur", "oui"),
]


@pytest.mark.parametrize("name, value", FILTER_CASES)
def test_territory_page_reads_filters_as_the_export_command(name, value):
    """The Territoire page and `python -m sse_dash export` read a filter the same way: the
    page keeps (and writes back) what parse_filters accepts, and names what it ignores."""
    con = db.open_warehouse(config.warehouse_path())
    try:
        families = sse.families(con)["code"].tolist()
        sections = sse.sections(con)["code"].tolist()
    finally:
        con.close()
    filters, ignored = sse.parse_filters({name: value}, families, sections)
    at = _run(pages.script("territory"), {"territoire": "dep:93", name: value})
    assert not at.exception, [e.value for e in at.exception]
    page_ignored = any(f"« {name} »" in w.value for w in at.warning)
    assert page_ignored == (name in ignored)
    field = {
        "famille": "family",
        "secteur": "sector",
        "taille": "size",
        "qpv_filtre": "qpv",
        "employeur": "employer",
    }[name]
    expected = getattr(filters, field)
    written = at.query_params.get(name)
    if expected in (None, "all", False):
        assert written is None
    else:
        assert written == ("1" if expected is True else expected)


# ---------------------------------------------------------------- the one parser
@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "1e309", "9" * 400, "0x10", "", "1_000"])
def test_integer_refuses_what_is_not_a_plain_finite_number(raw):
    with pytest.raises(url.Invalid):
        url.integer(raw, 0, 10)


def test_integer_clamps_and_reads_french_decimals():
    assert url.integer("250,6", 50, 5000) == 251
    assert url.integer("-40", 50, 5000) == 50
    assert url.integer("999999999999999", 50, 5000) == 5000
    assert url.integer(math.pi, 0, 10) == 3
    assert url.integer("1e3", 0, 5000) == 1000


def test_choices_keep_each_item_once_and_bound_the_list():
    assert url.choices("a,b,a,,c", {"a", "b"}) == (["a", "b"], True)
    assert url.choices("a,b", {"a", "b"}) == (["a", "b"], False)
    kept, dropped = url.choices(",".join(["a"] * 150), {"a"})
    assert kept == ["a"] and dropped
    assert url.choices("a,b,c", {"a", "b", "c"}, max_items=2) == (["a", "b"], True)


@pytest.mark.parametrize("raw", ["x" * (url.MAX_LENGTH + 1), "a\x00", "a\x0b", "\u202efr", 3])
def test_text_refuses_overlong_values_and_control_characters(raw):
    with pytest.raises(url.Invalid):
        url.text(raw)


def test_text_reads_a_repeated_parameter_by_its_last_value():
    assert url.text(["dep:75", " dep:93 "]) == "dep:93"
    assert url.text("") is None and url.text(None) is None
