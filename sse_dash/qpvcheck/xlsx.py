"""A bounded reader for the first worksheet of an XLSX workbook.

openpyxl trusts the file: it pads every row to the sheet's declared dimension (a 165 KB file
declaring `A1:XFD1048576` took 3 GB), yields every empty row before a far-away one (a cell on row
1,048,576 held a CPU for minutes), loads whole shared strings of any length, and reads 200,000
ordinary rows in ~35 s. This reader streams the XML with lxml's iterparse, frees every cell
once read, and stops at each limit before keeping anything: bytes decompressed, characters in a
text node (libxml2's 10 M cap, then Excel's own 32,767 per cell), cells per row and column
position, data rows, filled cells and wall time. The declared dimension is ignored, and reading
stops at the first long run of empty rows after the data (the rows below are reported, not read).

Values follow openpyxl's read-only, `data_only=False` semantics, so files read the same as
before: text, numbers (int when integral), booleans, dates (date number formats, ISO `t="d"`
cells), error codes as text, and a formula as its text with a leading `=` (never evaluated).

Format: ECMA-376 Part 1 (SpreadsheetML): workbook.xml lists the sheets in order, its .rels gives
each sheet's part; cells are `<c r="B3" t="s" s="1"><f>…</f><v>…</v></c>`, shared strings are
`<si>` items made of `<t>` or rich-text runs `<r><t>`, phonetic runs `<rPh>` are not text."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import time
import zipfile
from dataclasses import dataclass, field

from sse_dash.qpvcheck import InputError, Message

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_MAX_CELL = 32_767  # Excel's limit on the characters of one cell
EMPTY_RUN = 1_000  # this many empty rows after the data end the sheet
_CHUNK = 1 << 16
_SMALL_PART = 20 * 1024 * 1024  # workbook.xml, rels, styles: never larger in a real file
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_INT = re.compile(r"^[+-]?\d{1,15}$")

BROKEN = "Classeur Excel illisible (fichier abîmé ou format non pris en charge)."


@dataclass
class Sheet:
    """Rows of the first worksheet: `rows[i]` lists the cell values of one non-empty row
    (index = column - 1, `None` for an empty cell), header row first."""

    rows: list[list]
    row_numbers: list[int]
    notes: list[Message] = field(default_factory=list)
    stopped: tuple[int, int] | None = None  # (last row read, next non-empty row) when cut


class _Stop(Exception):
    """End of the useful data (long run of empty rows): not an error."""


class _Budget:
    """Decompressed bytes and wall time shared by every part read from one workbook."""

    def __init__(self, max_bytes: int, max_seconds: float | None):
        self.left = max_bytes
        self.max_bytes = max_bytes
        self.deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self.max_seconds = max_seconds

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(
                "Classeur trop volumineux une fois décompressé (plus de {size} Mo de données) : "
                "enregistrez-le en CSV ou découpez-le.",
                size=self.max_bytes // (1024 * 1024),
            )
        self.check_time()

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise InputError(
                "Lecture du classeur interrompue au bout de {seconds} secondes : le fichier est "
                "trop lourd. Enregistrez-le en CSV ou découpez-le.",
                seconds=int(self.max_seconds),
            )


_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}
# libxml2 refuses a text node over 10,000,000 characters without `huge_tree`: that bounds what a
# single cell or shared string can cost before the 32,767 check below.


class _Counted:
    """A zip member read through the byte budget (lxml pulls from it in chunks)."""

    def __init__(self, fh, budget: _Budget):
        self.fh = fh
        self.budget = budget

    def read(self, n: int = -1) -> bytes:
        chunk = self.fh.read(_CHUNK if n is None or n < 0 or n > _CHUNK else n)
        self.budget.spend(len(chunk))
        return chunk


def _iterparse(zf: zipfile.ZipFile, name: str, budget: _Budget, tags):
    from lxml import etree

    with zf.open(name) as fh:
        yield from etree.iterparse(
            _Counted(fh, budget), events=("end",), tag=tags, **_PARSER_OPTIONS
        )


def _small_part(zf: zipfile.ZipFile, name: str, budget: _Budget):
    """The root element of a small part (workbook, rels, styles)."""
    from lxml import etree

    info = zf.getinfo(name)
    if info.file_size > _SMALL_PART:
        raise InputError(BROKEN)
    data = zf.read(name)
    budget.spend(len(data))
    return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))


def _first_sheet(zf: zipfile.ZipFile, budget: _Budget) -> tuple[str, str | None, str | None]:
    """(worksheet part, shared strings part, styles part) of the workbook's first sheet."""
    names = set(zf.namelist())
    workbook = "xl/workbook.xml"
    rels = "xl/_rels/workbook.xml.rels"
    if workbook not in names or rels not in names:
        raise InputError(BROKEN)
    sheets = _small_part(zf, workbook, budget).iter(f"{{{NS_MAIN}}}sheet")
    sheet_ids = [el.get(f"{{{NS_REL}}}id") for el in sheets]
    targets = {
        el.get("Id"): (el.get("Target"), el.get("Type") or "")
        for el in _small_part(zf, rels, budget).iter(f"{{{NS_PKG_REL}}}Relationship")
        if el.get("Id") and el.get("Target")
    }

    def part(target: str) -> str:
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        return posixpath.normpath(path)

    if not sheet_ids or sheet_ids[0] not in targets:
        raise InputError(BROKEN)
    sheet = part(targets[sheet_ids[0]][0])
    shared = styles = None
    for target, kind in targets.values():
        if kind.endswith("/sharedStrings"):
            shared = part(target)
        elif kind.endswith("/styles"):
            styles = part(target)
    if sheet not in names:
        raise InputError(BROKEN)
    return sheet, (shared if shared in names else None), (styles if styles in names else None)


