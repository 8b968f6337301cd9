"""SIRENE read remotely with DuckDB's httpfs (`read = "httpfs"`): synthetic files in the official
schemas served by a loopback HTTP server that honours HEAD and Range requests. The establishment
table is the same as when the files are read locally, only the needed columns travel, provenance
says it was a remote read, and an unreachable server is a French message naming the dataset."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from http_support import FileHandler, closed_port_url, serve
from sirene_support import mini_geo

from sse_dash import cli, config, db
from sse_dash.catalog import load_catalog
from sse_dash.sirene import schema, step
from sse_dash.warehouse.build import BuildError, build

SCOPE = "dep:93"
# Share of the three files' bytes that may travel: the pipeline reads 9 of the 35 columns of the
# units file, 12 of the 54 of the establishments file, 8 of the 19 of the geolocation file.
# Measured: 0.31 (355 kB of 1.13 MB, footers included). Without `fill_unread_text` it is 0.91:
# the generator leaves the unread columns empty, and DuckDB merges reads less than 16 KiB apart.
MAX_SHARE = 0.4
# Columns given text by `fill_unread_text`, per file (units, establishments, geolocation).
UNREAD_TEXT = (
    ("denominationUsuelle1UniteLegale", "denominationUsuelle2UniteLegale"),
    ("complementAdresseEtablissement", "libelleVoieEtablissement", "libelleCommuneEtablissement"),
    (),
)
COMPARED = (
    "SELECT siret, family, commune_code, qpv24, qpv15, naf, size_band, lon, lat "
    "FROM establishments ORDER BY siret"
)


def _dataset(role: str, where: str) -> str:
    name = schema.FILES[role][0]
    return (
        "\n[[dataset]]\n"
        f'id = "{role}"\n'
        f'role = "{role}"\n'
        f'title = "Base Sirene de test — {name}"\n'
        'publisher = "sse_dash (générateur synthétique, servi en HTTP)"\n'
        'licence = "Données fictives"\n'
        'vintage = "test"\n'
        'format = "parquet"\n'
        f"{where}\n"
    )


def write_catalog(path: Path, shared_data: Path, source: str, *, remote: bool) -> Path:
    """catalogs/dev.toml (geography from the shared data) plus the three SIRENE datasets, read
    from `source` (http://… with httpfs, or a local folder)."""
    text = config.DEV_CATALOG.read_text(encoding="utf-8")
    text, n = re.subn(r'(?m)^base_dir = ".*"$', f'base_dir = "{shared_data.as_posix()}"', text)
    assert n == 1
    text = text.replace('name = "dev"', 'name = "test-httpfs"', 1)
    for role in step.ROLES:
        name = schema.FILES[role][0]
        if remote:
            where = f'urls = ["{source}/{name}"]\noptions = {{ read = "httpfs" }}'
        else:
            where = f'path = "{Path(source, name).as_posix()}"'
        text += _dataset(role, where)
    path.write_text(text, encoding="utf-8")
    return path


def fill_unread_text(path: Path, columns: tuple[str, ...], seed: int) -> None:
    """Give text to columns the pipeline never reads, row group by row group (layout kept).
    The generator leaves them empty, so they weigh nothing; in the real stock (2 GB) the
    addresses and usual names are most of the bytes."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ "))
    source = pq.ParquetFile(path)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, source.schema_arrow) as out:
        for i in range(source.num_row_groups):
            table = source.read_row_group(i)
            for name in columns:
                text = ["".join(rng.choice(letters, 40)) for _ in range(table.num_rows)]
                pos = table.schema.get_field_index(name)
                table = table.set_column(pos, name, pa.array(text, pa.string()))
            out.write_table(table)
    tmp.replace(path)


@pytest.fixture(scope="module")
def sirene_files(dev_warehouse, tmp_path_factory) -> Path:
    """Test-scale synthetic SIRENE of one département, by `python -m sse_dash data synth`,
    with realistic weight in a few columns the pipeline does not read."""
    out = tmp_path_factory.mktemp("sirene_http") / "files"
    argv = ["data", "synth", "--out", str(out), "--scale", "test", "--seed", "11"]
    assert cli.main([*argv, "--scope", SCOPE, "--warehouse", str(dev_warehouse)]) == 0
    for (name, _), columns in zip(schema.FILES.values(), UNREAD_TEXT, strict=True):
        if columns:
            fill_unread_text(out / name, columns, seed=len(name))
    return out


@pytest.fixture(scope="module")
def remote_build(sirene_files, shared_data, tmp_path_factory):
    """The real `data build` on a catalogue whose SIRENE datasets are http URLs read with
    httpfs; returns (warehouse path, server)."""
    tmp = tmp_path_factory.mktemp("httpfs_build")
    with serve(FileHandler, root=sirene_files) as srv:
        catalog = write_catalog(tmp / "httpfs.toml", shared_data, srv.url, remote=True)
        path = build(load_catalog(catalog), tmp / "data", options={"scope": SCOPE})
    return path, srv


@pytest.fixture(scope="module")
def local_establishments(sirene_files, shared_data, dev_warehouse, tmp_path_factory):
    """Reference: the same files read from disk (`path = …`) by the same SIRENE step, on a
    copy of the dev warehouse (same geography as the remote build)."""
    tmp = tmp_path_factory.mktemp("local_build")
    wh = tmp / "sse.duckdb"
    shutil.copyfile(dev_warehouse, wh)
    catalog = load_catalog(
        write_catalog(tmp / "local.toml", shared_data, sirene_files, remote=False)
    )
    con = db.connect(wh)
    try:
        ctx = SimpleNamespace(
            data_dir=tmp, downloads_dir=tmp / "dl", progress=None, options={"scope": SCOPE}
        )
        step.run(con, catalog, ctx)
        return con.execute(COMPARED).fetchall()
    finally:
        con.close()


def test_remote_read_gives_the_same_establishments(remote_build, local_establishments):
    con = db.open_warehouse(remote_build[0])
    try:
        remote = con.execute(COMPARED).fetchall()
        qpv = con.execute("SELECT count(qpv24) FROM establishments").fetchone()[0]
        synthetic = con.execute("SELECT value FROM meta WHERE key = 'sirene_synthetic'").fetchone()
    finally:
        con.close()
    assert len(remote) > 1000
    assert len(remote) == len(local_establishments)
    assert {r[0] for r in remote} == {r[0] for r in local_establishments}
    assert remote == local_establishments  # families, communes, QPV codes, coordinates…
    assert {r[2][:2] for r in remote if r[2]} == {"93"}
    assert qpv > 0
    # the generator's Parquet marker travels with the files, even read remotely: flagged
    assert synthetic == ("true",)


def test_only_the_needed_columns_travel(remote_build, sirene_files):
    _, srv = remote_build
    total = sum(p.stat().st_size for p in sirene_files.iterdir())
    gets = [c for c in srv.calls if c.method == "GET"]
    assert {c.method for c in srv.calls} <= {"HEAD", "GET"}
    assert gets and all(c.headers.get("Range", "").startswith("bytes=") for c in gets)
    served = {c.path.lstrip("/") for c in gets}
    assert served == {schema.FILES[r][0] for r in step.ROLES}
    assert srv.bytes_sent < MAX_SHARE * total, (srv.bytes_sent, total)


def test_provenance_says_remote_httpfs_read(remote_build):
    _, srv = remote_build
    con = db.open_warehouse(remote_build[0])
    try:
        rows = con.execute(
            "SELECT dataset_id, source, notes, rows, synthetic, sha256 FROM provenance "
            "WHERE role LIKE 'sirene_%' ORDER BY dataset_id"
        ).fetchall()
    finally:
        con.close()
    assert [r[0] for r in rows] == sorted(step.ROLES)
    for dataset_id, source, notes, n, synthetic, sha in rows:
        assert source == f"{srv.url}/{schema.FILES[dataset_id][0]}"
        assert notes.startswith("lecture distante (httpfs)")
        assert n > 0 and synthetic is True  # files of the synthetic generator
        assert "Aucun établissement réel" in notes
        assert sha is None  # the file was never downloaded whole: no checksum to show


def test_unreachable_server_is_a_french_message_naming_the_dataset(shared_data, tmp_path):
    url = closed_port_url()
    catalog = load_catalog(write_catalog(tmp_path / "down.toml", shared_data, url, remote=True))
    con = db.connect(None)
    ctx = SimpleNamespace(data_dir=tmp_path, downloads_dir=tmp_path / "dl", progress=None)
    try:
        with pytest.raises(BuildError) as err:
            step.run(con, catalog, ctx)
    finally:
        con.close()
    msg = str(err.value)
    assert "Lecture distante (httpfs) impossible pour le jeu « sirene_unites_legales »" in msg
    assert f"{url}/{schema.FILES['sirene_unites_legales'][0]}" in msg
    assert "connexion impossible" in msg and "SSE_DASH_MIRROR" in msg
    assert "Traceback" not in msg and "IO Error" not in msg
    assert not (tmp_path / "dl").exists()


class DataReadsRefused(FileHandler):
    """Serves the Parquet footers (ranges reaching the end of a file) but answers 404 to the
    establishments' column data: a server that goes away in the middle of a build."""

    def do_GET(self):
        m = re.match(r"bytes=(\d+)-(\d+)$", self.headers.get("Range", ""))
        path = Path(self.server.root) / self.path.lstrip("/")
        if path.name == schema.ETABLISSEMENT_FILE and m and int(m[2]) < path.stat().st_size - 1:
            self.record()
            self.send_error_body(404)
            return
        super().do_GET()


def test_failure_during_the_remote_read_names_the_dataset(sirene_files, shared_data, tmp_path):
    con = mini_geo.build()
    ctx = SimpleNamespace(data_dir=tmp_path, downloads_dir=tmp_path / "dl", progress=None)
    try:
        with serve(DataReadsRefused, root=sirene_files) as srv:
            toml = write_catalog(tmp_path / "flaky.toml", shared_data, srv.url, remote=True)
            with pytest.raises(BuildError) as err:
                step.run(con, load_catalog(toml), ctx)
    finally:
        con.close()
    msg = str(err.value)
    assert "Lecture SIRENE impossible pour le jeu « sirene_etablissements »" in msg
    assert "HTTP 404" in msg and "relancez la construction" in msg
    assert "Traceback" not in msg


def test_mirror_copy_is_preferred_to_the_remote_read(
    sirene_files, shared_data, tmp_path, monkeypatch
):
    monkeypatch.setenv("SSE_DASH_MIRROR", str(sirene_files))
    url = closed_port_url()
    catalog = load_catalog(write_catalog(tmp_path / "m.toml", shared_data, url, remote=True))
    con = mini_geo.build()
    ctx = SimpleNamespace(data_dir=tmp_path, downloads_dir=tmp_path / "dl", progress=None)
    try:
        step.run(con, catalog, ctx)
        rows = con.execute(
            "SELECT dataset_id, source, notes, sha256 FROM provenance ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert [r[0] for r in rows] == sorted(step.ROLES)
    for dataset_id, source, notes, sha in rows:
        assert source == str(sirene_files / schema.FILES[dataset_id][0])
        assert "httpfs" not in (notes or "") and len(sha) == 64
