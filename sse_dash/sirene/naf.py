"""NAF rév. 2 sub-class labels from INSEE's official list (`naf2008_liste_n5.xls`, 732 rows): a
title, a header row with « Code » and « Intitulés », then one row per sub-class such as
`01.11Z | Culture de céréales (à l'exception du riz), de légumineuses et de graines
oléagineuses`. The same layout is accepted as .xlsx or CSV (`;` or `,`, UTF-8 or Windows-1252)
so that a mirror may provide either; the kind of file is recognised from its first bytes, not
from its name. Codes are normalised to the SIRENE form (`activitePrincipaleEtablissement`):
`01.11Z`."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from sse_dash.catalog import Dataset
from sse_dash.sirene.mappings import naf_section

ROLE = "naf_rev2"
_CODE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
_ZIP = b"PK\x03\x04"  # .xlsx
_HEADER_SEARCH_ROWS = 50


class NafError(ValueError):
    """The NAF list cannot be used; the message is French and names the dataset."""


def normalise_code(value) -> str | None:
    """`01.11Z`, `0111Z`, ` 01.11 z ` -> `01.11Z`; None for anything that is not a sub-class."""
    text = re.sub(r"\s+", "", str(value if value is not None else "")).upper()
    m = _CODE.match(text)
    return f"{m[1]}.{m[2]}{m[3]}" if m else None


def _plain(value) -> str:
    text = unicodedata.normalize("NFKD", str(value)).strip().lower()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _header(rows: list[list[str]]) -> tuple[int, int, int] | None:
    """(row, code column, label column) of the header row, searched in the first rows."""
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        cells = [_plain(c) for c in row]
        code = next((j for j, c in enumerate(cells) if c == "code"), None)
        label = next((j for j, c in enumerate(cells) if c.startswith("intitule")), None)
        if code is not None and label is not None:
            return i, code, label
    return None


def _cells(row) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in row]


def _xls_rows(path: Path, sheet: str | None) -> list[list[str]]:
    """Excel 97-2003, with xlrd directly (pandas deprecates its xlrd engine)."""
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        ws = book.sheet_by_name(sheet) if sheet else book.sheet_by_index(0)
        return [_cells(ws.row_values(i)) for i in range(ws.nrows)]
    finally:
        book.release_resources()


def _xlsx_rows(path: Path, sheet: str | None) -> list[list[str]]:
    frame = pd.read_excel(path, header=None, dtype=object, engine="openpyxl", sheet_name=sheet or 0)
    return [_cells(row) for row in frame.itertuples(index=False)]


def _csv_rows(raw: bytes, ds: Dataset) -> list[list[str]]:
    text = None
    for encoding in dict.fromkeys([*filter(None, [ds.encoding]), "utf-8-sig", "cp1252"]):
        try:
            text = raw.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        text = raw.decode("latin-1")  # never fails; the header check decides
    first = None
    for sep in dict.fromkeys([*filter(None, [ds.separator]), ";", ",", "\t"]):
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        if _header(rows) is not None:
            return rows
        first = first if first is not None else rows
    return first or []


def read_labels(ds: Dataset, path: str | Path) -> dict[str, str]:
    """Sub-class code (`01.11Z`) -> French label, from a file in the official layout.
    Raises NafError (French, naming the dataset) when the file is unusable."""
    path = Path(path)
    where = f"Jeu « {ds.id} » ({ds.title})"
    try:
        raw = path.read_bytes()
        if raw.startswith(_OLE2):
            rows = _xls_rows(path, ds.layer)
        elif raw.startswith(_ZIP):
            rows = _xlsx_rows(path, ds.layer)
        else:
            rows = _csv_rows(raw, ds)
    except ImportError as exc:
        raise NafError(
            f"{where} : lecture de {path.name} impossible, module Python manquant ({exc.name}) : "
            "installer les dépendances (pip install -r requirements.txt)."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a French message
        raise NafError(f"{where} : fichier {path.name} illisible ({exc}).") from exc
    found = _header(rows)
    if found is None:
        raise NafError(
            f"{where} : ligne d'en-tête « Code » / « Intitulés » introuvable dans {path.name} "
            "(présentation attendue : celle de la liste officielle de l'INSEE "
            "naf2008_liste_n5.xls, en .xls, .xlsx ou CSV)."
        )
    start, code_col, label_col = found
    labels: dict[str, str] = {}
    for row in rows[start + 1 :]:
        if max(code_col, label_col) >= len(row):
            continue
        code = normalise_code(row[code_col])
        label = " ".join(str(row[label_col]).split())
        if code and label and naf_section(code):
            labels.setdefault(code, label)
    if not labels:
        raise NafError(
            f"{where} : aucune sous-classe NAF (code du type « 01.11Z ») sous l'en-tête de "
            f"{path.name}."
        )
    return labels