_TOO_LONG = "une cellule Excel contient au plus {limit} caractères. Vérifiez le fichier."


def _too_long(ref: str | None = None, shared: int | None = None) -> InputError:
    """A cell (by reference), a shared string (by number) or a text node over libxml2's cap."""
    if ref is not None:
        return InputError(
            f"Cellule trop longue ({{ref}}) : {_TOO_LONG}", ref=ref, limit=XLSX_MAX_CELL
        )
    if shared is not None:
        return InputError(
            f"Cellule trop longue (texte partagé n° {{n}}) : {_TOO_LONG}",
            n=shared,
            limit=XLSX_MAX_CELL,
        )
    return InputError(
        f"Cellule trop longue (plus de 10 millions de caractères) : {_TOO_LONG}",
        limit=XLSX_MAX_CELL,
    )


_T = f"{{{NS_MAIN}}}t"
_R = f"{{{NS_MAIN}}}r"
_SI = f"{{{NS_MAIN}}}si"
_C = f"{{{NS_MAIN}}}c"
_ROW = f"{{{NS_MAIN}}}row"
_V = f"{{{NS_MAIN}}}v"
_F = f"{{{NS_MAIN}}}f"
_IS = f"{{{NS_MAIN}}}is"


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """ECMA-376 escapes characters XML cannot hold (control characters) as `_xHHHH_`."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def _rich_text(el) -> str:
    """Text of a `<si>` or `<is>`: its `<t>`, or the `<t>` of its runs; phonetic runs left out."""
    if len(el) == 1 and el[0].tag == _T:
        return _unescape(el[0].text or "")
    parts = []
    for child in el:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child.iter(_T))
    return _unescape("".join(parts))


def _drop(el) -> None:
    """Free a processed element and the siblings before it (iterparse keeps them otherwise)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _shared_strings(zf, name: str, budget: _Budget, max_items: int) -> list[str]:
    """The shared-string table: one text per `<si>`, each bounded."""
    strings: list[str] = []
    for _, si in _iterparse(zf, name, budget, _SI):
        text = _rich_text(si)
        if len(text) > XLSX_MAX_CELL:
            raise _too_long(shared=len(strings) + 1)
        strings.append(text)
        if len(strings) > max_items:
            raise InputError(BROKEN)
        _drop(si)
    return strings


def _date_styles(zf, name: str | None, budget: _Budget) -> set[int]:
    """Indexes of the cell styles (`s="…"`) whose number format is a date or time."""
    if name is None:
        return set()
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    root = _small_part(zf, name, budget)
    custom = {}
    for el in root.iter(f"{{{NS_MAIN}}}numFmt"):
        try:
            custom[int(el.get("numFmtId", ""))] = el.get("formatCode", "")
        except ValueError:
            continue
    dates = set()
    xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
    for i, xf in enumerate(xfs.iter(f"{{{NS_MAIN}}}xf") if xfs is not None else ()):
        try:
            fmt_id = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
        if code and is_date_format(code):
            dates.add(i)
    return dates


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


