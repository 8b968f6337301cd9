"""Downloads against a loopback HTTP server we control: resume, conditional GET, retries,
fallback URLs, mirror, and the promise that a failure never damages the previous copy."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import replace

import pytest
from http_support import RangeHandler, serve
from http_support import closed_port_url as closed_port

from sse_dash import fetch
from sse_dash.catalog import Dataset
from sse_dash.fetch import FetchError, download, fetch_dataset

BODY = bytes(range(256)) * 400  # 102,400 deterministic bytes
BODY_SHA = hashlib.sha256(BODY).hexdigest()
OLD = b"previous good copy\n" * 10
ETAG = '"v1"'


class Handler(RangeHandler):
    """Routes by path; `self.server.calls` records every request (tests/http_support.py)."""

    def do_GET(self):
        n = self.record()
        path = self.path.split("?")[0]
        if path == "/file.bin":
            self._send_file(honour_range=True)
        elif path == "/norange.bin":
            self._send_file(honour_range=False)
        elif path == "/etag.bin":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
            else:
                self._send_file(honour_range=True)
        elif path == "/lie.bin":  # announces more than it sends, then closes
            self.send_body(BODY[:1000], honour_range=False, declared_length=len(BODY))
        elif path == "/flaky.bin":  # 500 first, then the file
            if n == 1:
                self.send_error_body(500, retry_after="0")
            else:
                self._send_file(honour_range=True)
        elif path == "/busy.bin":  # 429 twice, then the file
            if n <= 2:
                self.send_error_body(429, retry_after="0")
            else:
                self._send_file(honour_range=True)
        elif path == "/page.html":
            body = b"<html><body>Bienvenue</body></html>"
            self.send_body(body, headers={"Content-Type": "text/html; charset=utf-8"})
        elif path == "/down.bin":
            self.send_error_body(503)
        else:
            self.send_error_body(404)

    def _send_file(self, honour_range):
        headers = {"ETag": ETAG, "Last-Modified": "Mon, 02 Jan 2024 10:00:00 GMT"}
        self.send_body(BODY, honour_range=honour_range, headers=headers)


@pytest.fixture
def server():
    with serve(Handler) as srv:
        yield srv


@pytest.fixture(autouse=True)
def no_wait(monkeypatch):
    """Retries must not slow the tests; record the waits instead of sleeping."""
    waits = []
    monkeypatch.setattr(fetch, "_sleep", waits.append)
    return waits


@pytest.fixture
def closed_port_url():
    return closed_port()


def make_ds(*urls, **kw) -> Dataset:
    base = dict(
        id="qpv_test",
        role="qpv",
        title="QPV de test",
        publisher="ANCT",
        licence="Licence Ouverte 2.0",
        vintage="2024",
        format="geojson",
        urls=tuple(urls),
    )
    base.update(kw)
    return Dataset(**base)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- download()


def test_success_writes_file_meta_and_reports_progress(server, tmp_path):
    dest = tmp_path / "d" / "file.bin"
    seen = []
    got = download(
        server.url + "/file.bin",
        dest,
        expected_sha256=BODY_SHA,
        expected_size=len(BODY),
        progress=lambda label, done, total: seen.append((label, done, total)),
    )
    assert dest.read_bytes() == BODY
    assert (got.sha256, got.size, got.from_cache, got.etag) == (BODY_SHA, len(BODY), False, ETAG)
    assert got.retrieved_at.tzinfo is not None
    assert not fetch.part_path(dest).exists()
    meta = json.loads(fetch.meta_path(dest).read_text())
    assert meta["sha256"] == BODY_SHA and meta["etag"] == ETAG
    assert meta["source"] == server.url + "/file.bin"
    assert seen[0] == ("file.bin", 0.0, float(len(BODY)))
    assert seen[-1] == ("file.bin", float(len(BODY)), float(len(BODY)))
    assert len(seen) == len(set(seen))  # no duplicate reports


def test_resume_partial_part_with_range(server, tmp_path):
    dest = tmp_path / "file.bin"
    fetch.part_path(dest).write_bytes(BODY[:40_000])
    got = download(server.url + "/file.bin", dest, expected_sha256=BODY_SHA)
    ranges = [c.headers.get("Range") for c in server.calls]
    assert ranges == ["bytes=40000-"]
    assert got.sha256 == BODY_SHA and sha(dest) == BODY_SHA
    assert not fetch.part_path(dest).exists()


def test_part_from_another_url_is_not_resumed(server, tmp_path):
    dest = tmp_path / "file.bin"
    fetch.part_path(dest).write_bytes(BODY[:5000])
    fetch._part_meta_path(dest).write_text(json.dumps({"url": "https://ailleurs/file.bin"}))
    got = download(server.url + "/file.bin", dest, expected_sha256=BODY_SHA)
    assert server.calls[0].headers.get("Range") is None and got.sha256 == BODY_SHA
    assert not fetch._part_meta_path(dest).exists()


def test_server_ignoring_range_restarts_cleanly(server, tmp_path):
    dest = tmp_path / "norange.bin"
    fetch.part_path(dest).write_bytes(b"garbage that is not a prefix")
    got = download(server.url + "/norange.bin", dest, expected_sha256=BODY_SHA)
    assert server.calls[0].headers.get("Range") == "bytes=28-"
    assert got.size == len(BODY) and sha(dest) == BODY_SHA


def test_stale_part_with_wrong_checksum_is_restarted_once(server, tmp_path):
    dest = tmp_path / "file.bin"
    fetch.part_path(dest).write_bytes(b"x" * 1000)  # not a prefix of BODY
    got = download(server.url + "/file.bin", dest, expected_sha256=BODY_SHA)
    assert [c.headers.get("Range") for c in server.calls] == ["bytes=1000-", None]
    assert got.sha256 == BODY_SHA


def test_404_leaves_previous_file_intact(server, tmp_path):
    dest = tmp_path / "missing.bin"
    dest.write_bytes(OLD)
    with pytest.raises(FetchError, match="HTTP 404"):
        download(server.url + "/missing.bin", dest)
    assert dest.read_bytes() == OLD
    assert len(server.calls) == 1  # a 404 is not retried


def test_truncated_body_is_an_error_and_previous_file_intact(server, tmp_path, no_wait):
    dest = tmp_path / "lie.bin"
    dest.write_bytes(OLD)
    with pytest.raises(FetchError, match="interrompu|tronquée") as err:
        download(server.url + "/lie.bin", dest, retries=2)
    assert dest.read_bytes() == OLD
    assert len(server.calls) == 3 and len(no_wait) == 2
    assert "3 tentatives" in str(err.value)


def test_html_page_is_not_data(server, tmp_path):
    dest = tmp_path / "page.csv"
    with pytest.raises(FetchError, match="page web"):
        download(server.url + "/page.html", dest)
    assert not dest.exists() and not fetch.part_path(dest).exists()


def test_checksum_mismatch_keeps_previous_file(server, tmp_path):
    dest = tmp_path / "file.bin"
    dest.write_bytes(OLD)
    with pytest.raises(FetchError, match="SHA-256"):
        download(server.url + "/file.bin", dest, expected_sha256="0" * 64)
    assert dest.read_bytes() == OLD
    assert not fetch.part_path(dest).exists()


def test_checksum_mismatch_leaves_no_final_file(server, tmp_path):
    dest = tmp_path / "file.bin"
    with pytest.raises(FetchError):
        download(server.url + "/file.bin", dest, expected_sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_size_mismatch_from_catalogue_is_an_error(server, tmp_path):
    dest = tmp_path / "file.bin"
    with pytest.raises(FetchError, match="taille inattendue"):
        download(server.url + "/file.bin", dest, expected_size=len(BODY) + 1)
    assert not dest.exists()


def test_conditional_get_304_returns_cache(server, tmp_path):
    dest = tmp_path / "etag.bin"
    first = download(server.url + "/etag.bin", dest)
    second = download(server.url + "/etag.bin", dest)
    assert first.from_cache is False and second.from_cache is True
    assert server.calls[1].headers.get("If-None-Match") == ETAG
    assert "If-Modified-Since" in server.calls[1].headers
    assert second.sha256 == BODY_SHA and second.retrieved_at == first.retrieved_at
    # without `conditional` the file is downloaded again
    third = download(server.url + "/etag.bin", dest, conditional=False)
    assert third.from_cache is False and "If-None-Match" not in server.calls[2].headers


def test_retries_500_then_200(server, tmp_path, no_wait):
    got = download(server.url + "/flaky.bin", tmp_path / "f.bin", expected_sha256=BODY_SHA)
    assert got.sha256 == BODY_SHA and len(server.calls) == 2
    assert no_wait == [0.0]  # Retry-After: 0 respected


def test_retries_429_respects_retry_after(server, tmp_path, no_wait):
    got = download(server.url + "/busy.bin", tmp_path / "b.bin")
    assert got.size == len(BODY) and no_wait == [0.0, 0.0]


def test_5xx_gives_up_after_bounded_backoff(server, tmp_path, no_wait):
    with pytest.raises(FetchError, match="HTTP 503"):
        download(server.url + "/down.bin", tmp_path / "x.bin", retries=3)
    assert no_wait == [1.0, 2.0, 4.0]


def test_retry_after_is_bounded():
    assert fetch._retry_after("100000") == fetch.RETRY_AFTER_MAX
    assert fetch._retry_after("0") == 0.0
    assert fetch._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert fetch._retry_after("nonsense") is None


def test_keyboard_interrupt_keeps_previous_file_and_part(server, tmp_path):
    dest = tmp_path / "file.bin"
    dest.write_bytes(OLD)

    def interrupt(label, done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download(server.url + "/file.bin", dest, progress=interrupt)
    assert dest.read_bytes() == OLD
    assert fetch.part_path(dest).exists()  # resumable next time
    before = len(server.calls)
    got = download(server.url + "/file.bin", dest, expected_sha256=BODY_SHA)
    assert got.sha256 == BODY_SHA
    # resumed with a Range request (the whole body was already in the .part here, so the
    # server answers 416 and the download restarts cleanly)
    assert server.calls[before].headers.get("Range", "").startswith("bytes=")


# ---------------------------------------------------------------- fetch_dataset()


def test_fetch_dataset_layout_and_fallback_to_second_url(server, tmp_path):
    ds = make_ds(server.url + "/gone/qpv.geojson", server.url + "/file.bin")
    got = fetch_dataset(ds, tmp_path)
    assert got.path == tmp_path / "qpv_test" / "qpv.geojson"
    assert got.source == server.url + "/file.bin"
    assert got.sha256 == BODY_SHA


def test_mirror_used_without_network(tmp_path, closed_port_url):
    mirror = tmp_path / "mirror"
    (mirror / "qpv_test").mkdir(parents=True)
    mirrored = mirror / "qpv_test" / "qpv.geojson"
    mirrored.write_bytes(BODY)
    ds = make_ds(closed_port_url + "/data/qpv.geojson", sha256=BODY_SHA)
    got = fetch_dataset(ds, tmp_path / "dl", mirror_dir=mirror)
    assert got.path == mirrored and got.source == str(mirrored)
    assert got.sha256 == BODY_SHA
    assert not (tmp_path / "dl").exists()


def test_mirror_flat_folder_and_wrong_checksum(tmp_path, closed_port_url):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "qpv.geojson").write_bytes(OLD)
    ds = make_ds(closed_port_url + "/qpv.geojson")
    assert fetch_dataset(ds, tmp_path / "dl", mirror_dir=mirror).size == len(OLD)
    with pytest.raises(FetchError, match="copie miroir"):
        fetch_dataset(replace(ds, sha256=BODY_SHA), tmp_path / "dl", mirror_dir=mirror)


def test_connection_refused_french_message_names_dataset(tmp_path, closed_port_url, no_wait):
    ds = make_ds(closed_port_url + "/qpv-2024.zip", member="a/b.geojson")
    with pytest.raises(FetchError) as err:
        fetch_dataset(ds, tmp_path)
    msg = str(err.value)
    assert "Impossible d'obtenir le jeu « qpv_test » (QPV de test)" in msg
    assert closed_port_url + "/qpv-2024.zip" in msg
    assert "connexion impossible" in msg
    assert "SSE_DASH_MIRROR" in msg and "« qpv-2024.zip »" in msg and "path =" in msg
    assert not (tmp_path / "qpv_test" / "qpv-2024.zip").exists()
    assert no_wait == []  # offline is reported at once, not after minutes of retries


def test_offline_with_cached_copy_warns_and_uses_it(server, tmp_path, closed_port_url, caplog):
    ds = make_ds(server.url + "/file.bin")
    first = fetch_dataset(ds, tmp_path)
    offline = replace(ds, urls=(closed_port_url + "/file.bin",))
    with caplog.at_level(logging.WARNING, logger="sse_dash.fetch"):
        got = fetch_dataset(offline, tmp_path)
    assert got.from_cache and got.path == first.path and got.sha256 == BODY_SHA
    assert got.source == server.url + "/file.bin"  # provenance of the cached bytes
    assert any("copie locale" in r.getMessage() for r in caplog.records)
    with pytest.raises(FetchError):  # an explicit refresh must not silently fall back
        fetch_dataset(offline, tmp_path, refresh=True)
    assert first.path.read_bytes() == BODY


def test_pinned_checksum_already_cached_needs_no_network(server, tmp_path):
    ds = make_ds(server.url + "/file.bin", sha256=BODY_SHA)
    fetch_dataset(ds, tmp_path)
    again = fetch_dataset(ds, tmp_path)
    assert again.from_cache and len(server.calls) == 1


def test_local_path_dataset(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"a,b\n1,2\n")
    ds = make_ds(path="x.csv", urls=(), base_dir=tmp_path, format="csv")
    got = fetch_dataset(ds, tmp_path / "dl")
    assert got.path == tmp_path / "x.csv" and got.size == 8
    with pytest.raises(FetchError, match="introuvable"):
        fetch_dataset(replace(ds, path="nope.csv"), tmp_path / "dl")


def test_target_name():
    assert fetch.target_name(make_ds("https://h/a/QP2024.zip?x=1")) == "QP2024.zip"
    assert fetch.target_name(make_ds("https://geo.api.gouv.fr/communes", format="json")) == (
        "communes.json"
    )
    uuid = "https://www.data.gouv.fr/fr/datasets/r/0c8f9e8a-1234"
    assert fetch.target_name(make_ds(uuid, member="x.shp")) == "0c8f9e8a-1234.zip"
    assert fetch.target_name(make_ds(uuid, options={"filename": "f.zip"})) == "f.zip"


def test_tqdm_progress_draws_one_bar_per_label():
    out = io.StringIO()
    progress = fetch.tqdm_progress(file=out, mininterval=0)
    progress("Téléchargement : A", 0, 100)
    progress("Téléchargement : A", 100, 100)
    progress("Téléchargement : A", 100, 100)  # a repeated final report draws no new bar
    progress("Téléchargement : B", 5, None)
    text = out.getvalue()
    assert "Téléchargement : A" in text and "100/100" in text
    assert text.split("Téléchargement : B")[0].count("\n") == 1  # bar A closed exactly once
    assert "Téléchargement : B" in text
