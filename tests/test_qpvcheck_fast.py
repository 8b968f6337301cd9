"""The command line's Arrow path (sse_dash.qpvcheck.fast) and the persisted QPV index: the same
bytes out as the general path, on a file full of awkward cells; the index read from its file
answers as the one built from the warehouse, and a stale file is ignored."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from fixtures.qpvcheck import warehouse as wh

from sse_dash import cli, config, qpv_index
from sse_dash.export.tables import csv_chunks, to_csv_bytes
from sse_dash.qpvcheck import engine, fast, reader
from sse_dash.qpvcheck import mapping as mp

ROWS = [
    ("A", f"{wh.IN_PARIS[0]}", f"{wh.IN_PARIS[1]}"),
    ('B; virgule, et "guillemets"', "2,3855", "48,8875"),  # decimal commas, near
    ("=cmd|' /C calc'!A0", f"{wh.IN_PARIS[1]}", f"{wh.IN_PARIS[0]}"),  # swapped
    ("-inf", "", ""),  # missing
    ("+33 1 23 45 67 89", "abc", "1"),  # unreadable
    ("ligne\nsur deux lignes", " 2,380 ", "48,880"),  # a contour vertex, spaces
    ("nbsp", "2\u00a0385", "48.883"),  # not a plain number
    ("inf", "inf", "48"),
    ("loin", "166.4572", "-22.2758"),  # Nouvelle-Calédonie
    ("Lambert", "652000", "6862000"),  # Lambert-93 in lon/lat columns
    ("Toulouse", f"{wh.IN_TOULOUSE_BOTH[0]}", f"{wh.IN_TOULOUSE_BOTH[1]}"),
    ("hors", "120", "80"),
]


def awkward_csv() -> bytes:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';"\n') else v

    lines = ["nom;;longitude;latitude;colonne_2;nom"]
    for name, lon, lat in ROWS:
        lines.append(";".join([cell(name), "x", cell(lon), cell(lat), "y", "z"]))
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = wh.build(tmp_path_factory.mktemp("fast") / "sse.duckdb")
    assert qpv_index.persist(path) == qpv_index.index_path(path)
    return path


def general(data: bytes, ref, explicit=None) -> bytes:
    table = reader.read_table(data, "in.csv", reader.CLI)
    mapping = explicit or mp.propose(table.df)
    return to_csv_bytes(engine.run_batch(ref, table.df, mapping).df)


def test_fast_path_writes_the_same_bytes(warehouse):
    data = awkward_csv()
    ref = engine.get_reference(warehouse)
    got = fast.check_csv(None, data, None, reader.CLI, warehouse)
    assert got is not None
    describe, mapping, batch = got
    assert (mapping.mode, mapping.lon, mapping.lat) == ("lonlat", "longitude", "latitude")
    assert describe == reader.read_table(data, "in.csv", reader.CLI).describe()
    fast_bytes = b"".join(bytes(c) for c in csv_chunks(batch.names, batch.columns))
    assert fast_bytes == general(data, ref)
    text = fast_bytes.decode("utf-8-sig")
    assert "incertain" not in text and ";oui;" in text and "coordonnées hors France" in text


def test_fast_path_with_explicit_lambert_columns(warehouse):
    data = b"id;X;Y\n1;652000;6862000\n2;652 345,2;6862000\n3;;\n"
    explicit = mp.ColumnMapping("xy", x="X", y="Y")
    ref = engine.get_reference(warehouse)
    _, _, batch = fast.check_csv(None, data, explicit, reader.CLI, warehouse)
    assert b"".join(bytes(c) for c in csv_chunks(batch.names, batch.columns)) == general(
        data, ref, explicit
    )


@pytest.mark.parametrize(
    "data",
    [
        b"nom;adresse\nA;1 rue B\n",  # addresses: geocoding
        "nom;lon;lat\nÉ;2,3;48,8\n".encode("cp1252"),  # not UTF-8
        b"nom;lon;lat\nA;2.3\n",  # short row
        b"PK\x03\x04",  # a workbook
    ],
)
def test_other_files_take_the_general_path(warehouse, data):
    assert fast.check_csv(None, data, None, reader.CLI, warehouse) is None


def test_cli_uses_the_fast_path_for_a_plain_csv(warehouse, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(warehouse.parent))
    src = tmp_path / "in.csv"
    src.write_bytes(awkward_csv())
    expected = general(awkward_csv(), engine.get_reference(warehouse))

    def no_general(*_a, **_k):
        raise AssertionError("general path used")

    monkeypatch.setattr(reader, "read_table", no_general)
    out = tmp_path / "out.csv"
    assert cli.main(["qpv", "check", str(src), "--out", str(out)]) == 0
    assert "En QPV 2024 : 4" in capsys.readouterr().out
    assert out.read_bytes() == expected


def test_fast_path_does_not_import_pandas(warehouse, tmp_path):
    """pandas costs a fifth of a 100,000-row check's start-up: a CSV of plain coordinates
    (negative longitudes, names to quote or neutralise) must not load it, not even through
    pyarrow's conversions of Python values (sse_dash.export.tables). Only unusual number
    cells (thousands separators, words) go through the general parser, which uses pandas."""
    import subprocess
    import sys

    rows = ["nom;longitude;latitude", '"a; b";2.3522;48.8566', "=1+1;-1.5536;47.2184"]
    rows += ['"dit ""x""";-0.5792;44.8378', "-;;", f"Paris;{wh.IN_PARIS[0]};{wh.IN_PARIS[1]}"]
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8")
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(data)
    code = (
        "import sys\nfrom sse_dash import cli\n"
        f"assert cli.main(['qpv', 'check', {str(src)!r}, '--out', {str(out)!r}]) == 0\n"
        "print('pandas' in sys.modules)"
    )
    env = dict(os.environ, SSE_DASH_DATA_DIR=str(warehouse.parent))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "False"
    assert out.read_bytes() == general(data, engine.get_reference(warehouse))