class _SheetReader:
    """Builds the non-empty rows of a worksheet from its `<c>` and `<row>` elements, within the
    limits; each element is freed once read."""

    def __init__(self, shared, date_styles, limits, budget):
        self.shared = shared
        self.date_styles = date_styles
        self.max_columns = limits.max_columns
        self.max_rows = limits.max_rows
        self.max_cells = limits.max_cells
        self.budget = budget
        self.rows: list[list] = []
        self.numbers: list[int] = []
        self.notes: list[Message] = []
        self.stopped: tuple[int, int] | None = None
        self.cells = 0
        self.elements = 0
        self.row = 0  # number (1-based) of the row being read
        self.col = 0
        self.current: list = []
        self.filled = False
        self.in_row = 0  # cell elements seen in the current row

    def run(self, events) -> None:
        for _, el in events:
            if el.tag == _C:
                self.cell(el)
            else:
                self.end_row(el)
            self.elements += 1
            if not self.elements & 0xFFFF:
                self.budget.check_time()

    def cell(self, el) -> None:
        if not self.in_row:  # first cell of a row: its number
            r = el.getparent().get("r") if el.getparent() is not None else None
            number = int(r) if r and r.isdigit() else self.row + 1
            self._gap(number)
            self.row, self.col = number, 0
        self.in_row += 1
        if self.in_row > 16_384:  # Excel's own column count
            raise self._wide(self.in_row)
        ref = el.get("r")
        m = _CELL_REF.match(ref) if ref else None
        self.col = _column(m.group(1)) if m else self.col + 1
        value = self._value(el)
        _drop(el)
        if value is None or (isinstance(value, str) and value == ""):
            return
        if self.col > self.max_columns:
            raise self._wide(self.col)
        row = self.current
        if len(row) < self.col:
            row.extend([None] * (self.col - len(row)))
        row[self.col - 1] = value
        if not self.filled and not (isinstance(value, str) and not value.strip()):
            self.filled = True
        self.cells += 1
        if self.cells > self.max_cells:
            raise InputError(
                "Fichier trop grand : plus de {limit} cellules remplies. Découpez-le ou gardez "
                "seulement les colonnes utiles.",
                limit=self.max_cells,
            )

    def end_row(self, el) -> None:
        if not self.in_row:  # a row without cells
            r = el.get("r")
            number = int(r) if r and r.isdigit() else self.row + 1
            self._gap(number)
            self.row = number
        if self.filled:
            self.rows.append(self.current)
            self.numbers.append(self.row)
            if len(self.rows) > self.max_rows + 1:  # + the header
                raise InputError(
                    "Trop de lignes : le classeur en contient plus de {limit} (sans compter "
                    "l'en-tête). Découpez le fichier en plusieurs parties.",
                    limit=self.max_rows,
                )
        self.current, self.filled, self.in_row = [], False, 0
        _drop(el)

    def _wide(self, col: int) -> InputError:
        return InputError(
            "Trop de colonnes : le classeur a des cellules jusqu'en colonne {col} (ligne {row}) ; "
            "la limite est de {limit} colonnes.",
            col=col,
            row=self.row,
            limit=self.max_columns,
        )

    def _gap(self, number: int) -> None:
        """Stop at a long run of empty rows after the data (leading empty rows are fine)."""
        if self.rows and number > self.numbers[-1] + EMPTY_RUN:
            self.stopped = (self.numbers[-1], number)
            self.notes.append(
                Message(
                    "Lecture arrêtée après la ligne {last} : plus de {run} lignes vides suivent. "
                    "Les lignes à partir de la ligne {next} ne sont pas lues.",
                    last=self.numbers[-1],
                    run=EMPTY_RUN,
                    next=number,
                )
            )
            raise _Stop()

    def _value(self, el):
        kind = el.get("t")
        text = None
        formula = None
        for child in el:
            tag = child.tag
            if tag == _V:
                text = child.text
            elif tag == _F:
                formula = child.text
            elif tag == _IS:
                text = _rich_text(child)
        if text is not None and len(text) > XLSX_MAX_CELL:
            raise _too_long(ref=f"{_letters(self.col)}{self.row}")
        if formula and kind != "inlineStr":
            if len(formula) > XLSX_MAX_CELL:
                raise _too_long(ref=f"{_letters(self.col)}{self.row}")
            return "=" + formula
        if kind == "s":
            if not text:
                return None
            try:
                return self.shared[int(text)]
            except (ValueError, IndexError):
                raise InputError(BROKEN) from None
        if kind == "inlineStr":
            return text or ""
        if kind in ("str", "e"):
            return _unescape(text or "")
        if kind == "b":
            return (text or "").strip() in ("1", "true")
        if not text:
            return None
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        try:
            number = int(text) if _INT.match(text) else float(text)
        except ValueError:
            return text
        style = el.get("s")
        if style is not None and self.date_styles:
            try:
                if int(style) in self.date_styles:
                    from openpyxl.utils.datetime import from_excel

                    return from_excel(number)
            except (ValueError, OverflowError, TypeError):
                return number
        return number


def read_sheet(data: bytes, limits) -> Sheet:
    """Rows of the first worksheet of an XLSX workbook, or InputError (French)."""
    from lxml import etree

    budget = _Budget(limits.max_uncompressed, limits.max_seconds)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(BROKEN) from exc
    with zf:
        if len(zf.infolist()) > 10_000:
            raise InputError(BROKEN)
        try:
            sheet_name, shared_name, styles_name = _first_sheet(zf, budget)
            shared = (
                _shared_strings(zf, shared_name, budget, limits.max_cells) if shared_name else []
            )
            dates = _date_styles(zf, styles_name, budget)
            reader = _SheetReader(shared, dates, limits, budget)
            try:
                reader.run(_iterparse(zf, sheet_name, budget, (_C, _ROW)))
            except _Stop:
                pass
        except InputError:
            raise
        except etree.XMLSyntaxError as exc:
            if "huge" in str(exc).lower():
                raise _too_long() from exc
            raise InputError(BROKEN) from exc
        except Exception as exc:  # zlib, CRC, zip structure: anything a damaged archive raises
            raise InputError(BROKEN) from exc
    return Sheet(reader.rows, reader.numbers, reader.notes, reader.stopped)
