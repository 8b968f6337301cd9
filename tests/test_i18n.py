"""English mode: every page run with ?lang=en under AppTest shows no French left (titles,
texts, widget labels and options, table headers, buttons, chart titles, map layers), and
every French text given to i18n.t() on the way has an English entry."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import ui_warehouse
from app_support import run_page
from streamlit.testing.v1 import AppTest

from sse_dash import db, i18n
from sse_dash.dashboard import points, sources, sse
from sse_dash.ui import pages
from sse_dash.ui import state as S

HOME = pages.script("overview")
TERRITORY = pages.script("territory")
QPV = pages.script("qpv")
ECOSYSTEM = pages.script("ecosystem")
COMPARE = pages.script("compare")
ADDRESS = pages.script("address_check")
SOURCES = pages.script("sources")

# (page, URL parameters): every branch of the pages that shows its own texts.
SCENARIOS = [
    (HOME, {"territoire": "fr"}),
    (HOME, {"territoire": "dep:93", "maille": "commune", "indicateur": "per10k"}),
    (HOME, {"territoire": "xx:zz", "indicateur": "nope"}),
    (
        TERRITORY,
        {
            "territoire": "dep:93",
            "couches": "ets,qpv,tl,ptce",
            "famille": "association",
            "qpv_filtre": "near",
            "employeur": "1",
        },
    ),
    (TERRITORY, {"territoire": "fr", "taille": "zz"}),
    (QPV, {"territoire": "fr"}),
    (QPV, {"territoire": "dep:93", "geographie": "1", "qpv": "QN09301M"}),
    (QPV, {"territoire": "dep:93", "qpv": "QP093001"}),
    (QPV, {"territoire": "dep:31", "qpv": "QN99999Z", "geographie": "1"}),
    (ECOSYSTEM, {"territoire": "dep:93", "question": "tl_near_qpv"}),
    (ECOSYSTEM, {"territoire": "dep:93", "question": "qpv_without_sse", "distance": "50"}),
    (
        ECOSYSTEM,
        {
            "territoire": "com:93066",
            "question": "sse_near_ptce",
            "secteur": "Q",
            "distance": "5000",
        },
    ),
    (ECOSYSTEM, {"territoire": "com:93066", "question": "sse_near_ptce", "distance": "5000"}),
    (ECOSYSTEM, {"territoire": "fr"}),
    (COMPARE, {"territoire": "dep:93"}),
    (COMPARE, {"territoire": "com:93066", "comparer": "com:93066,com:93008"}),
    (COMPARE, {"territoire": "fr", "reference": "france"}),
    (ADDRESS, {}),
    (SOURCES, {}),
]

# Texts that are not French sentences even if they look like it: data of the fixture
# (territory, QPV, place names are added from the warehouse), names of services, the language
# switch itself, and French words English has borrowed (« département »).
ALLOWED = [
    "Langue / Language",
    "Français",
    "France Tiers-Lieux",
    "ESS France",
    "Géoplateforme",
    "Lambert-93",
    "12 rue de la République 93200 Saint-Denis",  # an example of a French address
    "saint-denis",
    "départements",
    "département",
]
# « name » around one word: a URL parameter or a status as typed/stored (codes, not prose).
QUOTED_CODE = re.compile(r"« [\w-]+ »")
FRENCH_WORDS = (
    "établissements? données télécharger choisissez choisir quartiers? tableau carte filtres "
    "toutes tous aucune? moins ou où et les des du de la le à au aux dans pour avec sur une "
    "est sont pas non oui communes? nom famille taille secteur emplois région niveau "
    "indicateur maille couches lignes voir afficher référence indice rang géocodeur adresses? "
    "vérifier préparer lancer annuler résultats? fichier colonnes? habitants employeurs "
    "tranches? catégorie territoires? comparer légende anomalies"
).split()
FRENCH_RE = re.compile(r"(?<![\w-])(?:" + "|".join(FRENCH_WORDS) + r")(?![\w-])", re.IGNORECASE)
ACCENT_RE = re.compile(r"\w*[éèêëàâçîïôûùœÉÈÊÀÂÇÎÔÛ]\w*")
# French values the UI itself puts in table cells (cells otherwise hold source data, such as
# the official INSEE labels of legal categories and size bands, which stay French).
UI_CELLS = {
    "oui",
    "non",
    "oui — fictif",
    "(non diffusible)",
    "approximative (commune)",
    "adresse",
    sse.NOT_GIVEN,
    *sse.SIZE_CLASS_LABELS.values(),
    *points.THIRD_PLACE_KINDS.values(),
    *sources.ISSUE_KINDS.values(),
}
FRENCH_CELLS = re.compile(r"^(?:.*\(référence\)|.*\((?:indice|rang) .*)$")


# French phrases of the map layers, legends and tooltips (inside the map component).
FRENCH_MAP = (
    "Quartiers prioritaires",
    "Tiers-lieux",
    "localisation approximative",
    "non diffusible",
    "Adresses v",
    "Point v",
    "tablissements ESS",
)


pytestmark = pytest.mark.usefixtures("ui_app_env")


@pytest.fixture(scope="module")
def proper_names(ui_warehouse_dir) -> list[str]:
    """Names from the fixture warehouse (territories, QPV, places, establishments): data."""
    con = db.open_warehouse(ui_warehouse_dir / "sse.duckdb")
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE column_name IN ('name', 'theme', 'label_en') AND data_type = 'VARCHAR'"
        ).fetchall()
        names = set()
        for table, column in columns:
            names |= {
                r[0]
                for r in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()
                if r[0]
            }
    finally:
        con.close()
    return sorted(names | set(ALLOWED), key=len, reverse=True)


@pytest.fixture(scope="module")
def french_labels(ui_warehouse_dir) -> set[str]:
    """French labels of families and NAF sections that differ from their English label: the
    English pages must use label_en."""
    con = db.open_warehouse(ui_warehouse_dir / "sse.duckdb")
    try:
        rows = con.execute(
            "SELECT label_fr, label_en FROM ref_families "
            "UNION ALL SELECT label_fr, label_en FROM ref_naf_sections"
        ).fetchall()
    finally:
        con.close()
    return {fr for fr, en in rows if fr != en}


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def visible_texts(at: AppTest) -> tuple[list[str], list[str], list[str]]:
    """(texts, table cells, map scripts) a user of the page can read."""
    texts: list[str] = []
    cells: list[str] = []
    maps: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "radio", "multiselect"):
        for e in getattr(at, kind):
            texts += [e.label, e.help or "", *map(str, e.options)]
    for kind in ("checkbox", "toggle", "number_input", "text_input", "button"):
        for e in getattr(at, kind):
            texts += [e.label, e.help or "", getattr(e.proto, "placeholder", "")]
    texts += [e.label for e in at.expander] + [e.label for e in at.tabs]
    for m in at.metric:
        texts += [m.label, m.proto.help]
    texts += [e.proto.label + " " + e.proto.help for e in at.get("download_button")]
    for frame in [*at.dataframe, *at.table]:
        value = frame.value
        texts += [str(c) for c in value.columns] + [str(i) for i in value.index.names if i]
        if isinstance(value.index, pd.Index) and value.index.dtype == object:
            texts += [str(i) for i in value.index]
        for column in value.columns:
            if pd.api.types.is_object_dtype(value[column]) or pd.api.types.is_string_dtype(
                value[column]
            ):
                cells += [str(v) for v in value[column].dropna().unique()]
    for element in _walk(at._tree):
        proto = getattr(element, "proto", None)
        name = type(proto).__name__
        if name == "PlotlyChart":
            layout = json.loads(proto.spec).get("layout", {})
            texts += [str(layout.get("title", {}).get("text") or "")]
            for axis in ("xaxis", "yaxis"):
                texts += [str((layout.get(axis, {}).get("title") or {}).get("text") or "")]
        elif name == "ComponentInstance" and "st_folium" in proto.component_name:
            maps.append(json.loads(proto.json_args).get("script", ""))
    return [x for x in texts if x], cells, maps


def french_left(
    at: AppTest, proper_names: list[str], french_labels: frozenset[str] = frozenset()
) -> list[str]:
    """Every French word, phrase or cell left on the page (empty list when all English)."""
    texts, cells, maps = visible_texts(at)
    found = []
    for text in texts:
        cleaned = QUOTED_CODE.sub(" ", text)
        for name in proper_names:
            cleaned = re.sub(re.escape(name), " ", cleaned, flags=re.IGNORECASE)
        hits = FRENCH_RE.findall(cleaned) + ACCENT_RE.findall(cleaned)
        found += [f"{hit!r} in {text!r}" for hit in hits]
    found += [
        f"cell {c!r}"
        for c in cells
        if c in UI_CELLS
        or c in french_labels
        or FRENCH_CELLS.match(c)
        or any(c.endswith(f" — {label}") for label in french_labels)
    ]
    for script in maps:
        found += [f"map: {p!r}" for p in FRENCH_MAP if p in script]
    return found


def run_en(page: str, session: dict | None = None, **params) -> AppTest:
    return run_page(page, session, lang="en", **params)


CHECK = i18n.t("Vérifier", "en")


def _extra_runs(address_point=(2.355, 48.935)) -> list[AppTest]:
    """Runs reached by interaction: a search without result, a checked point, a session layer."""
    runs = []
    at = run_en(TERRITORY, territoire="dep:93")
    at.text_input(key=S.W_SEARCH).input("zzzzzz").run()
    runs.append(at)
    at = run_en(ADDRESS)
    at.radio(key=S.W_QC_GEOCODER + "_1").set_value("none")
    at.text_input(key=S.W_QC_TEXT).input(f"{address_point[0]} ; {address_point[1]}")
    [b for b in at.button if b.label == CHECK][0].click()
    at.run()
    runs.append(at)
    at = run_en(ADDRESS)
    at.radio(key=S.W_QC_GEOCODER + "_1").set_value("none")
    at.text_input(key=S.W_QC_TEXT).input("2.0 ; 60.0")
    [b for b in at.button if b.label == CHECK][0].click()
    at.run()
    runs.append(at)
    points = pd.DataFrame({"lon": [2.351], "lat": [48.931], "tooltip": ["12 rue X"]})
    runs.append(run_en(ECOSYSTEM, session={S.SESSION_POINT_LAYER: points}, territoire="dep:93"))
    return runs


def test_no_french_left_in_english(proper_names, french_labels):
    left = {}
    for page, params in SCENARIOS:
        at = run_en(page, **params)
        assert at.session_state[S.SESSION_LANG] == "en"
        found = french_left(at, proper_names, french_labels)
        if found:
            left[f"{page} {params}"] = found
    for i, at in enumerate(_extra_runs()):
        found = french_left(at, proper_names, french_labels)
        if found:
            left[f"interaction {i}"] = found
    assert not left, json.dumps(left, indent=1, ensure_ascii=False)


def test_no_french_left_without_sirene_or_warehouse(tmp_path, monkeypatch, proper_names):
    ui_warehouse.build(tmp_path / "no_sirene" / "sse.duckdb", sirene=False)
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path / "no_sirene"))
    left = {}
    for page in (HOME, TERRITORY, QPV, ECOSYSTEM, COMPARE, SOURCES):
        found = french_left(run_en(page, territoire="dep:93", qpv="QN09301M"), proper_names)
        if found:
            left[page] = found
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path / "empty"))
    found = french_left(run_en(QPV), proper_names)
    if found:
        left["missing warehouse"] = found
    assert not left, json.dumps(left, indent=1, ensure_ascii=False)


def test_french_words_are_detected(proper_names):
    """The detector itself: a French label, header or cell is reported, names are not."""
    at = run_page(TERRITORY, territoire="dep:93")  # French
    found = "\n".join(french_left(at, proper_names))
    for word in ("Filtres", "Établissements", "Famille", "Voir les données", "cell 'oui'"):
        assert word in found, word
    assert "Seine-Saint-Denis" not in found


def test_every_translated_text_has_an_english_entry(monkeypatch):
    """A text looked up in English without an entry in the English catalogue would show
    French: every page and interaction is run with the catalogue recording misses."""
    missing: set[str] = set()
    catalogue = i18n.translations("en")

    class Recording:
        def gettext(self, text: str) -> str:
            if text not in catalogue._catalog:
                missing.add(text)
            return catalogue.gettext(text)

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            if (singular, 0) not in catalogue._catalog:
                missing.add(singular)
            return catalogue.ngettext(singular, plural, n)

    real = i18n.translations
    monkeypatch.setattr(
        i18n, "translations", lambda lang: Recording() if lang == "en" else real(lang)
    )
    # values shown « as they are when no entry exists » (codes, statuses) are not texts
    known = i18n.t_known
    monkeypatch.setattr(
        i18n,
        "t_known",
        lambda text, lang=None: known(text, "fr")
        if isinstance(text, str) and text not in catalogue._catalog
        else known(text, lang),
    )
    for page, params in SCENARIOS:
        run_en(page, **params)
    _extra_runs()
    assert not missing, "\n".join(sorted(missing))


def test_catalogues_translate_every_extracted_text():
    """Every text marked in the code (t, tf, _, N_, ngettext, Message) has a translation that
    is neither empty nor fuzzy in every catalogue (scripts/i18n_catalog.py --check)."""
    import i18n_catalog

    template = i18n_catalog.extract()
    assert len(template) > 200
    for lang in i18n.LANGS:
        if lang != i18n.SOURCE_LANG:
            assert not i18n_catalog.untranslated(lang, template), lang


def test_fuzzy_entries_are_not_translations(tmp_path, monkeypatch):
    """A fuzzy (unchecked) entry is left out of the compiled catalogue: the text stays French
    and the catalogue check reports it."""
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Territoire"\nmsgstr "Territory"\n\n'
        'msgid "Commune"\nmsgstr "Municipality"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.t("Commune", "en") == "Municipality"
        assert i18n.t("Territoire", "en") == "Territoire"
        assert "Territoire" not in i18n.entries("en")
    finally:
        monkeypatch.undo()
        i18n.translations.cache_clear()
    assert i18n.t("Territoire", "en") == "Territory"


def test_templates_keep_their_placeholders():
    """An English template must use the same {fields} as its French key (else tf() fails)."""
    fields = re.compile(r"\{(\w*)\}")
    bad = {
        fr: en
        for fr, en in i18n.entries("en").items()
        if set(fields.findall(fr)) != set(fields.findall(en))
    }
    assert not bad
    assert i18n.tf("Tiers-lieux à {distance} ou moins", "en", distance="1 km") == (
        "Third places within 1 km"
    )
    assert i18n.tf("Tiers-lieux à {distance} ou moins", "fr", distance="1 km") == (
        "Tiers-lieux à 1 km ou moins"
    )


def test_a_new_language_is_one_catalogue(tmp_path):
    """A `de/LC_MESSAGES/messages.po` is all a language needs: it is listed, named in itself,
    translated through its catalogue, and its numbers follow its CLDR locale."""
    from sse_dash import fmt

    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Territoire"\nmsgstr "Gebiet"\n',
        encoding="utf-8",
    )
    (tmp_path / "en" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "en" / "LC_MESSAGES" / "messages.po").write_text("", encoding="utf-8")
    assert i18n.available(tmp_path) == ("fr", "de", "en")
    assert i18n.display_name("de") == "Deutsch"
    assert i18n.locale_of("de") == "de_DE"
    assert i18n.available() == i18n.LANGS == ("fr", "en")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(i18n, "LOCALE_DIR", tmp_path)
        mp.setattr(i18n, "LANGS", i18n.available(tmp_path))
        mp.setitem(i18n.LOCALES, "de", i18n.locale_of("de"))
        i18n.translations.cache_clear()
        try:
            assert i18n.t("Territoire", "de") == "Gebiet"
            assert i18n.t("Commune", "de") == "Commune"  # untranslated: stays French
            assert fmt.number(12345.6, 1, "de") == "12.345,6"
        finally:
            i18n.translations.cache_clear()


def test_data_labels_are_translated_through_the_catalogue(ui_warehouse_dir):
    """Family and NAF section labels come from the warehouse in French and are translated by
    the catalogue, not by a column per language."""
    con = db.connect(ui_warehouse_dir / "sse.duckdb", read_only=True)
    fam = sse.labels(con, "family", "en")
    assert fam["association"] == "Associations"
    assert fam["societe_ess"] == i18n.t("Sociétés commerciales de l'ESS", "en")
    assert fam["societe_ess"] == "SSE commercial companies"
    naf = sse.labels(con, "naf_section", "en")
    assert naf["Q"] == "Q — Human health and social work"
    assert sse.labels(con, "naf_section", "fr")["Q"] == "Q — Santé humaine et action sociale"


def test_counts_take_the_plural_of_each_language(tmp_path):
    """`Counted` chooses the form for n in the language that shows it: French singular for 0
    and 1, English plural for 0; an entry whose plural is missing is not a translation."""
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "{n} ligne ignorée"\nmsgid_plural "{n} lignes ignorées"\n'
        'msgstr[0] "{n} line skipped"\nmsgstr[1] "{n} lines skipped"\n\n'
        'msgid "{n} QPV"\nmsgid_plural "{n} QPV"\nmsgstr[0] "{n} QPV"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(i18n, "LOCALE_DIR", tmp_path)
        i18n.translations.cache_clear()
        try:
            counted = [
                i18n.Counted("{n} ligne ignorée", "{n} lignes ignorées", n) for n in (0, 1, 2)
            ]
            assert [m.render("fr") for m in counted] == [
                "0 ligne ignorée",
                "1 ligne ignorée",
                "2 lignes ignorées",
            ]
            assert [m.render("en") for m in counted] == [
                "0 lines skipped",
                "1 line skipped",
                "2 lines skipped",
            ]
            big = i18n.Counted("{n} ligne ignorée", "{n} lignes ignorées", 12345)
            assert big.render("en") == "12,345 lines skipped"
            assert big.render("fr") == "12\u202f345 lignes ignorées"
            assert i18n.entries("en") == {"{n} ligne ignorée": "{n} line skipped"}
        finally:
            i18n.translations.cache_clear()


def test_engine_counts_say_singular_and_plural_in_each_language():
    """The batch engine's notes about a count are Counted messages: French text as a string
    (CLI), the right form of the page's language when shown, kept through pickling
    (st.session_state)."""
    import pickle

    from sse_dash.qpvcheck import Counted, say

    one = Counted(
        "{n} ligne avait longitude et latitude inversées : corrigée.",
        "{n} lignes avaient longitude et latitude inversées : corrigées.",
        1,
    )
    many = pickle.loads(pickle.dumps(Counted(one.template, one.plural, 1234)))
    assert one == "1 ligne avait longitude et latitude inversées : corrigée."
    assert say(one, "en") == "1 row had longitude and latitude swapped: corrected."
    assert many == "1\u202f234 lignes avaient longitude et latitude inversées : corrigées."
    assert say(many, "en") == "1,234 rows had longitude and latitude swapped: corrected."
