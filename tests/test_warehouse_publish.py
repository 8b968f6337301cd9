"""Publishing a warehouse as a new version behind the `sse.duckdb` link, and the app's reader
that follows it: connections open on the previous version keep working while a refresh lands."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import duckdb
import pytest

from sse_dash import config, db
from sse_dash.warehouse import publish as pub


def make_db(path: Path, value: int, rows: int = 1000) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT ? AS v, range AS i FROM range(?)", [value, rows])
    con.close()
    return path


def read_v(path_or_con) -> int:
    if isinstance(path_or_con, Path | str):
        con = db.connect(path_or_con, read_only=True, spatial=False)
        try:
            return con.execute("SELECT max(v) FROM t").fetchone()[0]
        finally:
            con.close()
    cur = path_or_con.cursor()
    try:
        return cur.execute("SELECT max(v) FROM t").fetchone()[0]
    finally:
        cur.close()


def stage(data_dir: Path, value: int) -> Path:
    return make_db(data_dir / (config.WAREHOUSE_NAME + ".tmp"), value)


def test_publish_points_sse_duckdb_at_a_new_version(tmp_path):
    version = pub.publish(stage(tmp_path, 1), tmp_path)
    pointer = tmp_path / config.WAREHOUSE_NAME
    assert pointer.is_symlink() and pub.VERSION_RE.match(version.name)
    assert os.readlink(pointer) == version.name  # relative: the volume can be mounted anywhere
    assert read_v(pointer) == 1
    assert config.published_warehouse(pointer) == version.resolve()
    assert not (tmp_path / (config.WAREHOUSE_NAME + ".tmp")).exists()
    assert pub.current_version(tmp_path) == version.name


def test_open_reader_keeps_its_version_through_two_refreshes(tmp_path):
    pointer = tmp_path / config.WAREHOUSE_NAME
    first = pub.publish(stage(tmp_path, 1), tmp_path)
    reader = db.connect(config.published_warehouse(pointer), read_only=True, spatial=False)
    second = pub.publish(stage(tmp_path, 2), tmp_path)
    assert read_v(pointer) == 2 and read_v(reader) == 1
    third = pub.publish(stage(tmp_path, 3), tmp_path)
    # the oldest version is removed at the third publish: the open reader still reads it
    assert not first.exists()
    assert read_v(reader) == 1 and read_v(pointer) == 3
    reader.close()
    assert pub.versions(tmp_path) == sorted([second, third])


def test_cleanup_keeps_current_and_previous_and_touches_nothing_else(tmp_path):
    (tmp_path / "downloads").mkdir()
    keep_files = ["notes.duckdb", "other.duckdb.wal", ".build.lock", "sse.2026.duckdb"]
    for name in keep_files:
        (tmp_path / name).write_bytes(b"x")
    stray = tmp_path / ".sse.20260101T000000000000Z.0123abcd.duckdb.link"
    stray.symlink_to("nowhere")
    names = [pub.publish(stage(tmp_path, i), tmp_path).name for i in range(4)]
    assert sorted(p.name for p in pub.versions(tmp_path)) == sorted(names[-2:])
    assert not stray.is_symlink()
    for name in keep_files:
        assert (tmp_path / name).exists(), name
    assert (tmp_path / "downloads").is_dir()


def test_plain_sse_duckdb_of_an_older_install_is_replaced_by_the_link(tmp_path):
    pointer = make_db(tmp_path / config.WAREHOUSE_NAME, 1)
    reader = db.connect(pointer, read_only=True, spatial=False)
    version = pub.publish(stage(tmp_path, 2), tmp_path)
    assert pointer.is_symlink() and read_v(pointer) == 2
    assert read_v(reader) == 1  # still reading the unlinked plain file
    reader.close()
    assert [p.name for p in pub.versions(tmp_path)] == [version.name]


def test_file_system_without_symbolic_links_gets_the_file_itself(tmp_path, monkeypatch):
    def no_symlinks(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(pub.os, "symlink", no_symlinks)
    assert pub.publish(stage(tmp_path, 1), tmp_path) == tmp_path / config.WAREHOUSE_NAME
    pointer = tmp_path / config.WAREHOUSE_NAME
    assert not pointer.is_symlink() and read_v(pointer) == 1
    assert pub.versions(tmp_path) == []


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_reader_follows_the_link_and_retires_the_previous_connection(tmp_path):
    pointer = tmp_path / config.WAREHOUSE_NAME
    with pytest.raises(db.WarehouseMissing):
        db.PublishedWarehouse(lambda: pointer).key()
    pub.publish(stage(tmp_path, 1), tmp_path)
    clock = Clock()
    wh = db.PublishedWarehouse(lambda: pointer, retire_after=300, clock=clock)
    old_key = wh.key()
    old = wh.connection()
    assert wh.connection() is old and read_v(old) == 1
    pub.publish(stage(tmp_path, 2), tmp_path)
    new = wh.connection()
    assert new is not old and read_v(new) == 2
    # a rerun that read the key just before the switch still gets the (open) old version
    assert wh.connection(old_key) is old and read_v(old) == 1
    assert wh.retired == 1
    clock.now = 299
    wh.connection()
    assert read_v(old) == 1
    clock.now = 301
    wh.connection()
    assert wh.retired == 0
    with pytest.raises(duckdb.ConnectionException):
        read_v(old)
    wh.close()


def test_warehouse_replaced_in_place_is_reopened(tmp_path):
    """Another tool may still rename a plain file over sse.duckdb: same name, new content."""
    pointer = make_db(tmp_path / config.WAREHOUSE_NAME, 1)
    wh = db.PublishedWarehouse(lambda: pointer)
    assert read_v(wh.connection()) == 1
    os.replace(make_db(tmp_path / "new.duckdb", 2), pointer)
    os.utime(pointer, (time.time() + 5, time.time() + 5))  # coarse file-system clocks
    assert read_v(wh.connection()) == 2
    wh.close()


# ~50 ms: long enough for publishes to land while queries run
QUERY = "SELECT max(v) FROM t, range(20) r WHERE (i + r.range) % 7 <> 3"


def test_queries_in_flight_survive_refreshes(tmp_path):
    """Eight threads query through the reader (as app sessions do) while the warehouse is
    published five times: no query fails, and every thread ends on the last version."""
    pointer = tmp_path / config.WAREHOUSE_NAME
    pub.publish(make_db(tmp_path / "stage.duckdb", 0, rows=200_000), tmp_path)
    wh = db.PublishedWarehouse(lambda: pointer)
    errors: list[str] = []
    last_seen: dict[int, int] = {}
    stop = threading.Event()

    def session(n: int) -> None:
        while not stop.is_set():
            try:
                con = wh.connection()
                cur = con.cursor()
                try:
                    (v,) = cur.execute(QUERY).fetchone()
                finally:
                    cur.close()
                last_seen[n] = v
            except Exception as exc:  # counted, not raised from a thread
                errors.append(repr(exc))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    try:
        for value in range(1, 6):
            time.sleep(0.2)
            pub.publish(make_db(tmp_path / "stage.duckdb", value, rows=200_000), tmp_path)
        deadline = time.monotonic() + 60  # each thread finishes a query on the last version
        while set(last_seen.values()) != {5} and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=30)
    wh.close()
    assert not errors, errors[:3]
    assert set(last_seen.values()) == {5}


def test_build_publishes_versions_and_keeps_two(tmp_path, monkeypatch, shared_data):
    """`data build` publishes through the link: a first build publishes the geography then the
    complete base; the next build removes the geography-only version and keeps the previous one."""
    from sse_dash.catalog import load_catalog
    from sse_dash.sirene import step
    from sse_dash.warehouse import build as wb

    monkeypatch.setattr(step, "run", lambda con, catalog, ctx: None)
    catalog = load_catalog(config.DEV_CATALOG)
    pointer = wb.build(catalog, tmp_path)
    assert pointer == tmp_path / config.WAREHOUSE_NAME and pointer.is_symlink()
    first = pub.versions(tmp_path)
    assert len(first) == 2  # geography first, then the complete base
    assert pub.current_version(tmp_path) == first[-1].name
    wb.build(catalog, tmp_path)
    second = pub.versions(tmp_path)
    assert len(second) == 2 and second[0] == first[-1]
    assert pub.current_version(tmp_path) == second[-1].name
    con = db.open_warehouse(pointer)
    try:
        assert con.execute("SELECT count(*) FROM qpv").fetchone()[0] > 0
    finally:
        con.close()
    # each kept version may carry its persisted QPV index; a removed version's index goes too
    kept = {v.name for v in second} | {v.name + ".qpvindex" for v in second}
    leftovers = {p.name for p in tmp_path.iterdir()} - kept
    assert leftovers <= {".build.lock", config.WAREHOUSE_NAME, "downloads", "synthetic"}
    assert (tmp_path / (second[-1].name + ".qpvindex")).exists()
    assert not (tmp_path / (first[0].name + ".qpvindex")).exists()


def test_version_names_sort_by_publication_time_within_a_second():
    from datetime import UTC, datetime

    names = [pub.version_name(datetime(2026, 12, 3, 3, 15, 2, us, tzinfo=UTC)) for us in (9, 10)]
    names += [pub.version_name(datetime(2026, 12, 3, 3, 15, 3, 0, tzinfo=UTC))]
    assert names == sorted(names) and all(pub.VERSION_RE.match(n) for n in names)
