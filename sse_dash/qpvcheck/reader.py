"""Read an uploaded CSV/XLSX from bytes, guessing encoding and separator, with size limits.

Everything is read as text (CSV) or cell values (XLSX) so the user's columns go back untouched."""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sse_dash import fmt
from sse_dash.qpvcheck import InputError, Message

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Limits:
    """What one file may hold. Every limit is checked while reading, before the rows are kept."""

    max_bytes: int
    max_rows: int
    max_columns: int = 500
    max_cells: int = 10_000_000  # filled cells (rows × columns)
    max_uncompressed: int = 400 * 1024 * 1024  # XLSX parts once decompressed
    max_seconds: float | None = 15.0  # wall time for reading a workbook


# The page (an upload kept in the server's memory, one per session) and the command line (the
# user's own machine and file: larger files, no time limit).
UPLOAD = Limits(max_bytes=50 * 1024 * 1024, max_rows=200_000)
CLI = Limits(
    max_bytes=2 * 1024 * 1024 * 1024,
    max_rows=5_000_000,
    max_cells=100_000_000,
    max_uncompressed=8 * 1024 * 1024 * 1024,
    max_seconds=None,
)
MAX_ROWS = UPLOAD.max_rows
MAX_BYTES = UPLOAD.max_bytes


def limits_text(limits: Limits = UPLOAD) -> str:
    return (
        f"{fmt.number(limits.max_rows)} lignes, {fmt.number(limits.max_columns)} colonnes et "
        f"{fmt.number(limits.max_bytes / 1024 / 1024)} Mo au plus (CSV ou XLSX)."
    )


LIMITS_TEXT = limits_text(UPLOAD)
SEPARATORS = (";", ",", "\t", "|")
SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre |"}
_SAMPLE = 64 * 1024


@dataclass
class Table:
    """A file read into memory: `df` holds the original columns, in order, unchanged."""

    df: pd.DataFrame
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    separator: str | None = None
    notes: list[Message] = field(default_factory=list)

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f"Classeur Excel, {fmt.number(len(self.df))} lignes"
        sep = SEPARATOR_NAMES.get(self.separator or "", repr(self.separator))
        return (
            f"CSV {self.encoding}, séparateur {sep}, {fmt.number(len(self.df))} lignes, "
            f"{len(self.df.columns)} colonnes"
        )


def check_size(size: int, limits: Limits = UPLOAD) -> None:
    if size > limits.max_bytes:
        raise InputError(
            "Fichier trop volumineux ({size} Mo) : la limite est de {limit} Mo. "
            "Découpez-le en plusieurs fichiers.",
            size=round(size / 1024 / 1024, 1),
            limit=limits.max_bytes // (1024 * 1024),
        )


def _too_many_rows(limits: Limits) -> InputError:
    return InputError(
        "Trop de lignes : le fichier en contient plus de {limit} (sans compter l'en-tête). "
        "Découpez-le en plusieurs parties.",
        limit=limits.max_rows,
    )


def _too_many_columns(width: int, limits: Limits) -> InputError:
    return InputError(
        "Trop de colonnes ({width}) : la limite est de {limit} colonnes. Gardez seulement les "
        "colonnes utiles.",
        width=width,
        limit=limits.max_columns,
    )


def _too_many_cells(limits: Limits) -> InputError:
    return InputError(
        "Fichier trop grand : plus de {limit} cellules (lignes × colonnes). Découpez-le ou gardez "
        "seulement les colonnes utiles.",
        limit=limits.max_cells,
    )


def read_table(data: bytes, filename: str = "fichier.csv", limits: Limits = UPLOAD) -> Table:
    """Read CSV or XLSX bytes (chosen by content, then extension). Raises InputError."""
    check_size(len(data), limits)
    if not data or not data.strip(b" \t\r\n\x00"):
        raise InputError("Le fichier est vide.")
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data, limits)
    if name.endswith((".xlsx", ".xlsm")):
        raise InputError("Ce fichier .xlsx n'est pas un classeur Excel valide (contenu illisible).")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise InputError(
            "Ancien format Excel (.xls) non pris en charge : enregistrez le fichier en .xlsx ou CSV."
        )
    return read_csv(data, limits)


# ----------------------------------------------------------------------------------- CSV
# Single-byte encodings a French file may come in. Mac Roman is what Excel for Mac wrote for
# years (« Texte (Macintosh) »): decoded as Windows-1252 its « é » reads « Ž » and its « è » is
# undefined. The candidate whose non-ASCII characters look like French text wins.
LEGACY_ENCODINGS = (
    ("cp1252", "Windows-1252"),
    ("mac_roman", "Mac Roman"),
    ("latin-1", "ISO-8859-1"),
)
_FRENCH_LETTERS = set("àâäçéèêëîïôöùûüÿœæñÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆÑ")
_FRENCH_SIGNS = set("«»’‘“”–—…€°·²³§£\u00a0\u202f")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SCORE_SAMPLE = 1 << 20


