"""Downloads with provenance: every file the warehouse is built from is fetched here, verified
(size, SHA-256) before it replaces anything, and described in a `<file>.meta.json` sidecar so the
next build can ask the server « has it changed? » instead of downloading gigabytes again.

Guarantees: a failed download (HTTP error, truncated body, wrong checksum, timeout, Ctrl-C) never
touches the previous copy; bytes go to `<file>.part`, which a later attempt resumes with a Range
request; the final file only appears through an atomic `os.replace`."""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

import requests

from sse_dash import datagouv
from sse_dash.catalog import Dataset

log = logging.getLogger(__name__)

Progress = Callable[[str, float, float | None], None]

USER_AGENT = "sse_dash/0.1 (tableau de bord ESS-QPV; +https://www.data.gouv.fr)"
CHUNK = 1 << 20
BACKOFF_BASE = 1.0  # seconds; doubled at each retry
BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 60.0  # never wait longer than this, whatever the server says
_sleep = time.sleep  # tests replace it to stay fast and to observe waits

FORMAT_SUFFIX = {
    "parquet": ".parquet",
    "geoparquet": ".parquet",
    "geojson": ".geojson",
    "shapefile": ".zip",
    "gpkg": ".gpkg",
    "csv": ".csv",
    "xls": ".xls",
    "xlsx": ".xlsx",
    "json": ".json",
}


@dataclass(frozen=True)
class Fetched:
    path: Path  # local file ready to read (zips are NOT extracted: the reader handles ds.member)
    source: str  # URL actually used (or mirror / local path)
    retrieved_at: datetime  # UTC
    sha256: str
    size: int
    from_cache: bool
    etag: str | None = None
    last_modified: str | None = None
    vintage: str | None = None  # month of the file (« 2026-08 »), see sse_dash.datagouv
    vintage_source: str | None = None  # where that month was read