def test_the_command_leaves_at_once_with_everything_written(warehouse, tmp_path):
    """`python -m sse_dash qpv check` skips the interpreter's teardown after the fast path:
    its report (stdout is a pipe, so buffered) and its file are whole, its exit code 0; a
    file for the general path (XLSX out) ends the usual way, with the same report."""
    import subprocess
    import sys

    rows = ["nom;longitude;latitude", f"Paris;{wh.IN_PARIS[0]};{wh.IN_PARIS[1]}"]
    rows += [f"Lyon {i};4.85;45.75" for i in range(3000)]
    src = tmp_path / "in.csv"
    src.write_bytes(("\n".join(rows) + "\n").encode())
    env = dict(os.environ, SSE_DASH_DATA_DIR=str(warehouse.parent))
    env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as to a pipe it is
    for name in ("out.csv", "out.xlsx"):
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "sse_dash", "qpv", "check", str(src), "--out", str(out)],
            env=env, capture_output=True, text=True, cwd=config.REPO_ROOT,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        lines = done.stdout.splitlines()
        assert "Lignes : 3\u202f001" in lines and lines[-1] == f"Résultat écrit dans {out}"
        assert out.stat().st_size > 3000 * 40
    data = (tmp_path / "out.csv").read_bytes()
    assert data == general(src.read_bytes(), engine.get_reference(warehouse))


def test_persisted_index_answers_like_the_warehouse(warehouse):
    from sse_dash import db

    arrays, meta = qpv_index.load_persisted(warehouse)
    # the parts a run would otherwise make are persisted: the 2024 distances' raster and
    # contour segments, the commune raster's table of first runs
    assert arrays["q24.z0.far_cells"].max() >= 0
    assert arrays["q24.z0.directions"].shape == (len(arrays["q24.z0.dense"]), 6)
    assert arrays["raster.z0.first_runs"].size > 0
    persisted = engine.Reference.from_bundle(arrays, meta)
    con = db.open_warehouse(warehouse)
    try:
        built = engine.Reference(con)
    finally:
        con.close()
    rng = np.random.default_rng(7)
    lon = np.concatenate([rng.uniform(2.2, 2.5, 3000), rng.uniform(1.35, 1.52, 1000)])
    lat = np.concatenate([rng.uniform(48.8, 48.95, 3000), rng.uniform(43.55, 43.7, 1000)])
    a, b = persisted.assign_arrays(lon, lat), built.assign_arrays(lon, lat)
    for key in a:
        assert list(a[key]) == list(b[key]) or np.allclose(
            a[key].astype(float), b[key].astype(float), equal_nan=True
        ), key
    assert persisted.commune_name("75112") == built.commune_name("75112") == "Paris"


