"""Briefing pack for a council meeting: one PPTX (python-pptx) or PDF file per territory with
key figures and their references, charts, a static map, the QPV table and the sources.

PDF library: matplotlib's `PdfPages`. The static map and the charts are already matplotlib
drawings, so the PDF and the PPTX show exactly the same figures from one code path, with no
second drawing stack (reportlab/fpdf2 would need the charts re-drawn or embedded as bitmaps);
the output is vector, fonts are embedded as TrueType (text stays searchable and extractable),
and matplotlib is a well-maintained, widely packaged library that needs no browser."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import matplotlib
import matplotlib.image
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sse_dash import config, fmt, style
from sse_dash.dashboard import qpv, sse, warehouse
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard.territory import Territory
from sse_dash.export import provenance, static_map
from sse_dash.export.document_text import document_text
from sse_dash.export.provenance import MONTHS_FR, SYNTHETIC_NOTICE

FORMATS = {".pptx", ".pdf"}
QPV_ROWS_PER_PAGE = 14
QPV_MAX_PAGES = 3


class BriefUnavailable(RuntimeError):
    """The warehouse cannot produce a briefing pack (French message)."""


@dataclass
class Section:
    """One slide / PDF page."""

    kind: str  # title, key (« À retenir »), table, chart, map, text
    title: str
    subtitle: str = ""
    table: pd.DataFrame | None = None
    draw: Callable[[Axes], None] | None = None
    lines: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class BriefData:
    """Every figure of the pack, from the functions behind the pages: `figures` are the key
    figures of the Territoire page (sse.kpis_of / sse.kpis), the breakdowns its charts
    (sse.breakdown_of), `qpv_table` the table of the Quartiers prioritaires page (qpv.table)."""

    territory: Territory
    references: list[Territory]
    figures: list[dict]  # territory then references: sse key figures with rates
    by_family: pd.DataFrame
    by_sector: pd.DataFrame
    by_size: pd.DataFrame
    qpv_table: pd.DataFrame
    layers: static_map.MapLayers | None  # None: no contour in the warehouse (some overseas)
    sources: list[str]
    synthetic: bool
    generated: dt.date
    weight: list[Section] = field(default_factory=list)  # weight_sections()

    @property
    def compared(self) -> list[Territory]:
        return [self.territory, *self.references]


def french_date(day: dt.date) -> str:
    """`22 novembre 2026` (1er for the first of the month)."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"


def _map_layers(con: duckdb.DuckDBPyConnection, territory: Territory):
    """The map's layers, None when the warehouse has no contour for the territory (the pack
    then goes out without its map page rather than not at all)."""
    try:
        return static_map.load_layers(con, territory)
    except static_map.MapUnavailable:
        return None


def collect(
    con: duckdb.DuckDBPyConnection, territory_id: str, *, today: dt.date | None = None
) -> BriefData:
    """Every figure of the pack, read once from the warehouse with the pages' functions."""
    tables = warehouse.tables(con)
    missing = [t for t in warehouse.SIRENE_TABLES if t not in tables]
    if missing:
        raise BriefUnavailable(
            "l'entrepôt ne contient pas encore les établissements de l'ESS (tables manquantes : "
            + ", ".join(missing)
            + "). Construisez-le avec : python -m sse_dash data build"
        )
    territory = terr.resolve(con, territory_id)
    references = terr.brief_references(con, territory)
    summary = sse.summary(con, territory)
    figures = [sse.kpis_of(summary, territory)] + [sse.kpis(con, r) for r in references]
    breakdowns = {
        dim: sse.breakdown_of(summary, dim, sse.labels(con, dim)) for dim in sse.BREAKDOWN_DIMS
    }
    qpv_table = qpv.table(con, territory)
    names = qpv.commune_names(con, qpv_table["code"].tolist()) if not qpv_table.empty else {}
    qpv_table["communes"] = [
        names.get(c) or m
        for c, m in zip(qpv_table.get("code", []), qpv_table.get("commune_name", []), strict=True)
    ]
    sources = provenance.sources_for(
        con,
        provenance.SIRENE_ROLES
        + provenance.QPV_ROLES
        + provenance.QPV_INDICATOR_ROLES
        + provenance.GEOGRAPHY_ROLES,
    )
    return BriefData(
        territory=territory,
        references=references,
        figures=figures,
        by_family=breakdowns["family"],
        by_sector=breakdowns["naf_section"],
        by_size=breakdowns["size_class"],
        qpv_table=qpv_table,
        layers=_map_layers(con, territory),
        sources=sources,
        synthetic=provenance.is_synthetic(con),
        generated=today or dt.date.today(),
        weight=weight_sections(con, territory),
    )