class FetchError(RuntimeError):
    """A dataset could not be obtained; the message (French) says which, from where, why and how
    to provide it another way. `transient` is True when the cause may be the network."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        reason: str | None = None,
        transient: bool = False,
    ):
        super().__init__(message)
        self.url, self.reason, self.transient = url, reason or message, transient


# ---------------------------------------------------------------- small helpers


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".meta.json")


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def _part_meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.json")


def read_meta(dest: Path) -> dict | None:
    """The sidecar written after the last successful download, or None."""
    try:
        meta = json.loads(meta_path(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _human_size(n: float) -> str:
    for unit in ("o", "Ko", "Mo", "Go"):
        if abs(n) < 1024 or unit == "Go":
            return f"{n:.0f} {unit}" if unit == "o" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024
    return f"{n} o"  # pragma: no cover


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), bounded."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - _now()).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


def _backoff(attempt: int) -> float:
    return min(BACKOFF_BASE * (2**attempt), BACKOFF_MAX)


def url_basename(url: str) -> str:
    """Last path segment of a URL (query string ignored), or '' for a bare host."""
    return unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])


def target_name(ds: Dataset) -> str:
    """Local file name of a remote dataset: `options.filename`, else the first URL's basename,
    given a suffix from the format when the URL has none (API endpoints, data.gouv.fr `/r/<id>`)."""
    explicit = ds.options.get("filename") if isinstance(ds.options, dict) else None
    if explicit:
        return str(explicit)
    name = url_basename(ds.urls[0]) if ds.urls else ""
    name = name or ds.id
    if not Path(name).suffix:
        name += ".zip" if ds.member else FORMAT_SUFFIX.get(ds.format, "")
    return name


class _Reporter:
    """Throttles progress callbacks (about 200 per file) so a Streamlit bar is not flooded."""

    def __init__(self, progress: Progress | None, label: str):
        self.progress, self.label = progress, label
        self.last = -1.0

    def __call__(self, done: float, total: float | None, *, force: bool = False) -> None:
        if self.progress is None:
            return
        step = max((total or 0) / 200, CHUNK * 4)
        if done == self.last:
            return  # the final forced report may repeat the last one
        if force or self.last < 0 or done - self.last >= step:
            self.last = done
            self.progress(self.label, float(done), float(total) if total else None)


# ---------------------------------------------------------------- download


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying on the same URL."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.wait = reason, wait


class _Fail(Exception):
    """Internal: this URL will not work now (404, checksum...), go to the next one."""

    def __init__(self, reason: str, *, resumed: bool = False):
        super().__init__(reason)
        self.reason, self.resumed = reason, resumed


def _network_reason(exc: Exception) -> str:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "délai de connexion dépassé (serveur injoignable ou pas de réseau)"
    if isinstance(exc, requests.exceptions.Timeout):
        return "délai dépassé : le serveur ne répond plus"
    if isinstance(exc, requests.exceptions.SSLError):
        return "erreur TLS/SSL (certificat refusé : proxy d'entreprise ?)"
    if isinstance(exc, requests.exceptions.ProxyError):
        return "erreur du proxy"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "transfert interrompu avant la fin (réponse tronquée)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connexion impossible (serveur injoignable ou pas de réseau)"
    return f"erreur réseau ({type(exc).__name__})"


def _cached(dest: Path, meta: dict | None) -> Fetched:
    """A Fetched describing the file already on disk (sidecar trusted when its size matches)."""
    size = dest.stat().st_size
    meta = meta or {}
    sha = meta.get("sha256") if meta.get("size") == size else None
    retrieved = _parse_time(meta.get("retrieved_at")) or datetime.fromtimestamp(
        dest.stat().st_mtime, UTC
    )
    vintage, how = meta.get("vintage"), meta.get("vintage_source")
    if not vintage:
        vintage, how = datagouv.vintage_of(
            name=meta.get("final_url") or meta.get("source"),
            http_last_modified=meta.get("last_modified"),
            mtime=dest.stat().st_mtime,
        )
    return Fetched(
        path=dest,
        source=meta.get("source") or str(dest),
        retrieved_at=retrieved,
        sha256=sha or sha256_file(dest),
        size=size,
        from_cache=True,
        etag=meta.get("etag"),
        last_modified=meta.get("last_modified"),
        vintage=vintage,
        vintage_source=how,
    )


def download(
    url: str,
    dest: Path,
    *,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
    progress: Progress | None = None,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = (10, 60),
    retries: int = 3,
    conditional: bool = True,
    label: str | None = None,
    resource: datagouv.Resource | None = None,
) -> Fetched:
    """Download `url` to `dest` safely (see module docstring). Raises FetchError (French).
    `resource`: data.gouv.fr metadata of the file, for its vintage."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    own_session = session is None
    session = session or requests.Session()
    report = _Reporter(progress, label or dest.name)
    expected_sha256 = expected_sha256.lower() if expected_sha256 else None
    try:
        restart_once = True
        attempt = 0
        while True:
            try:
                return _attempt(
                    url,
                    dest,
                    session,
                    timeout,
                    report,
                    expected_sha256,
                    expected_size,
                    conditional,
                    resource,
                )
            except _Retry as exc:
                if attempt >= retries:
                    reason = f"{exc.reason} (après {attempt + 1} tentatives)"
                    raise FetchError(
                        f"Téléchargement impossible : {url} — {reason}",
                        url=url,
                        reason=reason,
                        transient=True,
                    ) from None
                wait = exc.wait if exc.wait is not None else _backoff(attempt)
                log.info("Nouvel essai dans %.1f s : %s (%s)", wait, url, exc.reason)
                _sleep(wait)
                attempt += 1
            except _Fail as exc:
                if exc.resumed and restart_once:
                    restart_once = False  # a stale .part was resumed: start from zero once
                    continue
                raise FetchError(
                    f"Téléchargement impossible : {url} — {exc.reason}",
                    url=url,
                    reason=exc.reason,
                ) from None
    finally:
        if own_session:
            session.close()


