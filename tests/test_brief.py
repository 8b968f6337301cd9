"""Briefing pack: PPTX and PDF files opened and checked (slide/page count, texts, key figures
recomputed from the raw establishments table), and the `brief` command's exit codes."""

from __future__ import annotations

import datetime as dt
import math
import subprocess

import pandas as pd
import pytest
from pptx import Presentation
from test_brief_support import build_fixture_warehouse

from sse_dash import cli, db, fmt
from sse_dash.export import brief
from sse_dash.export.provenance import SYNTHETIC_NOTICE

DAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("brief") / "sse.duckdb")


@pytest.fixture(scope="module")
def con(wh):
    connection = db.open_warehouse(wh)
    yield connection
    connection.close()


def _expected_pages(con, where: str) -> int:
    """Fixed sections (title, « à retenir », figures, 4 charts, map, sources) + QPV pages."""
    n_qpv = con.execute(
        "SELECT count(DISTINCT qc.code) FROM qpv_communes qc "
        f"JOIN communes c ON c.code = qc.commune_code WHERE {where}"
    ).fetchone()[0]
    return 9 + math.ceil(min(n_qpv, brief.QPV_ROWS_PER_PAGE * brief.QPV_MAX_PAGES) / 14)


def _slide_texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            for row in shape.table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def pptx_dep(con, tmp_path_factory):
    out = tmp_path_factory.mktemp("pptx") / "note.pptx"
    report = brief.build_brief(con, "dep:93", out, today=DAY)
    return out, report


def test_pptx_slides_and_texts(con, pptx_dep):
    out, report = pptx_dep
    prs = Presentation(str(out))
    slides = [_slide_texts(s) for s in prs.slides]
    assert len(slides) == report["pages"] == _expected_pages(con, "c.dep_code = '93'")
    assert "L'économie sociale et solidaire — Seine-Saint-Denis" in slides[0]
    assert "22 novembre 2026" in slides[0]
    assert slides[1].startswith("À retenir")
    assert slides[2].startswith("Chiffres clés")
    assert "Établissements par famille de l'ESS" in slides[3]
    assert any("Quartiers prioritaires (QPV 2024)" in s for s in slides)
    assert "Sources et définitions" in slides[-1]
    assert "SIRENE synthétique (juin 2026)" in slides[-1]
    assert all(SYNTHETIC_NOTICE in s for s in slides)
    pictures = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    assert pictures == 5  # four charts and the map
    alt = [
        sh._element.nvPicPr.cNvPr.get("descr")
        for s in prs.slides
        for sh in s.shapes
        if sh.shape_type == 13
    ]
    assert alt[0].startswith("Établissements par famille de l'ESS")
    assert alt[-1].startswith("Carte : ")


def test_pptx_layout_stays_on_the_slide(pptx_dep):
    prs = Presentation(str(pptx_dep[0]))
    inch = 914400
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height
            if shape.shape_type == 13 or shape.has_table:
                # charts, map and tables end above the note and source line
                assert shape.top + shape.height <= 6.45 * inch


def test_pptx_key_figures_match_raw_establishments(con, pptx_dep):
    out, _ = pptx_dep
    table = next(sh.table for sh in Presentation(str(out)).slides[2].shapes if sh.has_table)
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Indicateur", "Seine-Saint-Denis", "Île-de-France", "France"]
    rows = {r.cells[0].text: [c.text for c in r.cells][1:] for r in list(table.rows)[1:]}
    total, employers, in_qpv, unsure = con.execute(
        "SELECT count(*), count(*) FILTER (employer), count(*) FILTER (qpv24 IS NOT NULL), "
        "count(*) FILTER (qpv24_status = 'incertain') FROM establishments WHERE dep_code = '93'"
    ).fetchone()
    assert unsure > 0  # shares in QPV are over the precisely located establishments
    population = con.execute("SELECT population FROM departements WHERE code = '93'").fetchone()[0]
    assert rows["Établissements de l'ESS"][0] == fmt.number(total)
    assert rows["dont employeurs"][0] == fmt.number(employers)
    assert rows["Part des établissements situés en QPV"][0] == fmt.percent(
        in_qpv / (total - unsure) * 100
    )
    assert rows["Localisation trop imprécise (QPV incertain, non comptés)"][0] == fmt.number(unsure)
    assert rows["Établissements pour 10 000 habitants"][0] == fmt.number(
        total / population * 10_000, 1
    )