def _french_score(text: str) -> int:
    """+1 per non-ASCII character that French text uses where it stands, -2 per other one (an
    accented capital right after a lower-case letter, a C1 control, a rare symbol)."""
    score = 0
    for m in _NON_ASCII.finditer(text):
        ch = m.group()
        if ch in _FRENCH_SIGNS:
            score += 1
        elif ch in _FRENCH_LETTERS:
            before = text[m.start() - 1] if m.start() else " "
            score += -2 if ch.isupper() and before.islower() else 1
        else:
            score -= 2
    return score


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: BOMs first, then UTF-8, then the single-byte encoding whose
    reading looks most like French (Windows-1252, Mac Roman, ISO-8859-1; ties to the first)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InputError("Fichier UTF-16 illisible (encodage incohérent).") from exc
    _refuse_binary(data[:_SAMPLE])
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    sample = data[:_SCORE_SAMPLE]
    best = None
    for codec, label in LEGACY_ENCODINGS:
        try:
            score = _french_score(sample.decode(codec))
        except UnicodeDecodeError:
            continue
        if best is None or score > best[0]:
            best = (score, codec, label)
    _, codec, label = best
    try:
        return data.decode(codec), label
    except UnicodeDecodeError:  # past the sample: the one encoding that reads every byte
        return data.decode("latin-1"), "ISO-8859-1"


def _refuse_binary(sample: bytes) -> None:
    """Binary content renamed .csv (images, archives, executables) gets a clear message."""
    if b"\x00" in sample:
        raise InputError(
            "Le fichier ne ressemble pas à un CSV (contenu binaire). "
            "Exportez vos données en CSV ou en XLSX."
        )
    # tab, line feed, carriage return, and the vertical tab / form feed that spreadsheets write
    # for a line break inside a cell, are text
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 11, 12, 13))
    if sample and controls / len(sample) > 0.01:
        raise InputError(
            "Le fichier ne ressemble pas à un CSV (caractères de contrôle). "
            "Exportez vos données en CSV ou en XLSX."
        )


def _consistency(sample: str, sep: str) -> tuple[float, int]:
    """(share of rows with the header's field count, field count) for a separator candidate."""
    try:
        rows = list(_limited(csv.reader(io.StringIO(sample), delimiter=sep, quotechar='"'), 200))
    except csv.Error:
        return 0.0, 0
    rows = [r for r in rows if r]
    if len(rows) > 1 and not sample.endswith(("\n", "\r")):
        rows = rows[:-1]  # the sample may cut the last row
    if not rows or len(rows[0]) < 2:
        return 0.0, len(rows[0]) if rows else 0
    width = len(rows[0])
    body = rows[1:] or rows
    return sum(len(r) == width for r in body) / len(body), width


def _limited(it, n):
    for i, row in enumerate(it):
        if i >= n:
            break
        yield row


SNIFF_BYTES = 8192
SNIFF_MAX_LINE = 1000


def detect_separator(text: str) -> str:
    """csv.Sniffer first, checked for consistency; else the most consistent candidate."""
    sample = text[:_SAMPLE]
    cut = max(sample.rfind("\n"), 0)
    sample = sample[: cut + 1] if cut else sample
    sniffed = None
    # csv.Sniffer's regular expressions are superlinear on long runs of separators or quotes
    # (a 60 KB field took ~25 s): it only sees a short head with ordinary lines.
    head = sample[:SNIFF_BYTES]
    head = head[: head.rfind("\n") + 1] or head
    if head and max(map(len, head.splitlines())) <= SNIFF_MAX_LINE:
        try:
            sniffed = csv.Sniffer().sniff(head, delimiters="".join(SEPARATORS)).delimiter
        except csv.Error:
            sniffed = None
    if sniffed in SEPARATORS and _consistency(sample, sniffed)[0] >= 0.9:
        return sniffed
    scored = [(_consistency(sample, s), -i, s) for i, s in enumerate(SEPARATORS)]
    (share, width), _, best = max(scored)
    if width < 2:
        return ";"  # a single column: any separator reads it the same way
    return best


def _header_width(text: str, sep: str) -> int | None:
    """Fields of the first non-empty record (None when unreadable: pandas then reports it)."""
    try:
        for row in csv.reader(io.StringIO(text), delimiter=sep, quotechar='"'):
            if row:
                return len(row)
    except csv.Error:
        return None
    return None