def _attempt(
    url: str,
    dest: Path,
    session: requests.Session,
    timeout: tuple[float, float],
    report: _Reporter,
    expected_sha256: str | None,
    expected_size: int | None,
    conditional: bool,
    resource: datagouv.Resource | None = None,
) -> Fetched:
    part, part_meta_file = part_path(dest), _part_meta_path(dest)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}

    # Resume a partial download of the same URL.
    offset = part.stat().st_size if part.exists() else 0
    part_meta = {}
    if offset:
        try:
            part_meta = json.loads(part_meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            part_meta = {}
        if part_meta.get("url", url) != url or (expected_size and offset >= expected_size):
            part.unlink()
            offset, part_meta = 0, {}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        validator = part_meta.get("etag") or part_meta.get("last_modified")
        if validator and not str(validator).startswith("W/"):
            headers["If-Range"] = validator
    meta = read_meta(dest) if dest.exists() else None
    if conditional and meta and not offset:
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]

    try:
        resp = session.get(url, headers=headers, stream=True, timeout=timeout)
    except (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError) as exc:
        raise _Fail(_network_reason(exc)) from None
    except requests.exceptions.ConnectionError as exc:
        # No route, no DNS, refused, firewall: retrying would only make an offline build wait
        # minutes before saying so. The next URL (another host) is still tried.
        raise _Fail(_network_reason(exc)) from None
    except requests.exceptions.RequestException as exc:
        raise _Retry(_network_reason(exc)) from None
    with resp:
        status = resp.status_code
        if status == 304 and dest.exists():
            return _cached(dest, meta)
        if status == 429 or status >= 500:
            raise _Retry(f"HTTP {status}", _retry_after(resp.headers.get("Retry-After")))
        if status == 416 and offset:
            part.unlink(missing_ok=True)  # our .part is not a prefix of the file any more
            raise _Retry("reprise refusée (HTTP 416), redémarrage", 0.0)
        if status not in (200, 206):
            what = {404: "introuvable", 403: "accès refusé", 410: "supprimé", 401: "accès refusé"}
            extra = f" ({what[status]})" if status in what else ""
            raise _Fail(f"HTTP {status}{extra}")
        if resp.headers.get("Content-Type", "").lower().startswith("text/html"):
            raise _Fail(  # a landing page, a login page or a proxy's error page, not data
                "la réponse est une page web (HTML), pas un fichier de données : l'adresse "
                "pointe vers une page de présentation ou un portail d'accès"
            )

        start = 0
        if status == 206:
            start = _content_range_start(resp.headers.get("Content-Range"))
            if start != offset:
                part.unlink(missing_ok=True)
                raise _Retry("reprise incohérente (Content-Range), redémarrage", 0.0)
        resumed = start > 0
        encoded = resp.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        length = resp.headers.get("Content-Length")
        body_len = int(length) if length and length.isdigit() and not encoded else None
        total = (start + body_len) if body_len is not None else expected_size

        etag, last_modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        final_url = resp.url or url  # after redirects: the dated file behind a stable link
        if not resumed:
            _write_json_atomic(
                part_meta_file, {"url": url, "etag": etag, "last_modified": last_modified}
            )
        h = hashlib.sha256()
        if resumed:
            with open(part, "rb") as f:
                while block := f.read(CHUNK):
                    h.update(block)
        done = start
        try:
            with open(part, "ab" if resumed else "wb") as out:
                report(done, total, force=True)
                for block in resp.iter_content(CHUNK):
                    out.write(block)
                    h.update(block)
                    done += len(block)
                    report(done, total)
                out.flush()
                os.fsync(out.fileno())
        except requests.exceptions.RequestException as exc:
            raise _Retry(_network_reason(exc)) from None
        except OSError as exc:
            raise _Fail(f"écriture impossible dans {part.parent} ({exc.strerror or exc})") from None
        report(done, total, force=True)

    if body_len is not None and done != start + body_len:
        raise _Retry(
            f"transfert interrompu : {_human_size(done)} reçus sur {_human_size(start + body_len)}"
        )
    digest = h.hexdigest()
    if expected_size is not None and done != expected_size:
        part.unlink(missing_ok=True)
        _part_meta_path(dest).unlink(missing_ok=True)
        raise _Fail(
            f"taille inattendue : {done} octets au lieu de {expected_size} (catalogue)",
            resumed=resumed,
        )
    if expected_sha256 and digest != expected_sha256:
        part.unlink(missing_ok=True)
        _part_meta_path(dest).unlink(missing_ok=True)
        raise _Fail(
            f"empreinte SHA-256 incorrecte : obtenu {digest[:12]}…, attendu "
            f"{expected_sha256[:12]}… (catalogue) ; fichier modifié à la source ?",
            resumed=resumed,
        )

    retrieved = _now()
    os.replace(part, dest)
    _part_meta_path(dest).unlink(missing_ok=True)
    vintage, how = datagouv.vintage_of(
        name=final_url, resource=resource, http_last_modified=last_modified
    )
    _write_json_atomic(
        meta_path(dest),
        {
            "source": url,
            "final_url": final_url,
            "retrieved_at": retrieved.isoformat(),
            "sha256": digest,
            "size": done,
            "etag": etag,
            "last_modified": last_modified,
            "vintage": vintage,
            "vintage_source": how,
        },
    )
    return Fetched(
        path=dest,
        source=url,
        retrieved_at=retrieved,
        sha256=digest,
        size=done,
        from_cache=False,
        etag=etag,
        last_modified=last_modified,
        vintage=vintage,
        vintage_source=how,
    )


def _content_range_start(value: str | None) -> int:
    """`bytes 100-199/200` → 100; -1 when absent or malformed."""
    try:
        unit, rng = (value or "").split(" ", 1)
        return int(rng.split("-", 1)[0]) if unit == "bytes" else -1
    except ValueError:
        return -1