def test_pptx_qpv_table_lists_the_territorys_qpv(con, pptx_dep):
    out, _ = pptx_dep
    slide = next(
        s for s in Presentation(str(out)).slides if "Quartiers prioritaires" in _slide_texts(s)
    )
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    codes = {row.cells[0].text for row in list(table.rows)[1:]}
    assert codes == {"QN09301M", "QN09302M", "QN09303M"}


def test_pdf_pages_and_text(con, tmp_path):
    out = tmp_path / "note.pdf"
    report = brief.build_brief(con, "epci:200057875", out, today=DAY)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    pages = int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])
    where = "(c.epci_code = '200057875' OR c.ept_code = '200057875')"
    assert pages == report["pages"] == _expected_pages(con, where)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Plaine Commune" in text
    assert "Chiffres clés" in text
    assert "Sources et définitions" in text
    assert "ANCT QPV 2024" in text
    assert SYNTHETIC_NOTICE in text
    # Plaine Commune holds QN09301M and QN09302M (multi-commune), not Montreuil's QN09303M
    assert "QN09302M" in text and "QN09303M" not in text


def test_qpv_brief(con, tmp_path):
    out = tmp_path / "qpv.pptx"
    brief.build_brief(con, "qpv:qn09301m", out, today=DAY)
    slides = [_slide_texts(s) for s in Presentation(str(out)).slides]
    assert "Franc-Moisin" in slides[0]
    assert "Densité de l'ESS du quartier" in "\n".join(slides)
    # reference columns: main commune then France
    assert "Saint-Denis | France" in slides[2]


def test_no_synthetic_mention_on_real_data(tmp_path):
    path = build_fixture_warehouse(tmp_path / "real.duckdb", synthetic=False, n_points=30)
    con = db.open_warehouse(path)
    try:
        out = tmp_path / "real.pptx"
        brief.build_brief(con, "com:93048", out, today=DAY)
    finally:
        con.close()
    texts = "\n".join(_slide_texts(s) for s in Presentation(str(out)).slides)
    assert SYNTHETIC_NOTICE not in texts
    assert "synthétique" not in texts
    assert "INSEE SIRENE, juin 2026" in texts
    assert "Montreuil" in texts


