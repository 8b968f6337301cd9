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

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from sse_dash.qpvcheck import Counted, InputError, reader
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck import precision as pr

# what Arrow parses exactly as pandas.to_numeric does, after `,` -> `.`
_SIMPLE = r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?$"


# Rows assigned and written per piece: the output is never held whole (bounded memory at a
# million rows), and each piece is large enough for the vectorised kernels and for the two
# threads to hand each other the GIL seldom (65,536 rows: 7 % faster than 32,768 at a million
# rows, for 45 MB more; 131,072 was slower).
CHUNK_ROWS = 65_536


FIRST_PIECE_ROWS = 8_192
PARSE_ROWS = 131_072  # rows whose coordinates are parsed at once
# Arrow's freed memory goes back to the system every RELEASE_EVERY pieces written: bounded
# memory, without the page faults of taking it back at every piece.
RELEASE_EVERY = 8


def _pieces(n: int, chunk_rows: int) -> list[tuple[int, int]]:
    """(start, stop) of each piece: a small first one (the first progress comes early), then
    pieces of equal size, at least eight of them so that both threads stay busy to the end,
    at most chunk_rows rows each."""
    first = min(FIRST_PIECE_ROWS, chunk_rows, n)
    size = min(chunk_rows, max(FIRST_PIECE_ROWS, -(-(n - first) // 8)))
    return [(0, first)] * (n > 0) + [
        (start, min(start + size, n)) for start in range(first, n, size)
    ]


class Batch:
    """What the general path's BatchResult holds, without pandas, produced piece by piece:
    `parts()` yields the CSV file (BOM and header, then CHUNK_ROWS rows at a time) and leaves
    the summary in `summary`; `columns` gives every output column at once (small files)."""

    def __init__(self, ref, table, names, lon, lat, status, notes, progress=None):
        """`status`: mapping.locate_codes', as an engine.Coded."""
        self.ref, self.table, self.names, self.notes = ref, table, names, notes
        self.lon, self.lat, self.status = lon, lat, status
        self._labels: dict = {}  # id(labels) -> (labels, Arrow array): see _dictionary
        self.located = np.isfinite(lon) & np.isfinite(lat)
        self.progress = progress
        self.summary: dict | None = None
        self.warming: threading.Thread | None = None  # Reference.warm, started by check_csv

    def _warmed(self) -> None:
        """The reference's lazily made parts exist before two threads use them."""
        if self.warming is not None:
            self.warming.join()
        else:
            self.ref.warm()

    def _assign(self, start: int, stop: int) -> dict:
        """QPV results of rows start:stop (numpy and GEOS: runs beside the writing)."""
        lon, lat = self.lon[start:stop], self.lat[start:stop]
        return self.ref.assign_coded(lon, lat, None, np.zeros(stop - start))

    def _dictionary(self, coded):
        """A Coded column as an Arrow dictionary column: its labels made into an Arrow array
        once per run (they are the reference's), the codes used as the indices."""
        import pyarrow as pa

        from sse_dash.export.tables import string_array

        made = self._labels.get(id(coded.labels))
        if made is None or made[0] is not coded.labels:
            made = self._labels[id(coded.labels)] = (coded.labels, string_array(coded.labels))
        codes = coded.codes
        valid = codes >= 0
        indices = np.where(valid, codes, 0).astype(np.int32)
        validity = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
        return pa.DictionaryArray.from_arrays(
            pa.Array.from_buffers(pa.int32(), len(codes), [validity, pa.py_buffer(indices)]),
            made[1],
        )

    def _results(self, start: int, stop: int, res: dict | None = None) -> tuple[list, dict]:
        """Output columns of rows start:stop (input columns, then the results), and the
        arrays the summary counts."""
        import pyarrow as pa

        n = stop - start
        lon, lat = self.lon[start:stop], self.lat[start:stop]
        if res is None:
            res = self._assign(start, stop)
        from sse_dash.qpvcheck import engine

        located = self.located[start:stop]
        results = {
            "statut": engine.Coded(self.status.codes[start:stop], self.status.labels),
            "libelle_geocode": pa.nulls(n, pa.string()),
            "score": pa.nulls(n, pa.float64()),
            "type": pa.nulls(n, pa.string()),
            "lon": _number(np.round(lon, 6)),
            "lat": _number(np.round(lat, 6)),
            "distance_m": _number(res["distance_m"], integer=True),
            "precision_localisation": engine.Coded(np.where(located, 0, -1), _PRECISION),
            "rayon_precision_m": _number(res["rayon_precision_m"], integer=True),
        }
        columns = [c.slice(start, n) for c in self.table.columns]  # chunked: no copy
        for name in engine.RESULT_COLUMNS:
            value = results[name] if name in results else res[name]
            columns.append(self._dictionary(value) if isinstance(value, engine.Coded) else value)
        kept = {k: res[k].codes for k in ("en_qpv_2024", "a_moins_de_300m", "code_qpv")}
        return columns, kept

    def _piece(self, start: int, stop: int) -> tuple[list, dict]:
        """The CSV bytes of rows start:stop and the arrays the summary counts."""
        from sse_dash.export.tables import csv_chunks

        columns, counts = self._results(start, stop)
        chunks = csv_chunks(self.names, columns)[1:]
        del columns
        return chunks, counts

    def parts(self, chunk_rows: int = CHUNK_ROWS):
        """The CSV file (sse_dash.export.tables.csv_chunks) in pieces; sets `summary`."""
        import pyarrow as pa

        from sse_dash.export.tables import csv_chunks

        n = self.table.num_rows
        yield from csv_chunks(self.names, [])
        kept: list[dict] = []
        pieces = _pieces(n, chunk_rows)
        # Two pieces are assigned and formatted at once, in two threads (numpy, GEOS, Arrow and
        # the KD-tree release the GIL: both cores work), and written in order. The indexes' parts
        # built on first use are made first (Reference.warm, started by check_csv).
        queue: deque = deque()
        todo = iter(pieces)
        self._warmed()
        with ThreadPoolExecutor(max_workers=2) as pool:

            def submit() -> None:
                piece = next(todo, None)
                if piece is not None:
                    queue.append((piece[0], pool.submit(self._piece, *piece)))

            for _ in range(3):
                submit()
            while queue:
                start, future = queue.popleft()
                if self.progress:
                    self.progress("Recherche des QPV", start, n)
                chunks, counts = future.result()
                submit()
                kept.append(counts)
                yield from chunks
                del chunks
                if len(kept) % RELEASE_EVERY == 0:
                    pa.default_memory_pool().release_unused()
        self._summarise(kept)
        if self.progress:
            self.progress("Terminé", n, n)

    @property
    def columns(self) -> list:
        """Every output column at once (the whole file in memory: for small files)."""
        self._warmed()
        columns, counts = self._results(0, self.table.num_rows)
        self._summarise([counts])
        return columns

    def _summarise(self, kept: list[dict]) -> None:
        res = {k: np.concatenate([c[k] for c in kept]) if kept else np.array([], dtype=np.int64)
               for k in ("en_qpv_2024", "a_moins_de_300m", "code_qpv")}  # fmt: skip
        self.summary = summarise(self.ref, self.status, self.located, res)


_PRECISION = np.array([pr.LABELS[pr.EXACT]], dtype=object)


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
    from sse_dash.export.tables import string_array

    return _parse(string_array(["" if v is None else v for v in values]))[0]


def _floats(arr) -> np.ndarray:
    """A float64 Arrow array as a new numpy array, nulls as NaN."""
    import pyarrow.compute as pc

    from sse_dash.export.tables import to_bools

    out = np.frombuffer(arr.buffers()[1], np.float64, len(arr), arr.offset * 8).copy()
    if arr.null_count:
        out[~to_bools(pc.is_valid(arr))] = np.nan
    return out


_PLAIN_BYTES = np.zeros(256, dtype=bool)
_PLAIN_BYTES[np.frombuffer(b"0123456789.,+-eE", np.uint8)] = True


def _parse_plain(text):
    """_parse for the usual column: nothing but digits, signs, `.`/`,` and exponents, each
    filled cell a number Arrow parses (one cast, no regex); None for anything else."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from sse_dash.export.tables import string_layout

    if text.null_count:
        return None
    offsets, data = string_layout(text)
    body = data[offsets[0] : offsets[-1]]
    if not _PLAIN_BYTES[body].all():
        return None
    blank = offsets[1:] == offsets[:-1]
    # blank cells are nulls for the cast (NaN): a validity bitmap on the same buffers
    valid = np.concatenate([np.ones(text.offset, dtype=bool), ~blank])
    bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
    cells = pa.Array.from_buffers(
        pa.string(), len(text), [bits, *text.buffers()[1:]], offset=text.offset
    )
    if (body == ord(",")).any():
        cells = pc.replace_substring(cells, ",", ".")
    try:
        values = pc.cast(cells, pa.float64())
    except pa.ArrowInvalid:  # "1.2.3", "-", "e5"…: the general reading settles them
        return None
    return _floats(values), blank


def _parse(text) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, blank) for an Arrow string column, as mapping.parse_numbers and
    mapping._blank read it; the rare cells Arrow cannot settle go through those very
    functions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from sse_dash.export.tables import index_array, to_bools

    plain = _parse_plain(text)
    if plain is not None:
        return plain

    trimmed = pc.utf8_trim_whitespace(text)
    simple = pc.match_substring_regex(trimmed, _SIMPLE)
    values = pc.cast(
        pc.if_else(
            simple, pc.replace_substring(trimmed, ",", "."), pa.nulls(len(text), pa.string())
        ),
        pa.float64(),
    )
    out = _floats(values)
    length = pc.utf8_length(trimmed)  # (a comparison with "" would import pandas: tables.text)
    blank = np.frombuffer(length.buffers()[1], np.int32, len(length), length.offset) == 0
    odd = np.flatnonzero(~to_bools(simple) & ~blank)
    if odd.size:  # spaces, thousands separators, words…: the general parser, on these only
        cells = [str(v).strip() for v in text.take(index_array(odd)).to_pylist()]
        blank[odd] = np.array([c == "" for c in cells], dtype=bool)
        out[odd] = mp.parse_numbers(cells)
    return out, blank


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
    return batch_of(ref, table, names, locate(table, names, mapping, progress), progress)


def locate(table, names, mapping: mp.ColumnMapping, progress=None) -> tuple:
    """(lon, lat, status codes, notes) of the rows: the coordinates parsed and checked
    (numpy and Arrow only: runs while the QPV index is loaded)."""
    column = dict(zip(names, table.columns, strict=True))
    a_name, b_name = (
        (mapping.lon, mapping.lat) if mapping.mode == "lonlat" else (mapping.x, mapping.y)
    )
    n = table.num_rows
    if progress:
        progress("Lecture des coordonnées", 0, n)
    a, b = np.empty(n), np.empty(n)
    blank = np.empty(n, dtype=bool)

    def parse(start: int) -> None:
        stop = min(start + PARSE_ROWS, n)
        a[start:stop], blank_a = _parse(column[a_name].slice(start, stop - start).combine_chunks())
        b[start:stop], blank_b = _parse(column[b_name].slice(start, stop - start).combine_chunks())
        blank[start:stop] = blank_a | blank_b

    # a piece at a time (Arrow's temporaries stay small), two at once (Arrow and numpy
    # release the GIL: both cores parse)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(parse, range(0, n, PARSE_ROWS)))
    lon, lat, status = mp.locate_codes(a, b, blank)
    notes = []
    swapped = int((status == 1).sum())  # mp.STATUSES[1] is mp.SWAPPED
    if swapped:
        notes.append(
            Counted(
                "{n} ligne avait longitude et latitude inversées : corrigée.",
                "{n} lignes avaient longitude et latitude inversées : corrigées.",
                swapped,
            )
        )
    if not (np.isfinite(lon) & np.isfinite(lat)).any():
        notes.append("Aucune ligne n'a de coordonnées utilisables.")
    return lon, lat, status, notes


def batch_of(ref, table, names, located: tuple, progress=None) -> Batch:
    """The Batch of rows whose coordinates `locate` gave."""
    from sse_dash.qpvcheck import engine

    lon, lat, status, notes = located
    out_names = engine._result_names(names)
    all_names = list(names) + [out_names[c] for c in engine.RESULT_COLUMNS]
    coded = engine.Coded(status.astype(np.int64), mp.STATUSES)
    return Batch(ref, table, all_names, lon, lat, coded, notes, progress)


def summarise(ref, status, located, res) -> dict:
    """engine.summarise's figures, with numpy ("by_qpv" as (code, name, rows) tuples), from
    the codes: `status` a Coded, `res` the codes of en_qpv_2024, a_moins_de_300m, code_qpv."""
    member, near, qpv = res["en_qpv_2024"], res["a_moins_de_300m"], res["code_qpv"]
    in_qpv = member == 0  # ANSWERS: 0 oui, 1 non, 2 incertain
    codes = ref.idx24.codes
    counts = np.bincount(qpv[in_qpv & (qpv >= 0)], minlength=len(codes))
    order = sorted(((str(codes[i]), int(counts[i])) for i in np.flatnonzero(counts)),
                   key=lambda t: (-t[1], t[0]))  # fmt: skip
    known = status.codes >= 0
    per_status = np.bincount(status.codes[known], minlength=len(status.labels))
    return {
        "rows": int(len(status.codes)),
        "located": int(located.sum()),
        "geocoded": None,
        "in_qpv": int(in_qpv.sum()),
        "uncertain": int((member == 2).sum()),
        "near_300": int(((near == 0) & ~in_qpv).sum()),
        "near_uncertain": int(((near == 2) & ~in_qpv).sum()),
        "by_qpv": [(c, ref.qpv_name(c), k) for c, k in order],
        "by_status": sorted((str(status.labels[i]), int(k)) for i, k in enumerate(per_status) if k),
    }


def check_csv(
    src: Path,
    data: bytes | None,
    explicit: mp.ColumnMapping | None,
    limits: reader.Limits,
    ref_path,
    progress=None,
    pending=None,
):
    """The whole fast path up to the output columns: (describe line, mapping, Batch), or None
    when the file needs the general path. `ref_path`: the warehouse; `pending`: the reading
    of the file already under way (read_started, given the same `explicit`), else `data` is
    read here."""
    from sse_dash.qpvcheck import engine

    warming = _warm(ref_path)
    got = pending() if pending is not None else read(data, explicit, limits, progress)
    if got is None:
        return None
    table, names, sep, mapping, located, bom = got
    sep_name = reader.SEPARATOR_NAMES.get(sep, repr(sep))
    encoding = "UTF-8 (BOM)" if bom else "UTF-8"
    from sse_dash import fmt

    describe = (
        f"CSV {encoding}, séparateur {sep_name}, {fmt.number(table.num_rows)} lignes, "
        f"{table.num_columns} colonnes"
    )
    ref = engine.get_reference(ref_path)
    batch = batch_of(ref, table, names, located, progress)
    batch.warming = warming
    return describe, mapping, batch


def read(data: bytes, explicit: mp.ColumnMapping | None, limits: reader.Limits, progress=None):
    """The file read (reader.read_arrow), its coordinate columns chosen (mapping_for) and
    parsed (locate): (table, names, separator, mapping, located, has a BOM), or None when the
    file needs the general path."""
    got = reader.read_arrow(data, limits)
    if got is None:
        return None
    table, names, sep = got
    mapping = mapping_for(table, names, explicit)
    if mapping is None:
        return None
    located = locate(table, names, mapping, progress)
    return table, names, sep, mapping, located, data.startswith(b"\xef\xbb\xbf")


def read_started(src: Path, explicit, limits: reader.Limits, progress=None):
    """`read` of the file `src` in a thread, started now: the file is read and parsed while
    the QPV index's libraries (pyproj, shapely) are imported and the index loaded. `explicit`:
    a function giving the mapping asked for (raising the user's error in the reading's place).
    Returns the function that waits for the answer and gives it (or raises)."""
    got: dict = {}

    def work() -> None:
        try:
            # the file's bytes live only during the reading: the Arrow table holds the rows
            got["value"] = read(src.read_bytes(), explicit(), limits, progress)
        except BaseException as exc:  # noqa: BLE001 - raised again by the caller's thread
            got["error"] = exc

    thread = threading.Thread(target=work, name="csv-read", daemon=True)
    thread.start()

    def result():
        thread.join()
        if "error" in got:
            raise got["error"]
        return got["value"]

    return result


def keep_freed_memory() -> None:
    """Let the process keep the memory it frees, for a command that runs once and exits. The
    pieces' numpy temporaries (a few MB each) are otherwise handed back to the kernel when freed
    (glibc maps blocks above a threshold apart and trims the heap's top), then page-faulted
    anew by the next piece, in system time. glibc's mallopt (M_MMAP_THRESHOLD,
    M_TRIM_THRESHOLD, M_TOP_PAD); nothing elsewhere."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS…)
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    for param, value in ((-3, 256 << 20), (-1, 1 << 30), (-2, 64 << 20)):
        mallopt(param, value)


def one_thread_per_query() -> None:
    """The pieces are already assigned in two threads: the KD-tree queries (pykdtree) run each
    in its own thread rather than start OpenMP threads of their own, whose spinning at the end
    of each query takes the other piece's core. Read by OpenMP when pykdtree is first loaded,
    hence before; a value set by the user is kept."""
    import os
    import sys

    if "pykdtree.kdtree" not in sys.modules:
        os.environ.setdefault("OMP_NUM_THREADS", "1")


def _warm(ref_path) -> threading.Thread | None:
    """Warm the warehouse's reference (Reference.warm) in a thread while the file is read and
    its coordinates parsed. A missing warehouse is left for the caller to report in order."""
    from sse_dash.qpvcheck import engine

    try:
        ref = engine.get_reference(ref_path)
    except InputError:
        return None

    def warm() -> None:
        try:
            ref.warm()
        except Exception:  # noqa: BLE001, S110 - the check itself will meet and report it
            pass

    thread = threading.Thread(target=warm, name="qpv-warm", daemon=True)
    thread.start()
    return thread
