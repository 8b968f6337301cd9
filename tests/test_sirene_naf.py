"""NAF rév. 2 labels from INSEE's official list (optional dataset `naf_rev2`): the official
layout (title rows, « Code » | « Intitulés » header) read as .xls, and as .xlsx and CSV written
here; ref_naf filled from it, and the built-in labels with a build issue when it is absent or
unusable."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from http_support import closed_port_url
from sirene_support import hm, local_catalog, mini_geo

from sse_dash.catalog import Dataset, load_catalog
from sse_dash.config import OFFICIAL_CATALOG
from sse_dash.sirene import mappings, naf, step
from sse_dash.warehouse.build import BuildError

TITLE = [
    ["Nomenclature d'activités française – NAF rév. 2", None],
    ["Liste des sous-classes", None],
    [None, None],
]
HEADER = ["Code", "Intitulés"]
# code, label, section
ROWS = [
    (
        "01.11Z",
        "Culture de céréales (à l'exception du riz), de légumineuses et de graines oléagineuses",
        "A",
    ),
    ("10.71A", "Fabrication industrielle de pain et de pâtisserie fraîche", "C"),
    ("35.11Z", "Production d'électricité", "D"),
    ("47.11D", "Supermarchés", "G"),
    ("56.10A", "Restauration traditionnelle", "I"),
    ("64.19Z", "Autres intermédiations monétaires", "K"),
    ("84.11Z", "Administration publique générale", "O"),
    ("88.99B", "Action sociale sans hébergement n.c.a.", "Q"),
    ("93.12Z", "Activités de clubs de sports", "R"),
    ("94.99Z", "Autres organisations fonctionnant par adhésion volontaire", "S"),
    ("99.00Z", "Activités des organisations et organismes extraterritoriaux", "U"),
]
EXPECTED = {code: label for code, label, _ in ROWS}


def write_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [*TITLE, HEADER, *[[c, label] for c, label, _ in ROWS]]:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, *, encoding: str, sep: str, header=HEADER) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=sep)
        for row in [*TITLE, header, *[[c, label] for c, label, _ in ROWS]]:
            w.writerow(["" if v is None else v for v in row])
    return path


def naf_dataset(path: Path | None, fmt: str, **kw) -> Dataset:
    base = dict(
        id="naf_rev2",
        role="naf_rev2",
        title="NAF rév. 2 — sous-classes",
        publisher="INSEE",
        licence="Licence Ouverte 2.0",
        vintage="2008",
        format=fmt,
        path=str(path) if path else None,
        options={"optional": True},
    )
    base.update(kw)
    return Dataset(**base)


# ---------------------------------------------------------------- reading the file


@pytest.mark.parametrize(
    ("raw", "code"),
    [("01.11Z", "01.11Z"), ("0111Z", "01.11Z"), (" 88.99 b ", "88.99B"), ("01.1", None)],
)
def test_codes_are_normalised_to_the_sirene_form(raw, code):
    assert naf.normalise_code(raw) == code


@pytest.mark.parametrize(
    ("kind", "fmt"),
    [("xlsx", "xlsx"), ("cp1252;", "csv"), ("utf-8,", "csv"), ("xlsx-named-xls", "xls")],
)
def test_official_layout_is_read(tmp_path, kind, fmt):
    if kind.startswith("xlsx"):
        # an .xlsx under the official .xls name (a mirror converted it): recognised by content
        name = "naf2008_liste_n5.xls" if kind == "xlsx-named-xls" else "naf.xlsx"
        path = write_xlsx(tmp_path / name)
    else:
        path = write_csv(tmp_path / "naf.csv", encoding=kind[:-1], sep=kind[-1])
    assert naf.read_labels(naf_dataset(path, fmt), path) == EXPECTED


def test_official_xls_format_is_read(official_fixtures):
    """The format INSEE publishes (Excel 97-2003, read with xlrd). Python cannot write .xls
    without another package, so this 11-row extract was made once (xlwt 1.3.0) from ROWS."""
    path = official_fixtures / "naf2008_liste_n5_extrait.xls"
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert naf.read_labels(naf_dataset(path, "xls"), path) == EXPECTED


def test_unusable_files_are_french_errors_naming_the_dataset(tmp_path):
    no_header = write_csv(tmp_path / "a.csv", encoding="utf-8", sep=";", header=["NAF", "Libellé"])
    with pytest.raises(naf.NafError) as err:
        naf.read_labels(naf_dataset(no_header, "csv"), no_header)
    assert "Jeu « naf_rev2 » (NAF rév. 2 — sous-classes)" in str(err.value)
    assert "en-tête « Code » / « Intitulés » introuvable dans a.csv" in str(err.value)
    no_code = tmp_path / "b.csv"
    no_code.write_text("Code;Intitulés\nA;Agriculture\n", encoding="utf-8")
    with pytest.raises(naf.NafError, match="aucune sous-classe NAF"):
        naf.read_labels(naf_dataset(no_code, "csv"), no_code)
    broken = tmp_path / "c.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(naf.NafError, match="« naf_rev2 ».*illisible"):
        naf.read_labels(naf_dataset(broken, "xlsx"), broken)


# ---------------------------------------------------------------- the build step


def run_step(tmp_path: Path, *extra: Dataset):
    """The SIRENE step on hand-made files (local paths) plus `extra` datasets; returns the
    connection (caller closes it)."""
    units = [hm.unit("100000001")]
    ests = [
        hm.establishment("10000000100011", "93001", naf="88.99B"),
        hm.establishment("10000000100029", "93002", naf="10.71A"),
    ]
    geos = [hm.geoloc("10000000100011", lon=2.32, lat=48.915)]
    paths = hm.write(tmp_path / "sirene", units, ests, geos)
    catalog = local_catalog(tmp_path, paths, *extra)
    con = mini_geo.build()
    con.execute(
        "CREATE TABLE build_issues (dataset_id VARCHAR, kind VARCHAR, code VARCHAR, detail VARCHAR)"
    )
    ctx = SimpleNamespace(data_dir=tmp_path, downloads_dir=tmp_path / "dl", progress=None)
    try:
        step.run(con, catalog, ctx)
    except BaseException:
        con.close()
        raise
    return con


def _ref_naf(con) -> dict[str, tuple[str, str]]:
    return {c: (label, s) for c, label, s in con.execute("SELECT * FROM ref_naf").fetchall()}


def _issues(con, dataset_id: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT kind, detail FROM build_issues WHERE dataset_id = ?", [dataset_id]
    ).fetchall()


def test_build_with_the_insee_list_fills_ref_naf(tmp_path):
    path = write_xlsx(tmp_path / "naf.xlsx")
    con = run_step(tmp_path, naf_dataset(path, "xlsx"))
    try:
        ref = _ref_naf(con)
        for code, label, section in ROWS:
            assert ref[code] == (label, section)
        divisions = {c for c in ref if len(c) == 2}
        assert len(divisions) == 88 and ref["88"][1] == "Q"
        assert set(mappings.NAF_SUBCLASSES) <= set(ref)  # a partial list completes, never drops
        assert len(ref) == len(set(mappings.NAF_SUBCLASSES) | set(EXPECTED)) + 88
        prov = con.execute(
            "SELECT source, rows, sha256, licence, synthetic FROM provenance "
            "WHERE dataset_id = 'naf_rev2'"
        ).fetchall()
        assert prov == [(str(path), len(ROWS), prov[0][2], "Licence Ouverte 2.0", False)]
        assert len(prov[0][2]) == 64
        assert _issues(con, "naf_rev2") == []
        sections = dict(con.execute("SELECT naf, naf_section FROM establishments").fetchall())
        assert sections == {"88.99B": "Q", "10.71A": "C"}
    finally:
        con.close()


def test_build_without_the_list_uses_builtin_labels_and_says_so(tmp_path):
    con = run_step(tmp_path)
    try:
        builtin = mappings.ref_frames()["ref_naf"]
        assert _ref_naf(con) == {
            c: (label, s)
            for c, label, s in builtin[["code", "label_fr", "section"]].itertuples(index=False)
        }
        assert len(builtin) == 88 + len(mappings.NAF_SUBCLASSES)
        ((kind, detail),) = _issues(con, "naf_rev2")
        assert kind == "dataset_missing"
        assert "absente du catalogue" in detail and "libellés NAF intégrés" in detail
    finally:
        con.close()


@pytest.mark.parametrize("problem", ["no_header", "offline"])
def test_unusable_optional_list_falls_back_without_breaking_the_build(tmp_path, problem):
    if problem == "no_header":
        bad = write_csv(tmp_path / "naf.csv", encoding="cp1252", sep=";", header=["A", "B"])
        ds = naf_dataset(bad, "csv")
        expected = "en-tête « Code » / « Intitulés » introuvable"
    else:
        url = f"{closed_port_url()}/naf2008_liste_n5.xls"
        ds = naf_dataset(None, "xls", urls=(url,))
        expected = "Impossible d'obtenir le jeu « naf_rev2 »"
    con = run_step(tmp_path, ds)
    try:
        assert len(_ref_naf(con)) == 88 + len(mappings.NAF_SUBCLASSES)
        ((kind, detail),) = _issues(con, "naf_rev2")
        assert kind == "dataset_missing" and expected in detail
        assert "libellés NAF intégrés" in detail
        notes = con.execute(
            "SELECT rows, notes FROM provenance WHERE dataset_id = 'naf_rev2'"
        ).fetchall()
        assert notes[0][0] == 0 and notes[0][1].startswith("Jeu facultatif absent")
        assert con.execute("SELECT count(*) FROM establishments").fetchone()[0] == 2
    finally:
        con.close()


def test_unusable_required_list_stops_the_build_in_french(tmp_path):
    bad = write_csv(tmp_path / "naf.csv", encoding="utf-8", sep=",", header=["A", "B"])
    with pytest.raises(BuildError, match="Jeu « naf_rev2 ».*introuvable"):
        run_step(tmp_path, naf_dataset(bad, "csv", options={}))


def test_official_catalogue_entry_and_mirror_copy(tmp_path, monkeypatch):
    ds = load_catalog(OFFICIAL_CATALOG).get("naf_rev2")
    assert ds.role == "naf_rev2" and ds.format == "xls" and ds.options["optional"] is True
    assert ds.urls == ("https://www.insee.fr/fr/statistiques/fichier/2120875/naf2008_liste_n5.xls",)
    assert ds.homepage == "https://www.insee.fr/fr/information/2120875"
    assert ds.licence == "Licence Ouverte 2.0"
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    write_xlsx(mirror / "naf2008_liste_n5.xls")  # same layout, converted to .xlsx
    monkeypatch.setenv("SSE_DASH_MIRROR", str(mirror))
    con = run_step(tmp_path, ds)
    try:
        assert _ref_naf(con)["01.11Z"] == (EXPECTED["01.11Z"], "A")
        assert _issues(con, "naf_rev2") == []
    finally:
        con.close()
