"""The current SIRENE file and its real vintage: stable data.gouv.fr links that redirect to a
dated upload, resolution of the resource through the data.gouv.fr API (loopback server standing
in for it), the month read from the dated folder / name / title / Last-Modified, and mirror
folders holding the new names, the old ones or dated copies."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from http_support import RangeHandler, closed_port_url, serve

from sse_dash import datagouv
from sse_dash.catalog import Dataset
from sse_dash.fetch import fetch_dataset, mirror_copy

BODY = b"PAR1" + bytes(range(200)) * 20 + b"PAR1"
RID = "a29c1297-1f92-4e2a-8f6b-8c902ce96c5f"
DATED = "/resources/base-sirene/20260801-074451/stock-stocketablissement-parquet.parquet"


class Handler(RangeHandler):
    def do_GET(self):
        self.record()
        path = self.path.split("?")[0]
        srv = self.server
        if path == f"/api/1/datasets/r/{RID}":
            self.send_response(302)
            self.send_header("Location", srv.url + DATED)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == DATED or path == "/resources/base-sirene/20260901-070000/new.parquet":
            self.send_body(
                BODY,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Last-Modified": "Sat, 01 Aug 2026 07:45:00 GMT",
                    "ETag": '"v1"',
                },
            )
        elif path == f"/api/2/datasets/resources/{RID}/":
            data = {
                "resource": {
                    "id": RID,
                    "url": srv.url + "/resources/base-sirene/20260901-070000/new.parquet",
                    "title": "stock-stocketablissement-parquet.parquet",
                    "last_modified": "2026-09-01T07:00:00+00:00",
                },
                "dataset_id": "5b7ffc618b4c4169d30727e0",
            }
            self.send_body(json.dumps(data).encode(), headers={"Content-Type": "application/json"})
        elif path == "/api/1/datasets/recensement/":
            data = {
                "resources": [
                    {"id": "1", "url": srv.url + "/old.csv", "title": "bdftl-2026-01-fiche-identite.csv", "last_modified": "2026-01-10T00:00:00"},
                    {"id": "2", "url": srv.url + "/new.csv", "title": "bdftl-2026-06-fiche-identite.csv", "last_modified": "2026-06-10T00:00:00"},
                    {"id": "3", "url": srv.url + "/act.csv", "title": "bdftl-2026-04-activites.csv", "last_modified": "2026-07-10T00:00:00"},
                ]
            }  # fmt: skip
            self.send_body(json.dumps(data).encode(), headers={"Content-Type": "application/json"})
        else:
            self.send_error_body(404)


@pytest.fixture
def server():
    with serve(Handler) as srv:
        yield srv


def sirene_ds(*urls, **options) -> Dataset:
    return Dataset(
        id="sirene_etablissements",
        role="sirene_etablissements",
        title="Base Sirene — stock des établissements",
        publisher="INSEE",
        licence="Licence Ouverte 2.0",
        vintage="stock mensuel",
        format="parquet",
        urls=tuple(urls),
        options={
            "filename": "stock-stocketablissement-parquet.parquet",
            "vintage_from_file": True,
            "mirror_names": [
                "stock-stocketablissement-parquet.parquet",
                "StockEtablissement_utf8.parquet",
            ],
            **options,
        },
    )


# ---------------------------------------------------------------- vintage, pure


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("https://static.data.gouv.fr/resources/x/20260801-074451/stock.parquet", "2026-08"),
        ("2026-07-01-StockEtablissement_utf8.parquet", "2026-07"),
        ("stock-stocketablissement-parquet_202605.parquet", "2026-05"),
        ("bdftl-2026-01-fiche-identite.csv", "2026-01"),
        ("stock-stocketablissement-parquet.parquet", None),
        ("qpv-2024-geojson.zip", None),
        ("/miroir/sirene_etablissements/20261001-073823/stock.parquet", "2026-10"),
    ],
)
def test_month_in_name(name, month):
    assert datagouv.month_in_name(name) == month


def test_month_in_title_and_dates():
    assert datagouv.month_in_title("Sirene : Fichier StockEtablissement du 01 Août 2026") == (
        "2026-08"
    )
    assert datagouv.month_in_title("dernier disponible") is None
    assert datagouv.month_of_date("Sat, 01 Aug 2026 07:45:00 GMT") == "2026-08"
    assert datagouv.month_of_date("2026-09-01T07:00:00+00:00") == "2026-09"
    assert datagouv.month_of_date("n'importe quoi") is None


def test_vintage_order_name_then_metadata_then_last_modified_then_file_date():
    res = datagouv.Resource(id="r", url="https://h/x.parquet", title="du 01 juin 2026")
    assert datagouv.vintage_of(name="https://h/20260801-074451/x", resource=res)[0] == "2026-08"
    assert datagouv.vintage_of(name="x.parquet", resource=res) == (
        "2026-06",
        "titre de la ressource",
    )
    got = datagouv.vintage_of(name="x.parquet", http_last_modified="Fri, 03 Jul 2026 10:00:00 GMT")
    assert got == ("2026-07", "en-tête Last-Modified")
    assert datagouv.vintage_of(name="x", mtime=1780000000.0)[1] == "date du fichier"


def test_catalogue_vintage_is_the_files_month_when_asked():
    ds = sirene_ds("https://h/x")
    assert ds.file_vintage("2026-08", "nom du fichier") == (
        "2026-08",
        "Millésime lu : nom du fichier.",
    )
    assert ds.file_vintage(None, None)[0] == "stock mensuel (mois du fichier inconnu)"
    plain = replace(ds, options={})
    assert plain.file_vintage("2026-08", "x") == ("stock mensuel", None)


# ---------------------------------------------------------------- downloads


def test_stable_link_redirects_to_the_dated_file_and_gives_its_month(server, tmp_path, monkeypatch):
    monkeypatch.setenv(datagouv.API_ENV, "none")
    ds = sirene_ds(f"{server.url}/api/1/datasets/r/{RID}")
    got = fetch_dataset(ds, tmp_path)
    assert got.path.name == "stock-stocketablissement-parquet.parquet"
    assert got.path.read_bytes() == BODY
    assert got.source == f"{server.url}/api/1/datasets/r/{RID}"
    assert (got.vintage, got.vintage_source) == ("2026-08", "nom ou dossier daté du fichier")
    meta = json.loads((tmp_path / ds.id / (got.path.name + ".meta.json")).read_text())
    assert meta["final_url"] == server.url + DATED and meta["vintage"] == "2026-08"
    again = fetch_dataset(ds, tmp_path)  # conditional GET: the month stays known
    assert again.vintage == "2026-08"


def test_api_resolution_finds_the_current_resource(server, tmp_path, monkeypatch):
    monkeypatch.setenv(datagouv.API_ENV, server.url + "/api")
    ds = sirene_ds(f"{server.url}/api/1/datasets/r/{RID}", datagouv_resource=RID)
    got = fetch_dataset(ds, tmp_path)
    assert got.source == server.url + "/resources/base-sirene/20260901-070000/new.parquet"
    assert got.vintage == "2026-09"
    asked = [c.path for c in server.calls]
    assert asked[0] == f"/api/2/datasets/resources/{RID}/"


def test_api_resolution_by_dataset_and_title(server, monkeypatch):
    monkeypatch.setenv(datagouv.API_ENV, server.url + "/api")
    found = datagouv.resolve(
        {"datagouv_dataset": "recensement", "datagouv_match": "fiche-identite"}
    )
    assert found.url == server.url + "/new.csv" and found.title.startswith("bdftl-2026-06")


def test_unreachable_api_falls_back_to_the_stable_link(server, tmp_path, monkeypatch):
    monkeypatch.setenv(datagouv.API_ENV, closed_port_url() + "/api")
    ds = sirene_ds(f"{server.url}/api/1/datasets/r/{RID}", datagouv_resource=RID)
    got = fetch_dataset(ds, tmp_path)
    assert got.vintage == "2026-08" and got.path.read_bytes() == BODY
    assert datagouv.resolve({}) is None  # nothing to resolve


# ---------------------------------------------------------------- mirror folders


def test_mirror_accepts_new_and_old_names_and_takes_the_newest_dated_copy(tmp_path):
    ds = sirene_ds(closed_port_url() + f"/api/1/datasets/r/{RID}")
    mirror = tmp_path / "miroir"
    folder = mirror / ds.id
    folder.mkdir(parents=True)
    (folder / "StockEtablissementHistorique_utf8.parquet").write_bytes(b"other file")
    assert mirror_copy(ds, mirror) is None  # a different file is never taken
    (mirror / "StockEtablissement_utf8.parquet").write_bytes(BODY)  # old name, at the root
    assert mirror_copy(ds, mirror) == mirror / "StockEtablissement_utf8.parquet"
    (folder / "2026-07-01-stock-stocketablissement-parquet.parquet").write_bytes(BODY)
    dated = folder / "20260901-070000"
    dated.mkdir()
    (dated / "stock-stocketablissement-parquet.parquet").write_bytes(BODY)
    assert mirror_copy(ds, mirror) == dated / "stock-stocketablissement-parquet.parquet"
    got = fetch_dataset(ds, tmp_path / "dl", mirror_dir=mirror)
    assert got.source == str(dated / "stock-stocketablissement-parquet.parquet")
    assert got.vintage == "2026-09" and not (tmp_path / "dl").exists()


def test_mirror_copy_without_date_takes_the_sidecar_or_the_file_date(tmp_path):
    ds = sirene_ds(closed_port_url() + "/x")
    mirror = tmp_path / "m"
    (mirror / ds.id).mkdir(parents=True)
    copy = mirror / ds.id / "stock-stocketablissement-parquet.parquet"
    copy.write_bytes(BODY)
    os.utime(copy, (1780000000, 1780000000))  # 2026-05-28
    assert fetch_dataset(ds, tmp_path / "dl", mirror_dir=mirror).vintage == "2026-05"
    (mirror / ds.id / (copy.name + ".meta.json")).write_text(
        json.dumps({"vintage": "2026-04", "vintage_source": "titre de la ressource"})
    )
    got = fetch_dataset(ds, tmp_path / "dl", mirror_dir=mirror)
    assert (got.vintage, got.vintage_source) == ("2026-04", "titre de la ressource")
