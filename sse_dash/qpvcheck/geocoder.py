"""Geocoders: addresses -> coordinates. `IgnGeocoder` calls the IGN Géoplateforme (the former
BAN « API Adresse »); `NoGeocoder` is for files that already carry coordinates.

Addresses are sent from memory (never written to disk) and never logged."""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
import requests

from sse_dash.qpvcheck import Message, Number, Term
from sse_dash.qpvcheck.precision import LOW_SCORE

DEFAULT_URL = "https://data.geopf.fr/geocodage"
ROW_ID = "sse_dash_row_id"
PRECISE_TYPES = ("housenumber",)
TYPE_LABELS = {
    "housenumber": "numéro",
    "street": "voie",
    "locality": "lieu-dit",
    "municipality": "commune",
}
# Columns returned by geocode_batch (one row per input row, same index).
RESULT_COLUMNS = [
    "geo_ok",
    "geo_status",
    "result_label",
    "result_score",
    "result_type",
    "result_citycode",
    "longitude",
    "latitude",
]

Progress = Callable[[str, int, int], None]

# geo_status values (French, end up in the `statut` column)
NOT_FOUND = "non géocodé (adresse introuvable)"
EMPTY = "non géocodé (adresse vide)"
SERVICE_ERROR = "non géocodé (service de géocodage indisponible)"
INCOMPLETE = "non géocodé (réponse incomplète du service)"
CANCELLED = "non géocodé (géocodage annulé)"


class GeocoderError(RuntimeError):
    """The service could not answer; the message is French."""


@dataclass
class GeoResult:
    label: str
    score: float
    type: str
    lon: float
    lat: float
    citycode: str | None = None
    city: str | None = None
    postcode: str | None = None

    @property
    def warnings(self) -> list[Message]:
        return quality_warnings(self.score, self.type)


def quality_warnings(score, kind) -> list[Message]:
    """French warnings for a geocoding result that should be checked by hand."""
    out = []
    if score is not None and np.isfinite(score) and score < LOW_SCORE:
        out.append(
            Message(
                "Score de géocodage faible ({score}) : vérifiez que l'adresse trouvée est la "
                "bonne.",
                score=Number(score),
            )
        )
    if kind and kind not in PRECISE_TYPES:
        out.append(
            Message(
                "Adresse trouvée au niveau « {level} » et non au numéro : la réponse tient "
                "compte de cette précision (« incertain » près d'une limite de QPV).",
                level=Term(TYPE_LABELS.get(kind, kind)),
            )
        )
    return out