def test_a_stale_index_is_ignored(warehouse, tmp_path):
    import shutil

    copy = tmp_path / "sse.duckdb"
    shutil.copy(warehouse, copy)
    shutil.copy(qpv_index.index_path(warehouse), qpv_index.index_path(copy))
    assert qpv_index.load_persisted(copy) is None  # another file (mtime differs)
    qpv_index.persist(copy)
    assert qpv_index.load_persisted(copy) is not None
    os.utime(copy, ns=(0, 0))
    assert qpv_index.load_persisted(copy) is None
    assert engine.get_reference(copy).idx24.codes.tolist()  # rebuilt from the warehouse


def test_fast_path_in_pieces_writes_the_same_bytes(warehouse):
    """The command line writes the file piece by piece (two pieces assigned and formatted at
    once, in two threads): any piece size gives the bytes and the summary of the whole."""
    data = awkward_csv()
    ref = engine.get_reference(warehouse)
    _, _, whole = fast.check_csv(None, data, None, reader.CLI, warehouse)
    expected = b"".join(bytes(c) for c in csv_chunks(whole.names, whole.columns))
    assert expected == general(data, ref)
    for rows in (1, 5, len(ROWS)):
        _, _, batch = fast.check_csv(None, data, None, reader.CLI, warehouse)
        assert batch.summary is None
        assert b"".join(bytes(c) for c in batch.parts(chunk_rows=rows)) == expected, rows
        assert batch.summary == whole.summary


def test_the_reference_is_warmed_while_the_file_is_read(tmp_path):
    """The parts of the indexes made on first use (the KD-trees among them) are made in a
    thread started before the file is read; the pieces wait for it."""
    import threading

    path = wh.build(tmp_path / "sse.duckdb")
    qpv_index.persist(path)
    batch = fast.check_csv(None, awkward_csv(), None, reader.CLI, path)[2]
    assert isinstance(batch.warming, threading.Thread)
    batch.warming.join()
    metro = engine.get_reference(path).idx24._zones[0]
    assert metro._coarse is not None and metro._grid is not None
    data = b"".join(bytes(p) for p in batch.parts())
    assert data == general(awkward_csv(), engine.get_reference(path))


PLAIN = ["2.35", "2,35", "", "+1", "-0.5", ".5", "5.", "1e3", "1E-3", "1,5e2", "007", "+.5",
         "-.5e+2", "48.8566", "-61.55", "0", ""]  # fmt: skip
ODD = ["1.2.3", "-", "e5", "1e", "+", ".", "1,234.5", ",5", "--1"]


@pytest.mark.parametrize("cells", [PLAIN, PLAIN + ODD, ODD])
def test_plain_number_columns_read_as_the_general_reader_does(cells):
    """Columns of plain numbers take one Arrow cast (no regex); the values, NaN and blanks
    are those of mapping.parse_numbers, also on a slice of a column; any odd cell sends the
    column to the general reading."""
    import pyarrow as pa

    arr = pa.array(["pad", *cells, "pad"]).slice(1, len(cells))
    numbers, blank = fast._parse(arr)
    expected = mp.parse_numbers(cells)
    np.testing.assert_array_equal(numbers, expected)
    assert blank.tolist() == [c == "" for c in cells]
    assert (fast._parse_plain(arr) is not None) == (cells is PLAIN)


