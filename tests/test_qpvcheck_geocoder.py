"""The IGN geocoder client against a loopback server (no internet): formats, retries,
Retry-After, timeouts, truncated and partial answers, cancel, progress."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from fixtures.qpvcheck.fake_ign import FakeIgn

from sse_dash.qpvcheck import geocoder as gc


@pytest.fixture()
def fake():
    with FakeIgn() as server:
        yield server


def client(fake, **kw):
    waits: list[float] = []
    opts = {"backoff": 0.001, "retries": 2, "timeout": 5.0}
    opts.update(kw)
    geo = gc.IgnGeocoder(fake.url, sleep=lambda s, cancel: waits.append(s), **opts)
    return geo, waits


def addresses():
    return pd.DataFrame(
        {
            "adresse": ["1 rue du Test", "1 rue du Test", "nulle part", "", "2 avenue Test"],
            "cp": ["75019", "75019", "99999", "", "31200"],
            "ville": ["Paris", "Paris", "Ici", "", "Toulouse"],
        },
        index=[10, 11, 12, 13, 14],
    )


def test_batch_results_per_row_and_duplicates_sent_once(fake):
    geo, _ = client(fake)
    calls = []
    out = geo.geocode_batch(
        addresses(), ["adresse", "cp", "ville"], progress=lambda *a: calls.append(a)
    )
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert out.geo_ok.tolist() == [True, True, False, False, True]
    assert out.loc[10, "result_label"] == "1 Rue du Test 75019 Paris"
    assert out.loc[10, "longitude"] == 2.385 and out.loc[11, "latitude"] == 48.883
    assert out.loc[14, "result_citycode"] == "31555"
    assert out.loc[12, "geo_status"] == gc.NOT_FOUND
    assert out.loc[13, "geo_status"] == gc.EMPTY
    assert fake.requests[0]["path"] == "/search/csv"
    assert fake.requests[0]["rows"] == 3  # duplicate and empty rows not sent
    assert calls[0] == ("Géocodage", 0, 3) and calls[-1] == ("Géocodage", 3, 3)


def test_429_honours_retry_after(fake):
    fake.modes = ["429"]
    geo, waits = client(fake)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert waits == [7.0]
    assert out.geo_ok.sum() == 3


def test_retry_after_is_bounded(fake):
    fake.modes = ["429"]
    fake.retry_after = "3600"
    geo, waits = client(fake, max_wait=30.0)
    geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert waits == [30.0]


def test_5xx_retried_with_backoff_then_success(fake):
    fake.modes = ["500", "500"]
    geo, waits = client(fake, backoff=0.5)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert waits == [0.5, 1.0]
    assert out.geo_ok.sum() == 3


def test_partial_failure_keeps_other_chunks(fake):
    # chunk 1 (2 addresses) fails 3 times (retries=2), chunk 2 succeeds
    fake.modes = ["500", "500", "500"]
    geo, _ = client(fake, chunk_size=2)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert out.loc[[10, 11, 12], "geo_status"].tolist() == [gc.SERVICE_ERROR] * 3
    assert out.loc[14, "geo_ok"]
    assert out.loc[13, "geo_status"] == gc.EMPTY


def test_timeout_is_retried(fake):
    fake.modes = ["slow"]
    fake.slow_seconds = 1.0
    geo, waits = client(fake, timeout=0.2)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert len(waits) == 1
    assert out.geo_ok.sum() == 3


def test_truncated_answer_marks_missing_rows_incomplete(fake):
    fake.modes = ["truncated"]
    geo, _ = client(fake)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    # the last row of the answer (Toulouse) was cut: no coordinates invented
    assert out.loc[14, "geo_status"] == gc.INCOMPLETE
    assert np.isnan(out.loc[14, "longitude"])
    assert out.loc[10, "geo_ok"]


def test_partial_answer_marks_missing_rows_incomplete(fake):
    fake.modes = ["partial"]
    geo, _ = client(fake)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert out.loc[14, "geo_status"] == gc.INCOMPLETE
    assert out.loc[10, "geo_ok"] and out.loc[11, "geo_ok"]


def test_garbage_answer_is_retried_then_reported(fake):
    fake.modes = ["garbage"] * 3
    geo, _ = client(fake)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert set(out.loc[[10, 11, 12, 14], "geo_status"]) == {gc.SERVICE_ERROR}


def test_cancel_stops_before_sending(fake):
    cancel = threading.Event()
    cancel.set()
    geo, _ = client(fake)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"], cancel=cancel)
    assert fake.requests == []
    assert set(out.loc[[10, 11, 12, 14], "geo_status"]) == {gc.CANCELLED}


def test_unreachable_service_gives_statuses_not_exceptions():
    geo = gc.IgnGeocoder("http://127.0.0.1:9", retries=1, backoff=0.001, timeout=1.0)
    out = geo.geocode_batch(addresses(), ["adresse"])
    assert set(out.loc[[10, 12, 14], "geo_status"]) == {gc.SERVICE_ERROR}


def test_search_single(fake):
    geo, _ = client(fake)
    res = geo.search("1 rue du test 75019 paris")
    assert res[0].label == "1 Rue du Test 75019 Paris"
    assert (res[0].lon, res[0].lat, res[0].citycode) == (2.385, 48.883, "75119")
    assert res[0].warnings == []
    street = geo.search("rue du test 75019 paris")[0]
    assert any("Score" in w for w in street.warnings)
    assert any("voie" in w for w in street.warnings)
    assert geo.search("introuvable quelque part") == []


def test_search_retries_429_and_fails_in_french(fake):
    fake.modes = ["429", "500", "500", "500"]
    geo, waits = client(fake)
    with pytest.raises(gc.GeocoderError, match="Géocodage impossible"):
        geo.search("1 rue du test 75019 paris")
    assert waits[0] == 7.0


def test_search_too_short():
    with pytest.raises(gc.GeocoderError, match="trop courte"):
        gc.IgnGeocoder("http://127.0.0.1:9").search(" a ")


def test_base_url_from_environment(monkeypatch):
    monkeypatch.setenv("SSE_DASH_GEOCODER_URL", "http://127.0.0.1:1/geocodage/")
    assert gc.IgnGeocoder().base_url == "http://127.0.0.1:1/geocodage"
    monkeypatch.delenv("SSE_DASH_GEOCODER_URL")
    assert gc.IgnGeocoder().base_url == gc.DEFAULT_URL


def test_none_geocoder_refuses_in_french():
    with pytest.raises(gc.GeocoderError, match="coordonnées"):
        gc.NoGeocoder().search("1 rue A")


def test_service_down_stops_after_two_failed_chunks(fake):
    fake.modes = ["500"] * 20
    geo, _ = client(fake, chunk_size=1, retries=0)
    out = geo.geocode_batch(addresses(), ["adresse", "cp", "ville"])
    assert len(fake.requests) == 2  # 3 unique addresses, the third is not even tried
    assert set(out.loc[[10, 11, 12, 14], "geo_status"]) == {gc.SERVICE_ERROR}


def test_search_uses_its_own_short_retry_budget(fake):
    fake.modes = ["500"] * 10
    geo, waits = client(fake, retries=5, search_retries=1)
    with pytest.raises(gc.GeocoderError):
        geo.search("1 rue du test 75019 paris")
    assert len(fake.requests) == 2 and len(waits) == 1