# --- charts (matplotlib, shared by PPTX and PDF) -------------------------------------------


def _hbar(
    ax: Axes, labels: list[str], values: list[float], xlabel: str, colours: list[str]
) -> None:
    """Horizontal bars, largest on top, with French-formatted value labels."""
    labels = [lab if len(lab) <= 48 else lab[:47] + "…" for lab in labels]
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=colours)
    ax.set_yticks(positions, labels, fontsize=9)
    ax.set_xlabel(xlabel, fontsize=9)
    top = max(values) if values else 0
    for pos, value in zip(positions, values, strict=True):
        ax.text(value + top * 0.01, pos, fmt.number(value), va="center", fontsize=8)
    ax.set_xlim(0, top * 1.15 if top else 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _empty(ax: Axes) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, "Aucun établissement recensé", ha="center", va="center", fontsize=12)


def _draw_breakdown(
    frame: pd.DataFrame, colour: str | None = None, limit: int | None = None
) -> Callable[[Axes], None]:
    """Bars of a breakdown of the Territoire page, in its order and colours (one colour per
    family when `colour` is None)."""

    def draw(ax: Axes) -> None:
        data = frame[frame["establishments"].fillna(0) > 0]
        if limit:
            data = data.head(limit)
        if data.empty:
            _empty(ax)
            return
        colours = [colour] * len(data) if colour else style.family_colours(data["code"].tolist())
        values = [float(v) for v in data["establishments"]]
        _hbar(ax, [str(v) for v in data["label"]], values, "Établissements", colours)

    return draw


