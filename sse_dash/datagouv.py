"""data.gouv.fr: the current file behind a resource, and the vintage (month) of a file.

Since June 2026 INSEE uploads a new dated file each month to the SIRENE datasets; data.gouv.fr
stores an upload under `static.data.gouv.fr/resources/<dataset slug>/<YYYYMMDD-HHMMSS>/<name>`
(udata's upload prefix) and keeps the resource id: `https://www.data.gouv.fr/api/1/datasets/r/
<resource id>` redirects to the current file. The API describes a resource with `id`, `title`,
`url`, `last_modified`, `filesize`, `checksum` (udata: GET /api/2/datasets/resources/<rid>/
returns {"resource": {...}, "dataset_id": ...}; GET /api/1/datasets/<id or slug>/ returns the
dataset with its `resources` list). Both are used here, read-only, without a key.

The vintage shown to users is a month (« 2026-08 »), never « dernier disponible »: taken from
the file's name or dated folder, else the resource metadata (title, last_modified), else the
server's Last-Modified, else the file's date on disk."""

from __future__ import annotations

import email.utils
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

log = logging.getLogger(__name__)

API_ENV = "SSE_DASH_DATAGOUV_API"
DEFAULT_API = "https://www.data.gouv.fr/api"
TIMEOUT = (5, 20)

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}
# Dated folder of a data.gouv.fr upload (20260801-074451), then dates inside a file name.
_FOLDER_RE = re.compile(
    r"(?:^|/)((?:19|20)\d{2})(0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-\d{6}(?:/|$)"
)
_NAME_DATE_RES = (
    re.compile(
        r"(?<!\d)((?:19|20)\d{2})[-_.](0[1-9]|1[0-2])(?:[-_.](?:0[1-9]|[12]\d|3[01]))?(?!\d)"
    ),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?(?!\d)"),
)
_TITLE_RE = re.compile(
    r"(?i)\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\s+((?:19|20)\d{2})\b"
)


@dataclass(frozen=True)
class Resource:
    id: str | None
    url: str
    title: str | None = None
    last_modified: str | None = None
    filesize: int | None = None
    checksum: str | None = None


def api_base() -> str | None:
    """The data.gouv.fr API root (SSE_DASH_DATAGOUV_API; « none » disables resolution)."""
    value = os.environ.get(API_ENV, DEFAULT_API).strip().rstrip("/")
    return None if value.lower() in ("", "none", "off") else value


def _resource(data: dict) -> Resource | None:
    url = (data or {}).get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    size = data.get("filesize")
    checksum = data.get("checksum")
    return Resource(
        id=data.get("id"),
        url=url.strip(),
        title=data.get("title"),
        last_modified=data.get("last_modified"),
        filesize=int(size) if isinstance(size, int | float) else None,
        checksum=checksum.get("value") if isinstance(checksum, dict) else None,
    )


def resolve(options: dict, session: requests.Session | None = None) -> Resource | None:
    """The current file of a catalogue dataset, from its options: `datagouv_resource` (a
    resource id), else `datagouv_dataset` (id or slug) with `datagouv_match` (text the
    resource's title or URL must contain; the most recently modified match wins). None when
    the options say nothing, the API is disabled or unreachable (the stable links then do)."""
    base = api_base()
    rid = options.get("datagouv_resource")
    dataset = options.get("datagouv_dataset")
    if base is None or not (rid or dataset):
        return None
    own = session is None
    session = session or requests.Session()
    try:
        if rid:
            resp = session.get(f"{base}/2/datasets/resources/{rid}/", timeout=TIMEOUT)
            resp.raise_for_status()
            return _resource(resp.json().get("resource") or {})
        resp = session.get(f"{base}/1/datasets/{dataset}/", timeout=TIMEOUT)
        resp.raise_for_status()
        match = str(options.get("datagouv_match") or "").lower()
        found = [
            r
            for r in (_resource(x) for x in resp.json().get("resources") or [])
            if r is not None and match in f"{r.title or ''} {r.url}".lower()
        ]
        found.sort(key=lambda r: r.last_modified or "", reverse=True)
        return found[0] if found else None
    except (requests.RequestException, ValueError, AttributeError, TypeError) as exc:
        log.info("Résolution data.gouv.fr impossible (%s) : liens stables utilisés", exc)
        return None
    finally:
        if own:
            session.close()


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_in_name(text: str | None) -> str | None:
    """« 2026-08 » from a dated data.gouv.fr folder or a date in a file name or URL."""
    if not text:
        return None
    found = _FOLDER_RE.search(text)
    if found:
        return _month(int(found.group(1)), int(found.group(2)))
    name = text.rstrip("/").rsplit("/", 1)[-1]
    for pattern in _NAME_DATE_RES:
        found = pattern.search(name)
        if found:
            return _month(int(found.group(1)), int(found.group(2)))
    return None


def month_in_title(text: str | None) -> str | None:
    """« 2026-08 » from a French title such as « Sirene : Fichier … du 01 août 2026 »."""
    found = _TITLE_RE.search(text or "")
    if not found:
        return None
    return _month(int(found.group(2)), MONTHS[found.group(1).lower()])


def month_of_date(value) -> str | None:
    """« 2026-08 » from an ISO date, an HTTP date or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _month(value.year, value.month)
    text = str(value).strip()
    try:
        return month_of_date(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return month_of_date(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError):
        return None


def vintage_of(
    *,
    name: str | None = None,
    resource: Resource | None = None,
    http_last_modified: str | None = None,
    mtime: float | None = None,
) -> tuple[str | None, str | None]:
    """(vintage « YYYY-MM », where it was read) — the file's name or dated folder, the resource
    metadata, the server's Last-Modified, the file's date on disk, in this order."""
    for value, how in (
        (month_in_name(name), "nom ou dossier daté du fichier"),
        (month_in_name(resource.url) if resource else None, "adresse datée (data.gouv.fr)"),
        (month_in_title(resource.title) if resource else None, "titre de la ressource"),
        (month_of_date(resource.last_modified) if resource else None, "métadonnées data.gouv.fr"),
        (month_of_date(http_last_modified), "en-tête Last-Modified"),
        (
            month_of_date(datetime.fromtimestamp(mtime, UTC)) if mtime is not None else None,
            "date du fichier",
        ),
    ):
        if value:
            return value, how
    return None, None
