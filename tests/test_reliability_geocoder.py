"""Geocoder faults during a whole batch (the client's own reactions are in
test_qpvcheck_geocoder.py): a storm of 429, 500, timeouts, truncated, partial and garbage
answers across many chunks. The batch still finishes, every input row comes back once, in
order, with its original columns untouched and a status; no coordinates are invented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures.qpvcheck import warehouse as wh
from fixtures.qpvcheck.fake_ign import KNOWN, FakeIgn

from sse_dash.qpvcheck import engine
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck.geocoder import IgnGeocoder

N_KNOWN = 60  # distinct addresses the fake geocoder knows (so that many chunks are sent)
EXTRA_KNOWN = {
    f"{k} rue du test 75019 paris": (
        f"{k} Rue du Test 75019 Paris",
        0.93,
        "housenumber",
        2.38 + k * 1e-5,
        48.88,
        "75119",
    )
    for k in range(3, 3 + N_KNOWN)
}
STORM = ["429", "500", "slow", "truncated", "500", "partial", "garbage", "429", "slow", "500"]


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    return engine.get_reference(wh.build(tmp_path_factory.mktemp("geo_storm") / "sse.duckdb"))


@pytest.fixture(autouse=True)
def more_known(monkeypatch):
    for key, value in EXTRA_KNOWN.items():
        monkeypatch.setitem(KNOWN, key, value)


def batch(n: int) -> pd.DataFrame:
    """`n` rows: distinct known addresses, duplicates, unknown and empty ones, user columns."""

    def row(i: int) -> tuple[str, str, str]:
        if i % 10 == 8:
            return ("nulle part", "99999", "Ici")
        if i % 10 == 9:
            return ("", "", "")
        return (f"{3 + i % N_KNOWN} rue du Test", "75019", "Paris")

    rows = [row(i) for i in range(n)]
    return pd.DataFrame(
        {
            "id": [f"r{i:04d}" for i in range(n)],
            "adresse": [f"{a} " if i % 7 == 0 else a for i, (a, _, _) in enumerate(rows)],
            "cp": [c for _, c, _ in rows],
            "ville": [v for _, _, v in rows],
            "note": ["=SOMME(A1:A2)" if i % 11 == 0 else f"ligne {i}" for i in range(n)],
        },
        index=pd.RangeIndex(100, 100 + n),
    )


@pytest.mark.parametrize(
    "retries,max_failed_chunks",
    [(0, 1000), (2, 1000), (2, 2)],  # last one: the client stops after 2 failed chunks in a row
)
def test_storm_keeps_every_row_and_invents_nothing(ref, retries, max_failed_chunks):
    df = batch(120)
    original = df.copy()
    with FakeIgn() as fake:
        fake.modes = STORM * 4
        fake.slow_seconds = 0.4
        waits: list[float] = []
        geo = IgnGeocoder(
            fake.url,
            backoff=0.001,
            retries=retries,
            timeout=0.2,
            chunk_size=7,
            max_failed_chunks=max_failed_chunks,
            sleep=lambda s, cancel: waits.append(s),
        )
        mapping = mp.ColumnMapping("address", address="adresse", postcode="cp", city="ville")
        res = engine.run_batch(ref, df, mapping, geo)
        sent = len(fake.requests)
    out = res.df
    assert len(out) == len(df)
    assert out[list(df.columns)].equals(original)  # user columns, values and order untouched
    assert df.equals(original)  # the input frame itself is not modified
    assert out["statut"].map(lambda s: isinstance(s, str) and s.strip() != "").all()
    unique = len(
        {(a.strip(), c, v) for a, c, v in zip(df.adresse, df.cp, df.ville, strict=True) if a}
    )
    if max_failed_chunks > 100:
        assert sent >= unique // 7  # about one request per chunk of distinct addresses
    # coordinates only where the geocoder answered a known address
    labels = {v[0]: (v[3], v[4]) for v in KNOWN.values()}
    located = out["lon"].notna()
    assert located.any() or max_failed_chunks <= 2
    for label, lon, lat in zip(
        out.loc[located, "libelle_geocode"],
        out.loc[located, "lon"],
        out.loc[located, "lat"],
        strict=True,
    ):
        assert label in labels
        assert np.isclose(lon, labels[label][0]) and np.isclose(lat, labels[label][1])
    # some chunks failed for good: those rows say so, they are not silently « hors QPV »
    failed = ~located & out["adresse"].str.contains("rue du Test")
    if retries == 0:
        assert failed.any()
    assert not out.loc[failed, "statut"].str.startswith("ok").any()
    assert (out.loc[~located, "en_qpv_2024"] != "oui").all()
    assert res.summary["located"] == int(located.sum())