# ---------------------------------------------------------------- datasets


def how_to_provide(ds: Dataset, name: str) -> str:
    """French lines telling how to provide a dataset without Internet (mirror or `path`)."""
    return (
        "Pour le fournir sans accès à Internet :\n"
        f"  • déposez le fichier « {name} » dans un dossier miroir (intranet) et indiquez ce "
        f"dossier dans la variable SSE_DASH_MIRROR (à la racine ou dans un sous-dossier "
        f"« {ds.id}/ ») ;\n"
        "  • ou utilisez votre propre catalogue (option --catalog ou variable SSE_DASH_CATALOG) "
        f'où le jeu « {ds.id} » porte `path = "chemin/vers/le/fichier"` au lieu de `urls`.'
    )


def mirror_names(ds: Dataset) -> list[str]:
    """File names a mirror may use for a dataset: the local name, the last part of each URL
    and `options.mirror_names` (e.g. the official SIRENE names of before and after 2026)."""
    extra = ds.options.get("mirror_names") if isinstance(ds.options, dict) else None
    names = [target_name(ds), *(url_basename(u) for u in ds.urls), *(extra or [])]
    return list(dict.fromkeys(n for n in names if n))


# A date before or after a known name (« 2026-08-01-StockEtablissement_utf8.parquet »,
# « stock-stocketablissement-parquet_202608.parquet »): a dated copy of the same file.
_DATE_PART = (
    r"(?:(?:19|20)\d{2}[-_.]?(?:0[1-9]|1[0-2])(?:[-_.]?(?:0[1-9]|[12]\d|3[01]))?(?:-\d{6})?)"
)


def _dated_name(candidate: str, known: set[str]) -> bool:
    lower = candidate.lower()
    for name in known:
        stem, dot, ext = name.lower().rpartition(".")
        if not dot:
            stem, ext = name.lower(), ""
        suffix = f"\\.{re.escape(ext)}" if ext else ""
        pattern = rf"^(?:{_DATE_PART}[-_.])?{re.escape(stem)}(?:[-_.]{_DATE_PART})?{suffix}$"
        if re.match(pattern, lower):
            return True
    return False


def _mirror_candidates(ds: Dataset, mirror_dir: Path, name: str) -> list[Path]:
    """Every file of the mirror that may hold `ds`: the known names in `<mirror>/<id>/` or at
    the root, the same names with a date before or after them, and files in a dated folder
    (data.gouv.fr's `YYYYMMDD-HHMMSS/`) under `<mirror>/<id>/`."""
    names = mirror_names(ds)
    known = {n.lower() for n in names}
    out: list[Path] = []
    for folder in (mirror_dir / ds.id, mirror_dir):
        if not folder.is_dir():
            continue
        for n in names:
            if (folder / n).is_file():
                out.append(folder / n)
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_file() and entry not in out and entry.name.lower() not in known:
                if _dated_name(entry.name, known):
                    out.append(entry)
            elif entry.is_dir() and folder != mirror_dir and datagouv.month_in_name(entry.name):
                for n in names:
                    if (entry / n).is_file():
                        out.append(entry / n)
    return out


def _newest(paths: list[Path]) -> Path | None:
    """The copy of the latest month (name or dated folder), then the most recent file."""
    if not paths:
        return None

    def key(path: Path):
        month = datagouv.month_in_name(str(path.relative_to(path.anchor)))
        return (month or "", path.stat().st_mtime)

    return max(paths, key=key)


def mirror_copy(ds: Dataset, mirror_dir: Path | None) -> Path | None:
    """The copy of a remote dataset in the mirror folder (SSE_DASH_MIRROR), if there is one;
    the newest when the mirror keeps several dated copies."""
    if mirror_dir is None or not ds.urls:
        return None
    return _newest(_mirror_candidates(ds, Path(mirror_dir), target_name(ds)))


def _local(ds: Dataset, path: Path, *, source: str, what: str) -> Fetched:
    """Describe (and check against the catalogue) a file taken from disk as is."""
    size = path.stat().st_size
    digest = sha256_file(path)
    if ds.size is not None and size != ds.size:
        raise FetchError(
            f"Jeu « {ds.id} » ({ds.title}) : {what} {path} fait {size} octets, le catalogue "
            f"en attend {ds.size}. Remplacez-le par la bonne version.",
            url=source,
        )
    if ds.sha256 and digest != ds.sha256.lower():
        raise FetchError(
            f"Jeu « {ds.id} » ({ds.title}) : l'empreinte SHA-256 de {what} {path} ne correspond "
            f"pas au catalogue (obtenu {digest[:12]}…, attendu {ds.sha256[:12]}…). "
            "Remplacez-le par la bonne version.",
            url=source,
        )
    sidecar = read_meta(path) or {}
    vintage, how = sidecar.get("vintage"), sidecar.get("vintage_source")
    if not vintage:
        vintage, how = datagouv.vintage_of(
            name=str(path),
            http_last_modified=sidecar.get("last_modified"),
            mtime=path.stat().st_mtime,
        )
    return Fetched(
        path=path,
        source=source,
        retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        sha256=digest,
        size=size,
        from_cache=True,
        vintage=vintage,
        vintage_source=how,
    )