class Geocoder(Protocol):
    name: str

    def geocode_batch(
        self,
        df: pd.DataFrame,
        columns: list[str],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> pd.DataFrame: ...

    def search(self, q: str) -> list[GeoResult]: ...


class NoGeocoder:
    """Coordinates must already be in the file."""

    name = "none"

    def geocode_batch(self, df, columns, progress=None, cancel=None) -> pd.DataFrame:
        raise GeocoderError(
            "Aucun géocodeur choisi : indiquez des colonnes de coordonnées (lon/lat ou X/Y), "
            "ou choisissez le géocodeur de l'IGN."
        )

    def search(self, q: str) -> list[GeoResult]:
        raise GeocoderError("Aucun géocodeur choisi : saisissez des coordonnées.")


def geocoder_url() -> str:
    return (os.environ.get("SSE_DASH_GEOCODER_URL") or DEFAULT_URL).rstrip("/")


def make_geocoder(name: str = "ban") -> Geocoder:
    if name in ("ban", "ign"):
        return IgnGeocoder()
    if name == "none":
        return NoGeocoder()
    raise ValueError(f"géocodeur inconnu : {name}")


class IgnGeocoder:
    """IGN Géoplateforme: batch `POST /search/csv`, single `GET /search`.

    Chunks of `chunk_size` rows; 429 honours Retry-After (bounded by `max_wait`), 5xx, timeouts
    and unreadable answers are retried with exponential back-off, then the chunk's rows get a
    failure status (other chunks keep their results)."""

    name = "ban"

    def __init__(
        self,
        base_url: str | None = None,
        *,
        chunk_size: int = 5000,
        timeout: float = 120.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        search_timeout: float = 10.0,
        search_retries: int = 2,
        max_failed_chunks: int = 2,
        sleep: Callable[[float, threading.Event | None], None] | None = None,
        session: requests.Session | None = None,
    ):
        self.base_url = (base_url or geocoder_url()).rstrip("/")
        self.chunk_size = chunk_size
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.search_timeout = search_timeout
        self.search_retries = search_retries
        self.max_failed_chunks = max_failed_chunks
        self._sleep = sleep or _interruptible_sleep
        self.session = session or requests.Session()

    # ------------------------------------------------------------------ single
    def search(self, q: str) -> list[GeoResult]:
        q = " ".join(str(q).split())
        if len(q) < 3:
            raise GeocoderError("Adresse trop courte : saisissez au moins 3 caractères.")
        q = q[:200]
        try:
            resp = self._request(
                "GET",
                "/search",
                params={"q": q, "limit": 5},
                timeout=self.search_timeout,
                retries=self.search_retries,
            )
            data = resp.json()
        except ValueError as exc:
            raise GeocoderError("Réponse illisible du service de géocodage.") from exc
        out = []
        for feat in data.get("features") or []:
            try:
                props = feat.get("properties") or {}
                lon, lat = feat["geometry"]["coordinates"][:2]
                out.append(
                    GeoResult(
                        label=str(props.get("label", "")),
                        score=float(props.get("score", np.nan)),
                        type=str(props.get("type", "")),
                        lon=float(lon),
                        lat=float(lat),
                        citycode=props.get("citycode"),
                        city=props.get("city"),
                        postcode=props.get("postcode"),
                    )
                )
            except (KeyError, TypeError, ValueError, IndexError):
                continue
        return out

    # ------------------------------------------------------------------ batch
    def geocode_batch(
        self,
        df: pd.DataFrame,
        columns: list[str],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> pd.DataFrame:
        """One result row per input row (same index). Identical addresses are sent once."""
        out = _empty_results(df.index)
        text = (
            df[columns]
            .astype(object)
            .map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        )
        text = text.apply(lambda col: col.str.replace(r"\s+", " ", regex=True).str.strip())
        blank = (text == "").all(axis=1).to_numpy()
        out.loc[blank, "geo_status"] = EMPTY
        key = text[~blank].apply(lambda r: "\x1f".join(r), axis=1)
        unique = text[~blank].loc[~key.duplicated()]
        unique_keys = key.loc[unique.index]
        total = len(unique)
        results: dict[str, dict] = {}
        done = 0
        failed_in_a_row = 0
        if progress:
            progress("Géocodage", 0, total)
        for start in range(0, total, self.chunk_size):
            chunk = unique.iloc[start : start + self.chunk_size]
            keys = unique_keys.iloc[start : start + self.chunk_size]
            if cancel is not None and cancel.is_set():
                for k in keys:
                    results[k] = {"geo_status": CANCELLED}
                continue
            if failed_in_a_row >= self.max_failed_chunks:
                # the service is down: do not spend minutes retrying every remaining chunk
                rows = [{"geo_status": SERVICE_ERROR}] * len(chunk)
            else:
                rows = self._chunk(chunk, columns, cancel)
                failed = all(r.get("geo_status") == SERVICE_ERROR for r in rows)
                failed_in_a_row = failed_in_a_row + 1 if failed else 0
            for k, row in zip(keys, rows, strict=True):
                results[k] = row
            done += len(chunk)
            if progress:
                progress("Géocodage", done, total)
        if len(key):
            mapped = pd.DataFrame([{**_FAILED, **results[k]} for k in key], index=key.index)
            for c in mapped.columns:
                out.loc[mapped.index, c] = mapped[c]
        out["geo_ok"] = out["geo_ok"].astype(bool)
        return out

    def _chunk(self, chunk: pd.DataFrame, columns: list[str], cancel) -> list[dict]:
        """Results for one chunk, in order; failures become per-row statuses."""
        ids = [str(i) for i in range(len(chunk))]
        body = io.StringIO()
        writer = csv.writer(body, lineterminator="\n")
        fields = [f"c{i}" for i in range(len(columns))]
        writer.writerow([ROW_ID, *fields])
        for rid, values in zip(ids, chunk.itertuples(index=False), strict=True):
            writer.writerow([rid, *values])
        payload = body.getvalue().encode("utf-8")
        try:
            resp = self._request(
                "POST",
                "/search/csv",
                files={"data": ("adresses.csv", payload, "text/csv")},
                data=[("columns", f) for f in fields],
                cancel=cancel,
                parse=_parse_csv,
            )
        except _Cancelled:
            return [{"geo_status": CANCELLED}] * len(chunk)
        except GeocoderError:
            return [{"geo_status": SERVICE_ERROR}] * len(chunk)
        by_id = resp
        return [by_id.get(rid, {"geo_status": INCOMPLETE}) for rid in ids]

    def _request(
        self, method, path, *, cancel=None, parse=None, timeout=None, retries=None, **kwargs
    ):
        """HTTP with retries; returns the response (or `parse(response)`)."""
        last = "service injoignable"
        retries = self.retries if retries is None else retries
        for attempt in range(retries + 1):
            if cancel is not None and cancel.is_set():
                raise _Cancelled()
            wait = self.backoff * (2**attempt)
            try:
                resp = self.session.request(
                    method, self.base_url + path, timeout=timeout or self.timeout, **kwargs
                )
            except requests.Timeout:
                last = "délai dépassé"
            except requests.RequestException:
                last = "service injoignable"
            else:
                if resp.status_code == 429:
                    last = "trop de requêtes (HTTP 429)"
                    wait = _retry_after(resp.headers.get("Retry-After"), wait)
                elif resp.status_code >= 500:
                    last = f"erreur du service (HTTP {resp.status_code})"
                elif resp.status_code >= 400:
                    raise GeocoderError(
                        f"Le service de géocodage a refusé la requête (HTTP {resp.status_code})."
                    )
                else:
                    if parse is None:
                        return resp
                    try:
                        return parse(resp)
                    except _Unreadable:
                        last = "réponse illisible"
            if attempt < retries:
                self._sleep(min(wait, self.max_wait), cancel)
        raise GeocoderError(f"Géocodage impossible : {last}. Réessayez plus tard.")


class _Cancelled(Exception):
    pass


class _Unreadable(Exception):
    pass


def _interruptible_sleep(seconds: float, cancel: threading.Event | None) -> None:
    (cancel or threading.Event()).wait(seconds)


def _retry_after(value: str | None, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


_FAILED = {
    "geo_ok": False,
    "geo_status": NOT_FOUND,
    "result_label": None,
    "result_score": np.nan,
    "result_type": None,
    "result_citycode": None,
    "longitude": np.nan,
    "latitude": np.nan,
}


def _empty_results(index) -> pd.DataFrame:
    n = len(index)
    return pd.DataFrame(
        {
            "geo_ok": np.zeros(n, dtype=bool),
            "geo_status": np.full(n, NOT_FOUND, dtype=object),
            "result_label": np.full(n, None, dtype=object),
            "result_score": np.full(n, np.nan),
            "result_type": np.full(n, None, dtype=object),
            "result_citycode": np.full(n, None, dtype=object),
            "longitude": np.full(n, np.nan),
            "latitude": np.full(n, np.nan),
        },
        index=index,
    )


def _float(value) -> float:
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return np.nan


def _parse_csv(resp: requests.Response) -> dict[str, dict]:
    """Rows of the service's CSV keyed by our row id. A truncated last row is ignored (its id
    is then reported as an incomplete answer); an answer without our id column is unreadable."""
    text = resp.content.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise _Unreadable() from exc
    if ROW_ID not in header:
        raise _Unreadable()
    pos = {name: i for i, name in enumerate(header)}
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise _Unreadable() from exc
    if rows and not text.endswith(("\n", "\r")):
        rows.pop()  # cut mid-row: even a complete-looking last row may hold a truncated value
    out: dict[str, dict] = {}
    for row in rows:
        if len(row) != len(header):
            continue
        get = lambda name, row=row: row[pos[name]] if name in pos else ""  # noqa: E731
        lon, lat = _float(get("longitude")), _float(get("latitude"))
        score = _float(get("result_score"))
        status = get("result_status")
        found = np.isfinite(lon) and np.isfinite(lat) and status in ("ok", "")
        out[get(ROW_ID)] = {
            "geo_ok": bool(found),
            "geo_status": "ok" if found else NOT_FOUND,
            "result_label": get("result_label") or None,
            "result_score": score,
            "result_type": get("result_type") or None,
            "result_citycode": get("result_citycode") or None,
            "longitude": lon if found else np.nan,
            "latitude": lat if found else np.nan,
        }
    return out