def read_csv(data: bytes, limits: Limits = UPLOAD) -> Table:
    import pandas as pd

    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError("Le fichier est vide.")
    sep = detect_separator(text)
    width = _header_width(text[: 16 * 1024 * 1024], sep)
    if width and width > limits.max_columns:
        raise _too_many_columns(width, limits)
    # never more rows than the limits allow: pandas stops there instead of holding them all
    nrows = limits.max_rows + 1
    if width:
        nrows = min(nrows, limits.max_cells // width + 1)
    try:
        with warnings.catch_warnings():
            # extra fields would otherwise be dropped (or shift the columns) silently
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                quotechar='"',
                skip_blank_lines=True,
                index_col=False,
                engine="c",
                nrows=nrows,
            )
    except pd.errors.ParserWarning as exc:
        raise InputError(
            "CSV mal formé : certaines lignes ont plus de champs que la ligne d'en-tête. "
            "Vérifiez les guillemets et le séparateur."
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("Le fichier est vide.") from exc
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        if line:
            raise InputError(
                "CSV mal formé (ligne {line}) : le nombre de champs varie d'une ligne à l'autre. "
                "Vérifiez les guillemets et le séparateur.",
                line=int(line.group(1)),
            ) from exc
        raise InputError(
            "CSV mal formé : le nombre de champs varie d'une ligne à l'autre. "
            "Vérifiez les guillemets et le séparateur."
        ) from exc
    if len(df.columns) > limits.max_columns:
        raise _too_many_columns(len(df.columns), limits)
    if len(df) > limits.max_rows:
        raise _too_many_rows(limits)
    if df.size > limits.max_cells:
        raise _too_many_cells(limits)
    df = _clean_columns(df)
    if len(df) == 0:
        raise InputError("Le fichier ne contient qu'une ligne d'en-tête, aucune donnée.")
    notes = []
    if encoding in ("Mac Roman", "ISO-8859-1"):
        notes.append(
            Message(
                "Encodage reconnu : {encoding}. Vérifiez les accents dans l'aperçu ; au besoin, "
                "enregistrez le fichier en CSV UTF-8.",
                encoding=encoding,
            )
        )
    return Table(df=df, kind="csv", encoding=encoding, separator=sep, notes=notes)


def _clean_columns(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = unique_names(df.columns)
    return df


def unique_names(columns) -> list[str]:
    """Column names unique by construction: blank headers get a name (`colonne_3`), repeated
    ones a suffix (`a.1`), and neither ever takes a name the file itself uses."""
    raw = []
    for c in columns:
        c = "" if c is None else str(c)
        raw.append("" if not c.strip() or re.match(r"^Unnamed: \d+", c) else c)
    used: set[str] = set()
    keep = [False] * len(raw)
    for i, name in enumerate(raw):  # the file's own names, first occurrence, stay as they are
        if name and name not in used:
            used.add(name)
            keep[i] = True
    names = []
    for i, name in enumerate(raw):
        if keep[i]:
            names.append(name)
            continue
        base = name or f"colonne_{i + 1}"
        candidate, k = base, 0
        while candidate in used:
            k += 1
            candidate = f"{base}.{k}"
        used.add(candidate)
        names.append(candidate)
    return names


# ----------------------------------------------------------------------------------- XLSX
def read_arrow(data: bytes, limits: Limits):
    """(Arrow table of text columns, names, separator) or None when not a plain UTF-8 CSV:
    the command line's fast path (sse_dash.qpvcheck.fast), which needs no pandas."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if data[:4] == b"PK\x03\x04" or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[: 64 * 1024].decode("utf-8", errors="ignore")
    if not head.strip() or head[:1] in ("\n", "\r"):
        return None
    try:
        _refuse_binary(data[: 64 * 1024])
    except InputError:
        return None
    sep = detect_separator(head)
    try:
        header = next(csv.reader(io.StringIO(head), delimiter=sep, quotechar='"'))
    except (StopIteration, csv.Error):
        return None
    if not header or len(header) > limits.max_columns:
        return None
    generated = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=generated, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, quote_char='"', newlines_in_values=b'"' in data
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(generated, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    pa.default_memory_pool().release_unused()  # the parser's buffers, back to the system
    if table.num_rows == 0:
        return None
    if table.num_rows > limits.max_rows:
        raise _too_many_rows(limits)
    if table.num_rows * table.num_columns > limits.max_cells:
        raise _too_many_cells(limits)
    return table, unique_names(header), sep


def read_xlsx(data: bytes, limits: Limits = UPLOAD) -> Table:
    """First worksheet, read within `limits` (sse_dash.qpvcheck.xlsx); a formula stays its
    text, never evaluated."""
    import pandas as pd

    from sse_dash.qpvcheck import xlsx

    sheet = xlsx.read_sheet(data, limits)
    if not sheet.rows:
        raise InputError("Le fichier est vide.")
    header, body = sheet.rows[0], sheet.rows[1:]
    if not body:
        if sheet.stopped:
            raise InputError(
                "Aucune donnée dans les {run} lignes qui suivent l'en-tête (ligne {row}) : les "
                "lignes plus bas (à partir de la ligne {next}) ne sont pas lues.",
                run=xlsx.EMPTY_RUN,
                row=sheet.stopped[0],
                next=sheet.stopped[1],
            )
        raise InputError("Le fichier ne contient qu'une ligne d'en-tête, aucune donnée.")
    width = max(len(r) for r in sheet.rows)
    names = [("" if h is None else str(h)) for h in header] + [""] * (width - len(header))
    rows = [r + [None] * (width - len(r)) if len(r) < width else r for r in body]
    df = pd.DataFrame(rows, columns=range(width), dtype=object)
    df.columns = names
    df = _clean_columns(df)
    return Table(df=df, kind="xlsx", notes=list(sheet.notes))
