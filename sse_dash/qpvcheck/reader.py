"""Read an uploaded CSV/XLSX from bytes, guessing encoding and separator, with size limits.

Everything is read as text (CSV) or cell values (XLSX) so the user's columns go back untouched."""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field

import pandas as pd

from sse_dash import fmt
from sse_dash.qpvcheck import InputError

MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024
LIMITS_TEXT = (
    f"{fmt.number(MAX_ROWS)} lignes et {fmt.number(MAX_BYTES / 1024 / 1024)} Mo au plus "
    "(CSV ou XLSX)."
)
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
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f"Classeur Excel, {fmt.number(len(self.df))} lignes"
        sep = SEPARATOR_NAMES.get(self.separator or "", repr(self.separator))
        return (
            f"CSV {self.encoding}, séparateur {sep}, {fmt.number(len(self.df))} lignes, "
            f"{len(self.df.columns)} colonnes"
        )


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise InputError(
            f"Fichier trop volumineux ({fmt.number(size / 1024 / 1024, 1)} Mo) : "
            f"la limite est de {fmt.number(MAX_BYTES / 1024 / 1024)} Mo. "
            "Découpez-le en plusieurs fichiers."
        )


def _check_rows(n: int) -> None:
    if n > MAX_ROWS:
        raise InputError(
            f"Trop de lignes ({fmt.number(n)}) : la limite est de {fmt.number(MAX_ROWS)} lignes. "
            "Découpez le fichier en plusieurs parties."
        )


def read_table(data: bytes, filename: str = "fichier.csv") -> Table:
    """Read CSV or XLSX bytes (chosen by content, then extension). Raises InputError."""
    check_size(len(data))
    if not data or not data.strip(b" \t\r\n\x00"):
        raise InputError("Le fichier est vide.")
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    if name.endswith((".xlsx", ".xlsm")):
        raise InputError("Ce fichier .xlsx n'est pas un classeur Excel valide (contenu illisible).")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise InputError(
            "Ancien format Excel (.xls) non pris en charge : enregistrez le fichier en .xlsx ou CSV."
        )
    return read_csv(data)


# ----------------------------------------------------------------------------------- CSV
def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: BOMs first, then UTF-8, then cp1252, then latin-1."""
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
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"


def _refuse_binary(sample: bytes) -> None:
    """Binary content renamed .csv (images, archives, executables) gets a clear message."""
    if b"\x00" in sample:
        raise InputError(
            "Le fichier ne ressemble pas à un CSV (contenu binaire). "
            "Exportez vos données en CSV ou en XLSX."
        )
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
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


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError("Le fichier est vide.")
    sep = detect_separator(text)
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
        where = f" (ligne {line.group(1)})" if line else ""
        raise InputError(
            f"CSV mal formé{where} : le nombre de champs varie d'une ligne à l'autre. "
            "Vérifiez les guillemets et le séparateur."
        ) from exc
    df = _clean_columns(df)
    _check_rows(len(df))
    if len(df) == 0:
        raise InputError("Le fichier ne contient qu'une ligne d'en-tête, aucune donnée.")
    return Table(df=df, kind="csv", encoding=encoding, separator=sep)


def _clean_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Blank headers get a name (`colonne_3`); duplicates stay distinct (pandas suffixes)."""
    names = []
    for i, c in enumerate(df.columns):
        c = str(c)
        if not c.strip() or c.startswith("Unnamed: "):
            c = f"colonne_{i + 1}"
        names.append(c)
    df.columns = names
    return df


# ----------------------------------------------------------------------------------- XLSX
def read_xlsx(data: bytes) -> Table:
    """First worksheet; cells read as stored (a formula stays its text, never evaluated)."""
    from openpyxl import load_workbook

    try:
        header, rows = _xlsx_rows(load_workbook, data)
    except InputError:
        raise
    except Exception as exc:  # a damaged archive fails anywhere (zlib, XML, zip, openpyxl)
        raise InputError(
            "Classeur Excel illisible (fichier abîmé ou format non pris en charge)."
        ) from exc
    if header is None:
        raise InputError("Le fichier est vide.")
    if not rows:
        raise InputError("Le fichier ne contient qu'une ligne d'en-tête, aucune donnée.")
    # width: the last column holding a header or any value (nothing beyond it is dropped)
    width = max(_last_filled(header), *(_last_filled(r) for r in rows))
    header = list(header[:width]) + [None] * (width - len(header))
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows]
    names = [("" if h is None else str(h)) for h in header]
    df = pd.DataFrame(body, columns=_unique(names), dtype=object)
    df = _clean_columns(df)
    return Table(df=df, kind="xlsx")


def _xlsx_rows(load_workbook, data: bytes):
    """(header, data rows) of the first worksheet, blank rows skipped, row limit enforced."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb.worksheets[0]
        rows = []
        header = None
        for values in ws.iter_rows(values_only=True):
            if header is None:
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                header = list(values)
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append(values)
            if len(rows) > MAX_ROWS:
                _check_rows(len(rows))
    finally:
        wb.close()
    return header, rows


def _last_filled(values) -> int:
    for i in range(len(values) - 1, -1, -1):
        v = values[i]
        if v is not None and not (isinstance(v, str) and not v.strip()):
            return i + 1
    return 0


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out