def fetch_dataset(
    ds: Dataset,
    downloads_dir: Path,
    *,
    mirror_dir: Path | None = None,
    progress: Progress | None = None,
    refresh: bool = False,
) -> Fetched:
    """Obtain one catalogue dataset: local `path` as is, else mirror, else download (trying each
    URL in order) into `downloads_dir/<id>/<name>`, else the previous copy with a warning."""
    local = ds.local_path()
    if local is not None:
        if not local.is_file():
            raise FetchError(
                f"Jeu « {ds.id} » ({ds.title}) : fichier local introuvable : {local}. "
                "Vérifiez la clé `path` du catalogue (relative au dossier `base_dir`)."
            )
        return _local(ds, local, source=str(local), what="le fichier")
    if not ds.urls:
        raise FetchError(f"Jeu « {ds.id} » ({ds.title}) : ni `urls` ni `path` dans le catalogue.")

    name = target_name(ds)
    mirrored = mirror_copy(ds, mirror_dir)
    if mirrored is not None:
        log.info("Jeu %s : copie miroir %s", ds.id, mirrored)
        return _local(ds, mirrored, source=str(mirrored), what="la copie miroir")

    dest = Path(downloads_dir) / ds.id / name
    meta = read_meta(dest) if dest.exists() else None
    if not refresh and meta and ds.sha256 and meta.get("sha256") == ds.sha256.lower():
        if meta.get("size") == dest.stat().st_size:
            return _cached(dest, meta)  # pinned content already here: no network needed

    failures: list[tuple[str, str]] = []
    resource = datagouv.resolve(ds.options) if isinstance(ds.options, dict) else None
    urls = list(dict.fromkeys([resource.url, *ds.urls] if resource else ds.urls))
    for url in urls:
        try:
            return download(
                url,
                dest,
                expected_sha256=ds.sha256,
                expected_size=ds.size,
                progress=progress,
                conditional=not refresh,
                label=f"Téléchargement : {ds.title}",
                resource=resource if resource and url == resource.url else None,
            )
        except FetchError as exc:
            failures.append((url, exc.reason))
            log.warning("Jeu %s : échec sur %s — %s", ds.id, url, exc.reason)

    details = "\n".join(f"  • {u} : {r}" for u, r in failures)
    if dest.exists() and not refresh:
        cached = _cached(dest, meta)
        if not ds.sha256 or cached.sha256 == ds.sha256.lower():
            log.warning(
                "Jeu « %s » (%s) : source injoignable, utilisation de la copie locale du %s.\n%s",
                ds.id,
                ds.title,
                cached.retrieved_at.strftime("%d/%m/%Y %H:%M UTC"),
                details,
            )
            return cached
    raise FetchError(
        f"Impossible d'obtenir le jeu « {ds.id} » ({ds.title}).\n{details}\n"
        + how_to_provide(ds, name),
        url=failures[-1][0] if failures else None,
        transient=True,
    )


# ---------------------------------------------------------------- terminal progress


def tqdm_progress(**tqdm_kwargs) -> Progress:
    """A progress callable for terminals: one tqdm bar per label, closed when complete."""
    from tqdm import tqdm

    state: dict = {"bar": None, "label": None, "done": 0.0, "finished": None}

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].close()
        state["bar"] = state["label"] = None

    def progress(label: str, done: float, total: float | None) -> None:
        if label == state["finished"] and total and done >= total:
            return  # already drawn complete
        if label != state["label"] or done < state["done"]:
            close()
            state["bar"] = tqdm(
                total=total,
                desc=label,
                unit="o",
                unit_scale=True,
                unit_divisor=1024,
                leave=True,
                **tqdm_kwargs,
            )
            state["label"], state["done"] = label, 0.0
        bar = state["bar"]
        if total and bar.total != total:
            bar.total = total
        bar.update(done - state["done"])
        state["done"] = done
        if total and done >= total:
            close()
            state["finished"] = label

    return progress