def _draw_qpv_shares(brief: BriefData) -> Callable[[Axes], None]:
    """Territory vs references: share of establishments in / near a QPV (or density for a QPV)."""

    def draw(ax: Axes) -> None:
        names = [t.name for t in brief.compared]
        if brief.territory.level == "qpv":
            values = [f["per10k"] or 0 for f in brief.figures]
            ax.bar(names, values, color=style.REFERENCE_COLOURS[: len(values)])
            for i, v in enumerate(values):
                ax.text(i, v, fmt.number(v, 1), ha="center", va="bottom", fontsize=9)
            ax.set_ylabel("Établissements pour 10 000 habitants", fontsize=9)
        else:
            series = [
                ("En QPV", [f["share_in_qpv"] or 0 for f in brief.figures], style.QPV_COLOUR),
                (
                    "En QPV ou à moins de 300 m",
                    [f["share_near_qpv"] or 0 for f in brief.figures],
                    style.QPV_NEAR_COLOUR,
                ),
            ]
            width = 0.38
            for j, (label, values, colour) in enumerate(series):
                xs = [i + (j - 0.5) * width for i in range(len(names))]
                ax.bar(xs, values, width, label=label, color=colour)
                for x, v in zip(xs, values, strict=True):
                    ax.text(x, v, fmt.percent(v), ha="center", va="bottom", fontsize=8)
            ax.set_xticks(range(len(names)), names)
            ax.set_ylabel("Part des établissements de l'ESS", fontsize=9)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.percent(v, 0)))
            ax.legend(frameon=False, fontsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    return draw


# --- content ---------------------------------------------------------------------------------


def _figures_table(brief: BriefData) -> pd.DataFrame:
    """The Territoire page's key figures of the territory and its references."""
    f = brief.figures
    rows = {
        "Établissements de l'ESS": [fmt.number(k["establishments"]) for k in f],
        "dont employeurs": [fmt.number(k["employer_establishments"]) for k in f],
        "Salariés (estimation)": [fmt.number(k["employees_est"]) for k in f],
        "Établissements pour 10 000 habitants": [fmt.rate(k["per10k"], 1) for k in f],
        "Part des établissements situés en QPV": [fmt.percent(k["share_in_qpv"]) for k in f],
        "Part en QPV ou à moins de 300 m": [fmt.percent(k["share_near_qpv"]) for k in f],
        "Localisation trop imprécise (QPV incertain, non comptés)": [
            fmt.number(k["qpv_uncertain"]) for k in f
        ],
        "Population": [fmt.number(t.population) for t in brief.compared],
    }
    columns = [t.name for t in brief.compared]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    return table.reset_index(names="Indicateur")


def _shorten(value, limit: int) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _qpv_pages(brief: BriefData) -> list[pd.DataFrame]:
    frame = brief.qpv_table
    if frame is None or frame.empty:
        return []
    # the QPV page's table, most populated first
    ordered = frame.sort_values(["population", "code"], ascending=[False, True], na_position="last")
    shown = ordered.head(QPV_ROWS_PER_PAGE * QPV_MAX_PAGES)
    table = pd.DataFrame(
        {
            "Code": shown["code"],
            "Quartier": shown["name"],
            "Commune": [_shorten(v, 40) for v in shown["communes"]],
            "Population": [fmt.number(v) for v in shown["population"]],
            "Pauvreté": [fmt.percent(v) for v in shown["poverty_rate"]],
            "Taux d'emploi": [fmt.percent(v) for v in shown["employment_rate"]],
            "Étab. ESS": [fmt.number(v) for v in shown["sse_inside"]],
            "Salariés (est.)": [fmt.number(v) for v in shown["jobs_inside"]],
        }
    )
    return [table.iloc[i : i + QPV_ROWS_PER_PAGE] for i in range(0, len(table), QPV_ROWS_PER_PAGE)]


def names_list(names: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


def _more_or_less(value, other, tolerance: float = 0.05) -> str:
    """« plus que », « moins que » or « autant que » (within 5 %)."""
    if value is None or other in (None, 0) or value != value or other != other:
        return "autant que"
    if abs(value - other) <= tolerance * abs(other):
        return "autant que"
    return "plus que" if value > other else "moins que"


def _called(territory: Territory) -> str:
    """The name in a sentence: « la France », the others by their name."""
    return "la France" if territory.level == "france" else territory.name


def key_messages(brief: BriefData) -> list[str]:
    """The « À retenir » slide: 3 or 4 sentences, the territory against its references (parent
    and France), generated from the same key figures as the tables."""
    t, k = brief.territory, brief.figures[0]
    refs = list(zip(brief.references, brief.figures[1:], strict=False))
    out = [
        f"{t.name} compte {fmt.number(k['establishments'])} établissements de l'ESS, dont "
        f"{fmt.number(k['employer_establishments'])} employeurs, pour environ "
        f"{fmt.number(k['employees_est'])} salariés (estimation)."
    ]
    if refs and k.get("per10k") is not None:
        parts = [
            f"{_more_or_less(k['per10k'], f.get('per10k'))} {_called(r)} "
            f"({fmt.rate(f.get('per10k'))})"
            for r, f in refs
        ]
        out.append(
            f"Avec {fmt.rate(k['per10k'])} établissements pour 10 000 habitants, c'est "
            + names_list(parts)
            + "."
        )
    if t.level != "qpv":
        against = [f"{fmt.percent(f.get('share_in_qpv'))} pour {_called(r)}" for r, f in refs]
        sentence = (
            f"{fmt.percent(k.get('share_in_qpv'))} de ses établissements sont situés dans un "
            "quartier prioritaire"
        )
        out.append(sentence + (f", contre {names_list(against)}." if against else "."))
    family = brief.by_family
    if family is not None and not family.empty and k["establishments"]:
        top = family.sort_values("establishments", ascending=False).iloc[0]
        share = float(top["establishments"]) / float(k["establishments"]) * 100
        out.append(
            f"Première famille : {str(top['label']).lower()} "
            f"({fmt.number(top['establishments'])} établissements, {fmt.percent(share, 0)})."
        )
    return out[:4]


def sections(brief: BriefData) -> list[Section]:
    """The pack's pages, in order, independent of the output format."""
    t = brief.territory
    refs = names_list([r.name for r in brief.references])
    out = [
        Section(
            "title",
            f"L'économie sociale et solidaire — {t.name}",
            subtitle=f"{t.level_label} {t.code}",
            lines=[
                f"Note de synthèse du {french_date(brief.generated)}",
                "Établissements de l'ESS (SIRENE) et quartiers prioritaires de la politique "
                "de la ville (QPV 2024)",
            ],
        ),
        Section(
            "key",
            "À retenir",
            subtitle=t.label,
            lines=[f"• {line}" for line in key_messages(brief)],
        ),
        Section(
            "table",
            "Chiffres clés",
            subtitle=f"{t.label}, comparé à {refs}" if refs else t.label,
            table=_figures_table(brief),
            note="Établissements actifs de l'ESS. Salariés estimés au centre des tranches "
            "d'effectif SIRENE ; populations légales INSEE.",
        ),
        Section(
            "chart",
            "Établissements par famille de l'ESS",
            subtitle=t.label,
            draw=_draw_breakdown(brief.by_family),
        ),
        Section(
            "chart",
            "Principaux secteurs d'activité (sections NAF)",
            subtitle=f"{t.label} — 10 premières sections",
            draw=_draw_breakdown(brief.by_sector, style.SECTOR_COLOUR, limit=10),
        ),
        Section(
            "chart",
            "Établissements par taille (salariés)",
            subtitle=t.label,
            draw=_draw_breakdown(brief.by_size, style.SIZE_COLOUR),
        ),
        Section(
            "chart",
            "Densité de l'ESS du quartier" if t.level == "qpv" else "L'ESS dans et près des QPV",
            subtitle=f"{t.name} comparé à {refs}" if refs else t.name,
            draw=_draw_qpv_shares(brief),
        ),
    ]
    if brief.layers is not None:
        out.append(
            Section(
                "map",
                static_map.map_title(brief.layers),
                subtitle=t.label,
                draw=lambda ax: static_map.draw_map(ax, brief.layers),
                note=f"Projection {brief.layers.crs} ; contours de l'entrepôt, sans fond de carte.",
            )
        )
    pages = _qpv_pages(brief)
    total = len(brief.qpv_table) if brief.qpv_table is not None else 0
    first = 1
    for i, page in enumerate(pages, start=1):
        suffix = f" ({i}/{len(pages)})" if len(pages) > 1 else ""
        shown = min(total, QPV_ROWS_PER_PAGE * QPV_MAX_PAGES)
        last = first + len(page) - 1
        subtitle = (
            f"{t.label} — QPV {fmt.number(first)} à {fmt.number(last)} sur {fmt.number(total)}"
            if len(pages) > 1 or shown < total
            else t.label
        )
        first = last + 1
        note = (
            "Classés par population décroissante. Pauvreté : taux de pauvreté au seuil de 60 % ; "
            "taux d'emploi des 15-64 ans ; Étab. ESS : établissements de l'ESS dans le quartier."
        )
        if shown < total:
            note += (
                f" {fmt.number(shown)} sur {fmt.number(total)} : les plus peuplés ; la liste "
                "complète est dans le tableau des QPV (page Quartiers prioritaires, CSV/XLSX)."
            )
        out.append(
            Section(
                "table",
                f"Quartiers prioritaires (QPV 2024){suffix}",
                subtitle=subtitle,
                table=page,
                note=note,
            )
        )
    definitions = [
        "ESS : associations, coopératives, mutuelles, fondations et sociétés commerciales "
        "de l'ESS (loi du 31 juillet 2014), établissements actifs du répertoire SIRENE.",
        "Salariés : estimation à partir des tranches d'effectif salarié de SIRENE "
        "(centre de chaque tranche) ; ce n'est pas un décompte d'emplois.",
        "QPV : quartiers prioritaires de la politique de la ville, géographie 2024. "
        "« En QPV » : établissement géolocalisé dans le contour du quartier ; "
        "« à moins de 300 m » : à 300 mètres au plus du contour.",
        "Références : territoire parent (pour une commune, son intercommunalité puis son "
        "département) et France entière, mêmes définitions.",
    ]
    sources = [f"• {s}" for s in brief.sources] or ["• (aucune provenance enregistrée)"]
    lines = [*definitions, "", "Sources :", *sources]
    if brief.synthetic:
        lines += [
            "",
            f"{SYNTHETIC_NOTICE} : les établissements de ce document sont générés pour "
            "la démonstration et ne décrivent aucune structure réelle.",
        ]
    out += brief.weight
    out.append(Section("text", "Sources et définitions", lines=lines))
    return out


# --- PPTX ------------------------------------------------------------------------------------


def _png(draw: Callable[[Axes], None], size: tuple[float, float], rect) -> bytes:
    fig = Figure(figsize=size)
    ax = fig.add_axes(rect)
    draw(ax)
    buf = io.BytesIO()
    with matplotlib.rc_context(static_map.RC):
        fig.savefig(buf, format="png", dpi=150, facecolor="white")
    return buf.getvalue()


def _alt_text(picture, description: str) -> None:
    """Alternative text of a picture (read by screen readers; python-pptx has no API for it)."""
    picture._element.nvPicPr.cNvPr.set("descr", document_text(description))


def _logo():
    """The configured logo (sse_dash.config.brief_logo) when it is a readable image."""
    path = config.brief_logo()
    if path is None:
        return None
    try:
        matplotlib.image.imread(str(path))
    except Exception:  # not an image: the pack goes out without it
        return None
    return path


def write_pptx(brief: BriefData, out: Path) -> int:
    """Write the pack as PPTX (16:9); returns the number of slides."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    footer = provenance.source_line(brief.sources)
    logo = _logo()

    def text(slide, left, top, width, height, lines, size, bold=False, colour=None, align=None):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            para.font.bold = bold
            if colour:
                para.font.color.rgb = RGBColor.from_string(colour)
            if align:
                para.alignment = align
        return box

    for section in sections(brief):
        slide = prs.slides.add_slide(blank)
        if section.kind == "title":
            if logo is not None:  # top right, 1.2 in high at most
                slide.shapes.add_picture(str(logo), Inches(10.3), Inches(0.5), height=Inches(1.2))
            size = 34 if len(section.title) <= 55 else 26  # long QPV names: two lines at most
            text(slide, 0.8, 2.0, 11.7, 1.6, [section.title], size, bold=True, colour="1F3B57")
            text(slide, 0.8, 3.6, 11.7, 0.6, [section.subtitle], 20, colour="555555")
            text(slide, 0.8, 4.4, 11.7, 1.2, section.lines, 16)
        else:
            text(slide, 0.5, 0.3, 12.3, 0.7, [section.title], 26, bold=True, colour="1F3B57")
            if section.subtitle:
                text(slide, 0.5, 0.95, 12.3, 0.4, [section.subtitle], 14, colour="555555")
        if section.kind == "table" and section.table is not None:
            table = section.table
            n_rows, n_cols = len(table) + 1, len(table.columns)
            row_height = 0.4 if n_rows <= 8 else 0.32
            shape = slide.shapes.add_table(
                n_rows,
                n_cols,
                Inches(0.5),
                Inches(1.5),
                Inches(12.3),
                Inches(row_height * n_rows),
            )
            grid = shape.table
            for j, share in enumerate(_column_shares(table)):
                grid.columns[j].width = int(Inches(12.3) * share)
            for j, name in enumerate(table.columns):
                grid.cell(0, j).text = str(name)
            for i, values in enumerate(table.itertuples(index=False), start=1):
                for j, value in enumerate(values):
                    grid.cell(i, j).text = "–" if value is None else str(value)
            size = 14 if n_rows <= 8 else 10
            for r in range(n_rows):
                for c in range(n_cols):
                    for para in grid.cell(r, c).text_frame.paragraphs:
                        para.font.size = Pt(size)
                        if c > 0 and r > 0 and section.title == "Chiffres clés":
                            para.alignment = PP_ALIGN.RIGHT
        elif section.kind == "chart" and section.draw is not None:
            image = _png(section.draw, (12.0, 5.0), (0.3, 0.12, 0.65, 0.83))
            picture = slide.shapes.add_picture(
                io.BytesIO(image), Inches(0.6), Inches(1.45), Inches(12.0)
            )
            _alt_text(picture, f"{section.title} — {section.subtitle}")
        elif section.kind == "map" and section.draw is not None:
            image = _png(section.draw, (11.0, 5.3), (0.0, 0.0, 0.68, 1.0))
            # 5 in high at most: the note and the source line sit below the map
            picture = slide.shapes.add_picture(
                io.BytesIO(image), Inches(1.2), Inches(1.4), height=Inches(5.0)
            )
            _alt_text(picture, f"Carte : {section.title} — {section.subtitle}")
        elif section.kind == "key":
            box = text(slide, 0.8, 1.7, 11.7, 4.6, section.lines, 20)
            for para in box.text_frame.paragraphs:
                para.space_after = Pt(14)
        elif section.kind == "text":
            text(slide, 0.5, 1.2, 12.3, 5.4, section.lines, 13)
        if section.note:
            text(slide, 0.5, 6.45, 12.3, 0.35, [section.note], 10, colour="555555")
        if section.kind != "text":
            text(slide, 0.5, 6.75, 12.3, 0.4, [footer], 8, colour="444444")
        if brief.synthetic:
            text(slide, 0.5, 7.12, 12.3, 0.3, [SYNTHETIC_NOTICE], 10, bold=True, colour="B00020")
    prs.core_properties.title = document_text(
        f"L'économie sociale et solidaire — {brief.territory.label}", 255
    )
    prs.core_properties.language = "fr-FR"
    prs.save(str(out))
    return len(prs.slides)


# --- PDF -------------------------------------------------------------------------------------


def _column_shares(table: pd.DataFrame) -> list[float]:
    """Column widths (fractions of the table width) sized by each column's longest text."""
    cells = [["–" if v is None else str(v) for v in row] for row in table.itertuples(index=False)]
    headers = [str(c) for c in table.columns]
    lengths = [
        max([len(headers[j]), *(len(row[j]) for row in cells)]) + 2 for j in range(len(headers))
    ]
    return [n / sum(lengths) for n in lengths]


def _pdf_table(fig: Figure, table: pd.DataFrame) -> None:
    """Table fitted to the page width: columns sized by their longest text."""
    ax = fig.add_axes((0.04, 0.14, 0.92, 0.68))
    ax.set_axis_off()
    cells = [["–" if v is None else str(v) for v in row] for row in table.itertuples(index=False)]
    headers = [str(c) for c in table.columns]
    lengths = [
        max([len(headers[j]), *(len(row[j]) for row in cells)]) + 2 for j in range(len(headers))
    ]
    widths = [n / sum(lengths) for n in lengths]
    drawn = ax.table(
        cellText=cells, colLabels=headers, colWidths=widths, loc="upper center", cellLoc="left"
    )
    drawn.auto_set_font_size(False)
    small = len(cells) <= 8
    # DejaVu Sans averages ~0.62 em per character: shrink the font until the widest row fits.
    fitting = 0.92 * fig.get_figwidth() * 72 / (0.62 * sum(lengths))
    drawn.set_fontsize(min(12 if small else 9, fitting))
    drawn.scale(1, 2.4 if small else 1.7)
    for (row, _col), cell in drawn.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if row == 0:
            cell.set_facecolor("#e8eef4")
            cell.set_text_props(fontweight="bold")


def write_pdf(brief: BriefData, out: Path) -> int:
    """Write the pack as an A4-landscape PDF; returns the number of pages."""
    footer_pdf = textwrap.fill(provenance.source_line(brief.sources), 210)
    logo = _logo()
    pages = 0
    with matplotlib.rc_context(static_map.RC), PdfPages(str(out)) as pdf:
        for section in sections(brief):
            fig = Figure(figsize=(11.69, 8.27))
            if section.kind == "title":
                if logo is not None:
                    ax = fig.add_axes((0.78, 0.8, 0.18, 0.15))
                    ax.imshow(matplotlib.image.imread(str(logo)))
                    ax.set_axis_off()
                fig.text(0.07, 0.62, section.title, fontsize=24, fontweight="bold", color="#1f3b57")
                fig.text(0.07, 0.55, section.subtitle, fontsize=16, color="#555555")
                fig.text(0.07, 0.45, "\n".join(section.lines), fontsize=12, va="top")
            else:
                fig.text(0.04, 0.94, section.title, fontsize=18, fontweight="bold", color="#1f3b57")
                if section.subtitle:
                    fig.text(0.04, 0.9, section.subtitle, fontsize=11, color="#555555")
            if section.kind == "table" and section.table is not None:
                _pdf_table(fig, section.table)
            elif section.kind == "chart" and section.draw is not None:
                section.draw(fig.add_axes((0.3, 0.16, 0.64, 0.68)))
            elif section.kind == "map" and section.draw is not None:
                section.draw(fig.add_axes((0.04, 0.1, 0.66, 0.76)))
            elif section.kind == "key":
                wrapped = [textwrap.fill(line, 105) for line in section.lines]
                fig.text(0.06, 0.8, "\n\n".join(wrapped), fontsize=14, va="top", linespacing=1.5)
            elif section.kind == "text":
                wrapped = [textwrap.fill(line, 150) if line else "" for line in section.lines]
                fig.text(0.04, 0.85, "\n".join(wrapped), fontsize=9.5, va="top", linespacing=1.5)
            if section.note:
                fig.text(0.04, 0.085, section.note, fontsize=8, color="#555555")
            if section.kind != "text":
                fig.text(0.04, 0.045, footer_pdf, fontsize=7, color="#444444", linespacing=1.3)
            if brief.synthetic:
                fig.text(
                    0.04, 0.018, SYNTHETIC_NOTICE, fontsize=9, fontweight="bold", color="#b00020"
                )
            pdf.savefig(fig)
            pages += 1
        info = pdf.infodict()
        info["Title"] = f"L'économie sociale et solidaire — {brief.territory.label}"
        info["Subject"] = "Note de synthèse ESS et QPV"
        info["Creator"] = "sse_dash"
    return pages


def build_brief(
    con: duckdb.DuckDBPyConnection,
    territory: str,
    out: Path,
    *,
    today: dt.date | None = None,
) -> dict:
    """Write the pack to `out` (.pptx or .pdf by extension); returns a small report."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise BriefUnavailable(
            f"format de sortie « {out.suffix or out.name} » non pris en charge : "
            "choisissez un fichier .pptx ou .pdf."
        )
    started = time.perf_counter()
    cur = con.cursor()  # own cursor: the app shares one connection between threads
    try:
        brief = collect(cur, territory, today=today)
    finally:
        cur.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:
        pages = write_pptx(brief, tmp) if suffix == ".pptx" else write_pdf(brief, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "territory": brief.territory.label,
        "path": str(out),
        "pages": pages,
        "seconds": time.perf_counter() - started,
        "synthetic": brief.synthetic,
    }


def build_brief_bytes(
    con: duckdb.DuckDBPyConnection, territory: str, fmt_name: str = "pptx"
) -> bytes:
    """The pack as bytes (for download buttons)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"note.{fmt_name}"
        build_brief(con, territory, path)
        return path.read_bytes()


# --- weight and evolution of the SSE (sse_dash.dashboard.indicators) -------------------------


def _draw_index(evo: pd.DataFrame) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        years = evo["annee"].astype(int).tolist()
        ax.plot(years, evo["indice_ess"], marker="o", color=style.BAR_COLOUR, label="ESS")
        ax.plot(years, evo["indice_tous"], marker="o", color="#888888", label="Tous établissements")
        ax.axhline(100, color="#cccccc", linewidth=0.8)
        ax.set_ylabel(f"Indice (100 en {years[0]})", fontsize=9)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v)))
        ax.legend(frameon=False, fontsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    return draw


def weight_sections(con: duckdb.DuckDBPyConnection, territory: Territory) -> list[Section]:
    """The weight slide (SSE share of establishments, employer establishments and estimated
    jobs, with the parent and France) and the evolution slide (index 100); none when the
    warehouse predates the weight tables."""
    from sse_dash.dashboard import indicators as ind

    if not ind.available(con):
        return []
    compared = [territory, *terr.references(con, territory)]
    frame = ind.weights(con, compared, ind.DEFAULT_PERIMETER)
    rows = []
    for stem, share, label in (
        ("etablissements", "part_ess_etablissements", "établissements actifs"),
        ("employeurs", "part_ess_employeurs", "établissements employeurs"),
        ("emplois_estimes", "part_ess_emplois", "emplois estimés"),
    ):
        row = {"Part de l'ESS dans les…": label}
        for _i, r in frame.iterrows():
            row[r["territoire"]] = (
                f"{fmt.percent(r[share])} ({fmt.number(r[f'{stem}_ess'])} sur "
                f"{fmt.number(r[f'{stem}_tous'])})"
            )
        rows.append(row)
    out = [
        Section(
            "table",
            "Poids de l'ESS dans l'économie locale",
            subtitle=territory.label,
            table=pd.DataFrame(rows),
            note="Tous les établissements actifs de SIRENE ; ESS : indicateur ESS de l'INSEE. "
            "Emplois : estimation à partir des tranches d'effectifs.",
        )
    ]
    evo = ind.evolution(con, territory, ind.DEFAULT_PERIMETER)
    if not evo.empty and evo["etablissements_ess_actifs_1er_janvier"].iloc[0] > 0:
        first, last = int(evo["annee"].iloc[0]), int(evo["annee"].iloc[-1])
        out.append(
            Section(
                "chart",
                f"Évolution des établissements de l'ESS depuis {first}",
                subtitle=f"{territory.label} — actifs au 1er janvier, indice 100 en {first}",
                draw=_draw_index(evo),
                note=f"Reconstitution à partir des dates de création et de fermeture du fichier "
                f"stock SIRENE ({first}–{last}) ; l'histoire d'un établissement avant son dernier "
                "changement d'état n'y figure pas.",
            )
        )
    return out
