"""The command line's path for the common big case: a UTF-8 CSV whose rows carry coordinates,
written back as CSV. Same answers and the same output file as the general path (reader →
pandas → engine.run_batch → to_csv_bytes; a test compares the bytes), but the rows never become
Python objects: Arrow reads the file (multithreaded), coordinates are parsed by Arrow kernels,
the QPV index comes memory-mapped from the warehouse build, and the output rows are joined by
Arrow and written as one buffer. pandas is not even imported.

`check_csv` returns None whenever the file is anything else (XLSX, another encoding, ragged
rows, addresses to geocode…): the caller then takes the general path, which also gives the
French messages for broken files."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from sse_dash.qpvcheck import Counted, InputError, reader
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck import precision as pr

# what Arrow parses exactly as pandas.to_numeric does, after `,` -> `.`
_SIMPLE = r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?$"


# Rows assigned and written per piece: the output is never held whole (bounded memory at a
# million rows), and each piece is large enough for the vectorised kernels.
CHUNK_ROWS = 65_536


class Batch:
    """What the general path's BatchResult holds, without pandas, produced piece by piece:
    `parts()` yields the CSV file (BOM and header, then CHUNK_ROWS rows at a time) and leaves
    the summary in `summary`; `columns` gives every output column at once (small files)."""

    def __init__(self, ref, table, names, lon, lat, status, notes, progress=None):
        self.ref, self.table, self.names, self.notes = ref, table, names, notes
        self.lon, self.lat, self.status = lon, lat, status
        self.located = np.isfinite(lon) & np.isfinite(lat)
        self.progress = progress
        self.summary: dict | None = None

    def _assign(self, start: int, stop: int) -> dict:
        """QPV results of rows start:stop (numpy and GEOS: runs beside the writing)."""
        lon, lat = self.lon[start:stop], self.lat[start:stop]
        return self.ref.assign_arrays(lon, lat, None, np.zeros(stop - start))

    def _results(self, start: int, stop: int, res: dict | None = None) -> tuple[list, dict]:
        """Output columns of rows start:stop (input columns, then the results), and the
        arrays the summary counts."""
        import pyarrow as pa

        n = stop - start
        lon, lat = self.lon[start:stop], self.lat[start:stop]
        if res is None:
            res = self._assign(start, stop)
        located = self.located[start:stop]
        results = {
            "statut": _text(self.status[start:stop]),
            "libelle_geocode": pa.nulls(n, pa.string()),
            "score": pa.nulls(n, pa.float64()),
            "type": pa.nulls(n, pa.string()),
            "lon": _number(np.round(lon, 6)),
            "lat": _number(np.round(lat, 6)),
            "code_commune": _text(res["code_commune"]),
            "en_qpv_2024": _text(res["en_qpv_2024"]),
            "code_qpv": _text(res["code_qpv"]),
            "nom_qpv": _text(res["nom_qpv"]),
            "distance_m": _number(res["distance_m"], integer=True),
            "qpv_le_plus_proche": _text(res["qpv_le_plus_proche"]),
            "a_moins_de_300m": _text(res["a_moins_de_300m"]),
            "qpv_2015": _text(res["qpv_2015"]),
            "precision_localisation": _text(np.where(located, pr.LABELS[pr.EXACT], None)),
            "rayon_precision_m": _number(res["rayon_precision_m"], integer=True),
        }
        from sse_dash.qpvcheck import engine

        columns = [c.slice(start, n).combine_chunks() for c in self.table.columns]
        columns += [results[c] for c in engine.RESULT_COLUMNS]
        kept = {k: res[k] for k in ("en_qpv_2024", "a_moins_de_300m", "code_qpv")}
        return columns, kept

    def parts(self, chunk_rows: int = CHUNK_ROWS):
        """The CSV file (sse_dash.export.tables.csv_chunks) in pieces; sets `summary`."""
        import pyarrow as pa

        from sse_dash.export.tables import csv_chunks

        n = self.table.num_rows
        yield from csv_chunks(self.names, [])
        kept: list[dict] = []
        pieces = [(start, min(start + chunk_rows, n)) for start in range(0, n, chunk_rows)]
        # the next piece is assigned in a second thread while this one is formatted and
        # written (numpy, GEOS and Arrow release the GIL): the two cores work together
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._assign, *pieces[0]) if pieces else None
            for i, (start, stop) in enumerate(pieces):
                if self.progress:
                    self.progress("Recherche des QPV", start, n)
                res = pending.result()
                if i + 1 < len(pieces):
                    pending = pool.submit(self._assign, *pieces[i + 1])
                columns, counts = self._results(start, stop, res)
                del res
                kept.append(counts)
                yield from csv_chunks(self.names, columns)[1:]
                del columns
                pa.default_memory_pool().release_unused()
        self._summarise(kept)
        if self.progress:
            self.progress("Terminé", n, n)

    @property
    def columns(self) -> list:
        """Every output column at once (the whole file in memory: for small files)."""
        columns, counts = self._results(0, self.table.num_rows)
        self._summarise([counts])
        return columns

    def _summarise(self, kept: list[dict]) -> None:
        res = {k: np.concatenate([c[k] for c in kept]) if kept else np.array([], dtype=object)
               for k in ("en_qpv_2024", "a_moins_de_300m", "code_qpv")}  # fmt: skip
        self.summary = summarise(self.ref, self.status, self.located, res)


def _text(values):
    """Few distinct values (codes, statuses): a dictionary column, formatted once per value
    when written (sse_dash.export.tables.csv_cells)."""
    import pyarrow as pa

    return pa.array(np.asarray(values, dtype=object), pa.string()).dictionary_encode()


def _strings(values) -> object:
    """An Arrow string array of a list of str (None -> empty), from buffers."""
    import pyarrow as pa

    words = [b"" if v is None else str(v).encode("utf-8") for v in values]
    offsets = np.zeros(len(words) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(w) for w in words], dtype=np.int64)
    return pa.Array.from_buffers(
        pa.string(), len(words), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(words))]
    )


def _number(values, integer=False):
    import pyarrow as pa

    values = np.ascontiguousarray(values, dtype="float64")
    finite = np.isfinite(values)
    validity = None if finite.all() else pa.py_buffer(np.packbits(finite, bitorder="little"))
    if integer:
        ints = np.where(finite, values, 0).astype(np.int64)
        return pa.Array.from_buffers(pa.int64(), len(values), [validity, pa.py_buffer(ints)])
    return pa.Array.from_buffers(pa.float64(), len(values), [validity, pa.py_buffer(values)])


def _numbers(values) -> np.ndarray:
    """parse_numbers for a short list of cells (the mapping proposal's 200 values)."""
    return _parse(_strings(values))[0]


# Arrow -> numpy from the buffers: `to_numpy(zero_copy_only=False)` would import pandas.
def _bits(buf, offset: int, n: int) -> np.ndarray:
    raw = np.frombuffer(buf, np.uint8)
    return np.unpackbits(raw, bitorder="little", count=offset + n)[offset:].astype(bool)


def _floats(arr) -> np.ndarray:
    """A float64 Arrow array as a new numpy array, nulls as NaN."""
    validity, data = arr.buffers()
    out = np.frombuffer(data, np.float64, len(arr), arr.offset * 8).copy()
    if arr.null_count:
        out[~_bits(validity, arr.offset, len(arr))] = np.nan
    return out


def _bools(arr) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls as False."""
    validity, data = arr.buffers()
    out = _bits(data, arr.offset, len(arr))
    if arr.null_count:
        out &= _bits(validity, arr.offset, len(arr))
    return out


def _parse(text) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, blank) for an Arrow string column, as mapping.parse_numbers and
    mapping._blank read it; the rare cells Arrow cannot settle go through those very
    functions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(text)
    simple = pc.match_substring_regex(trimmed, _SIMPLE)
    values = pc.cast(
        pc.if_else(
            simple, pc.replace_substring(trimmed, ",", "."), pa.nulls(len(text), pa.string())
        ),
        pa.float64(),
    )
    out = _floats(values)
    blank = _bools(pc.equal(trimmed, ""))
    odd = np.flatnonzero(~_bools(simple) & ~blank)
    if odd.size:  # spaces, thousands separators, words…: the general parser, on these only
        cells = [str(v).strip() for v in text.take(pa.array(odd)).to_pylist()]
        blank[odd] = np.array([c == "" for c in cells], dtype=bool)
        out[odd] = mp.parse_numbers(cells)
    return out, blank


def read(data: bytes, limits: reader.Limits):
    """(Arrow table of text columns, names, separator) or None when not a plain UTF-8 CSV."""
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
        reader._refuse_binary(data[: 64 * 1024])
    except InputError:
        return None
    sep = reader.detect_separator(head)
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
        raise reader._too_many_rows(limits)
    if table.num_rows * table.num_columns > limits.max_cells:
        raise reader._too_many_cells(limits)
    return table, reader.unique_names(header), sep


def mapping_for(table, names, explicit: mp.ColumnMapping | None) -> mp.ColumnMapping | None:
    """The coordinate mapping (explicit, else proposed as the general path does); None for
    address files."""
    if explicit is None:
        column = dict(zip(names, table.columns, strict=True))
        head = lambda c: column[c].slice(0, 200).to_pylist()  # noqa: E731
        explicit = mp.propose_columns(names, head, numbers=_numbers)
        if explicit is None:
            return None
    if explicit.mode not in ("lonlat", "xy"):
        return None
    mp.validate(explicit, names)
    return explicit


def run(ref, table, names, mapping: mp.ColumnMapping, progress=None) -> Batch:
    """engine.run_batch for coordinates, on Arrow columns: coordinates are read here, the
    QPV search and the output are done piece by piece by the returned Batch."""
    from sse_dash.qpvcheck import engine

    column = dict(zip(names, table.columns, strict=True))
    a_name, b_name = (
        (mapping.lon, mapping.lat) if mapping.mode == "lonlat" else (mapping.x, mapping.y)
    )
    n = table.num_rows
    if progress:
        progress("Lecture des coordonnées", 0, n)
    a, b = np.empty(n), np.empty(n)
    blank = np.empty(n, dtype=bool)
    for start in range(0, n, 4 * CHUNK_ROWS):  # a piece at a time: Arrow's temporaries stay small
        stop = min(start + 4 * CHUNK_ROWS, n)
        a[start:stop], blank_a = _parse(column[a_name].slice(start, stop - start).combine_chunks())
        b[start:stop], blank_b = _parse(column[b_name].slice(start, stop - start).combine_chunks())
        blank[start:stop] = blank_a | blank_b
    lon, lat, status = mp.locate(a, b, blank)
    del a, b, blank
    notes = []
    swapped = int((status == mp.SWAPPED).sum())
    if swapped:
        notes.append(
            Counted(
                "{n} ligne avait longitude et latitude inversées : corrigée.",
                "{n} lignes avaient longitude et latitude inversées : corrigées.",
                swapped,
            )
        )
    located = np.isfinite(lon) & np.isfinite(lat)
    if not located.any():
        notes.append("Aucune ligne n'a de coordonnées utilisables.")
    out_names = engine._result_names(names)
    all_names = list(names) + [out_names[c] for c in engine.RESULT_COLUMNS]
    return Batch(ref, table, all_names, lon, lat, status, notes, progress)


def summarise(ref, status, located, res) -> dict:
    """engine.summarise's figures, with numpy ("by_qpv" as (code, name, rows) tuples)."""
    member, near = res["en_qpv_2024"], res["a_moins_de_300m"]
    in_qpv = member == "oui"
    codes, counts = np.unique(res["code_qpv"][in_qpv].astype(str), return_counts=True)
    order = sorted(zip(codes, counts, strict=True), key=lambda t: (-t[1], t[0]))
    statuses, status_counts = np.unique(status.astype(str), return_counts=True)
    return {
        "rows": int(len(status)),
        "located": int(located.sum()),
        "geocoded": None,
        "in_qpv": int(in_qpv.sum()),
        "uncertain": int((member == "incertain").sum()),
        "near_300": int(((near == "oui") & ~in_qpv).sum()),
        "near_uncertain": int(((near == "incertain") & ~in_qpv).sum()),
        "by_qpv": [(c, ref.qpv_name(c), int(k)) for c, k in order],
        "by_status": list(zip(statuses, status_counts.tolist(), strict=True)),
    }


def check_csv(
    src: Path,
    data: bytes,
    explicit: mp.ColumnMapping | None,
    limits: reader.Limits,
    ref_path,
    progress=None,
):
    """The whole fast path up to the output columns: (describe line, mapping, Batch), or None
    when the file needs the general path. `ref_path`: the warehouse."""
    from sse_dash.qpvcheck import engine

    got = read(data, limits)
    if got is None:
        return None
    table, names, sep = got
    mapping = mapping_for(table, names, explicit)
    if mapping is None:
        return None
    sep_name = reader.SEPARATOR_NAMES.get(sep, repr(sep))
    encoding = "UTF-8 (BOM)" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    from sse_dash import fmt

    describe = (
        f"CSV {encoding}, séparateur {sep_name}, {fmt.number(table.num_rows)} lignes, "
        f"{table.num_columns} colonnes"
    )
    ref = engine.get_reference(ref_path)
    return describe, mapping, run(ref, table, names, mapping, progress)