def test_cli_writes_pptx(wh, tmp_path, capsys):
    out = tmp_path / "cli.pptx"
    code = cli.main(["brief", "--territory", "dep:93", "--out", str(out), "--warehouse", str(wh)])
    assert code == 0
    assert out.stat().st_size > 0
    assert "Note de synthèse écrite" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("territory", "out_name", "message"),
    [
        ("dep:99", "x.pptx", "introuvable"),
        ("ville:paris", "x.pptx", "non reconnu"),
        ("qpv:QN09399Z", "x.pdf", "absent"),
        ("dep:93", "x.docx", ".pptx ou .pdf"),
    ],
)
def test_cli_user_errors(wh, tmp_path, capsys, territory, out_name, message):
    out = tmp_path / out_name
    argv = ["brief", "--territory", territory, "--out", str(out), "--warehouse", str(wh)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_cli_missing_warehouse(tmp_path, capsys):
    argv = ["brief", "--territory", "dep:93", "--out", str(tmp_path / "x.pdf")]
    argv += ["--warehouse", str(tmp_path / "absent.duckdb")]
    assert cli.main(argv) == 2
    assert "python -m sse_dash data build" in capsys.readouterr().err


def test_cli_warehouse_without_sirene(tmp_path, capsys):
    path = build_fixture_warehouse(tmp_path / "geo.duckdb", n_points=5)
    con = db.connect(path)
    con.execute("DROP TABLE agg_territory")
    con.close()
    argv = ["brief", "--territory", "dep:93", "--out", str(tmp_path / "x.pdf")]
    assert cli.main([*argv, "--warehouse", str(path)]) == 2
    assert "agg_territory" in capsys.readouterr().err


def test_french_date():
    assert brief.french_date(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert brief.french_date(dt.date(2026, 8, 15)) == "15 août 2026"


def test_territory_without_establishments(tmp_path):
    path = build_fixture_warehouse(tmp_path / "empty.duckdb", n_points=0)
    con = db.open_warehouse(path)
    try:
        out = tmp_path / "empty.pdf"
        report = brief.build_brief(con, "com:93048", out, today=DAY)
    finally:
        con.close()
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert report["pages"] == 10
    assert "Aucun établissement recensé" in text
    assert "Bel-Air - Grands-Pêchers" in text  # the QPV table is still there


@pytest.mark.usefixtures("ui_app_env")
def test_the_pack_shows_the_figures_of_the_pages(ui_warehouse_dir):
    """Same territory, same numbers: the key figures (territory and references), the
    breakdowns and the QPV table of the pack are those the Territoire and Quartiers
    prioritaires pages show, because both come from the same functions."""
    from app_support import run_page

    from sse_dash.ui import pages

    con = db.open_warehouse(ui_warehouse_dir / "sse.duckdb")
    try:
        data = brief.collect(con, "dep:93", today=DAY)
    finally:
        con.close()
    at = run_page(pages.script("territory"), territoire="dep:93")
    shown = {m.label: m.value for m in at.metric}
    figures = brief._figures_table(data).set_index("Indicateur")
    pack = figures["Seine-Saint-Denis"]
    assert pack["Établissements de l'ESS"] == shown["Établissements ESS"]
    assert pack["dont employeurs"] == shown["Établissements employeurs"]
    assert pack["Salariés (estimation)"] == shown["Emplois estimés"]
    assert pack["Établissements pour 10 000 habitants"] == shown["Pour 10 000 habitants"]
    assert pack["Part des établissements situés en QPV"] == shown["Part en QPV"]
    frames = [d.value for d in at.dataframe]
    references = next(f for f in frames if "Territoire" in f.columns).set_index("Territoire")
    assert list(references.index) == ["Seine-Saint-Denis (93)", "Île-de-France", "France"]
    for page_name, pack_name in zip(references.index, figures.columns, strict=True):
        row = references.loc[page_name]
        assert row["Établissements ESS"] == figures.loc["Établissements de l'ESS", pack_name]
        assert (
            row["Pour 10 000 habitants"]
            == figures.loc["Établissements pour 10 000 habitants", pack_name]
        )
        assert row["Part en QPV"] == figures.loc["Part des établissements situés en QPV", pack_name]
        assert (
            row["Part en QPV ou à 300 m"]
            == figures.loc["Part en QPV ou à moins de 300 m", pack_name]
        )
    # breakdowns: the charts' « Voir les données » tables
    breakdowns = [f for f in frames if "Catégorie" in f.columns]
    for pack_frame in (data.by_family, data.by_sector, data.by_size):
        page_frame = next(f for f in breakdowns if set(f["Catégorie"]) == set(pack_frame["label"]))
        assert dict(zip(page_frame["Catégorie"], page_frame["Établissements"], strict=True)) == (
            # the page shows its tables formatted (sse_dash.fmt.frame)
            dict(zip(pack_frame["label"], fmt.frame(pack_frame)["establishments"], strict=True))
        )
    # the QPV table of the Quartiers prioritaires page and of the pack
    at = run_page(pages.script("qpv"), territoire="dep:93")
    page_qpv = next(d.value for d in at.dataframe if "Code QPV" in d.value.columns)
    pack_qpv = pd.concat(brief._qpv_pages(data)).set_index("Code")
    assert set(page_qpv["Code QPV"]) == set(pack_qpv.index)
    for _, row in page_qpv.iterrows():
        code = row["Code QPV"]
        # both formatted for the screen (sse_dash.fmt.frame) and the pack
        assert pack_qpv.loc[code, "Étab. ESS"] == row["Établissements ESS dans le QPV"]
        assert pack_qpv.loc[code, "Salariés (est.)"] == row["Emplois estimés dans le QPV"]
        assert pack_qpv.loc[code, "Population"] == row["Population"]


def test_qpv_table_names_every_commune_a_qpv_spans(con):
    data = brief.collect(con, "dep:93", today=DAY)
    table = pd.concat(brief._qpv_pages(data)).set_index("Code")
    assert table.loc["QN09302M", "Commune"] == "Aubervilliers, Saint-Denis"
    assert table.loc["QN09303M", "Commune"] == "Montreuil"