_HEAP = """
import ctypes, sys
import numpy as np
from sse_dash.qpvcheck import fast

class Info(ctypes.Structure):  # glibc's struct mallinfo2
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

mallinfo2 = ctypes.CDLL(None).mallinfo2
mallinfo2.restype = Info
if sys.argv[1] == "keep":
    fast.keep_freed_memory()
a = np.ones(8 << 20)  # 64 MB: above glibc's largest dynamic threshold for mapping blocks apart
mapped = mallinfo2().hblkhd
del a
print(mapped >> 20, mallinfo2().fordblks >> 20)
"""


@pytest.mark.skipif(not hasattr(__import__("ctypes").CDLL(None), "mallinfo2"), reason="glibc")
def test_the_command_keeps_the_memory_it_frees():
    """The pieces' freed temporaries stay in the process, ready for the next piece, instead of
    being mapped apart and handed back to the kernel (to be page-faulted in again)."""
    import subprocess
    import sys

    def heap(mode: str) -> tuple[int, int]:
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1]))
        command = [sys.executable, "-c", _HEAP, mode]
        out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        mapped, free = map(int, out.stdout.split())
        return mapped, free

    mapped, free = heap("default")
    assert mapped >= 64 and free < 64  # glibc's default: mapped apart, given back when freed
    mapped, free = heap("keep")
    assert mapped < 64 and free >= 64  # kept: in the heap, still there once freed


_THREADS = """
import os, sys
import numpy as np
from sse_dash.qpvcheck import fast
if sys.argv[1] == "one":
    fast.one_thread_per_query()
from pykdtree.kdtree import KDTree
KDTree(np.random.rand(5000, 2)).query(np.random.rand(50000, 2))
status = open("/proc/self/status").read()
print(os.environ.get("OMP_NUM_THREADS"), status.split("Threads:")[1].split()[0])
"""


def test_kd_tree_queries_take_no_thread_of_their_own():
    """The command's two piece threads are its parallelism: pykdtree's OpenMP threads would
    spin on the other piece's core. A user's own OMP_NUM_THREADS is kept."""
    import subprocess
    import sys

    def run(mode: str, **env) -> tuple[str, int]:
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1]), **env)
        env.setdefault("OMP_NUM_THREADS", "")
        if not env["OMP_NUM_THREADS"]:
            del env["OMP_NUM_THREADS"]
        out = subprocess.run([sys.executable, "-c", _THREADS, mode], capture_output=True,
                             text=True, check=True, env=env)  # fmt: skip
        value, threads = out.stdout.split()
        return value, int(threads)

    value, one = run("one")
    assert value == "1"
    _, default = run("default", OMP_NUM_THREADS="2")
    assert one < default  # no OpenMP worker beside the query's own thread
    assert run("one", OMP_NUM_THREADS="2")[0] == "2"


def test_many_points_are_assigned_in_spatial_order_and_answered_in_theirs(warehouse, monkeypatch):
    """assign_coded takes many points in spatial order (faster); every result column comes
    back in the given order, the same as point by point in that order, radius and commune
    codes given included."""
    ref = engine.get_reference(warehouse)
    rng = np.random.default_rng(11)
    n = 3000
    lon = np.concatenate([rng.uniform(2.2, 2.5, n), rng.uniform(1.35, 1.52, n), [np.nan, 120]])
    lat = np.concatenate([rng.uniform(48.8, 48.95, n), rng.uniform(43.55, 43.7, n), [48.9, 80]])
    radius = rng.choice([0.0, 30.0, 400.0, np.nan], size=lon.size)
    citycode = rng.choice(np.array(["", "75112", "93066", None], dtype=object), size=lon.size)
    assert lon.size >= engine.SPATIAL_ORDER_FROM
    ordered = ref.assign_arrays(lon, lat, citycode, radius)
    monkeypatch.setattr(engine, "SPATIAL_ORDER_FROM", 10**9)
    given = ref.assign_arrays(lon, lat, citycode, radius)
    assert ordered.keys() == given.keys()
    for key in given:
        a, b = ordered[key], given[key]
        if a.dtype == object:
            assert list(a) == list(b), key
        else:
            assert np.array_equal(a, b, equal_nan=True), key
    assert len({str(v) for v in given["code_qpv"]}) > 3  # the points meet several QPV
