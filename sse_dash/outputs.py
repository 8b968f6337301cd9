"""Writing a command's output file without ever destroying anything.

Every `python -m sse_dash` command that writes a file (`qpv check`, `brief`, `export`) goes
through this module:

    out = outputs.check_output(args.out, inputs=[args.input])   # before the long work
    ...                                                          # the long work
    outputs.write_bytes(out, data)                               # or, for a writer that wants
    with outputs.replacing(out) as tmp:                          # a path of its own:
        writer(tmp)                                              #   writes tmp, renamed at the end

- `check_output` refuses an output that is one of the inputs, a folder, or in a folder that
  cannot be written (it creates missing parent folders, like the commands always did), so the
  user learns it in a second, not after minutes of work.
- `replacing` / `write_bytes` write a temporary file *in the target folder* and rename it over
  the target only once it is complete (`os.replace`, atomic on one file system): a full disk, a
  crash or Ctrl-C leave the previous file exactly as it was and no half-written file behind.
- Any OSError (permission, folder, read-only or full disk, file size limit) becomes a French
  `UserError` (exit code 2, no traceback) naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from sse_dash.errors import UserError

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DISK_FULL_TEXT = ("no space left on device", "disk quota exceeded", "file too large")


def is_disk_full(exc: BaseException) -> bool:
    """A full disk (or quota / file size limit), from the OS or from a library's message
    (DuckDB reports it as an IOException whose text carries the system's English message)."""
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        return True
    text = str(exc).lower()
    return any(t in text for t in _DISK_FULL_TEXT)


def warehouse_left(warehouse: str | os.PathLike, existed: bool) -> str:
    """What a failed build left, truthfully: the previous warehouse, the geography-only one a
    first build publishes before SIRENE, or nothing."""
    if existed:
        return f"L'entrepôt précédent ({warehouse}) est intact."
    if Path(warehouse).exists():
        return f"Seule la géographie a été publiée dans {warehouse} (sans SIRENE)."
    return "Aucun entrepôt n'a été créé."


def disk_full_message(folder, warehouse: str | os.PathLike, existed: bool) -> str:
    """French message for a build stopped by a full disk."""
    left = warehouse_left(warehouse, existed)
    return (
        f"Disque plein pendant la construction : libérez de l'espace dans {folder} puis "
        f"relancez « python -m sse_dash data build ». Les fichiers temporaires ont été "
        f"supprimés. {left}"
    )


def os_error_message(exc: OSError, path: str | os.PathLike) -> str:
    """A French sentence for an OSError met while writing `path`."""
    where = f"« {path} »"
    code = getattr(exc, "errno", None)
    kept = "(le fichier existant, s'il y en a un, n'a pas été modifié)"
    if code == errno.EFBIG or "file too large" in str(exc).lower():
        return (
            f"Limite de taille de fichier atteinte : impossible d'écrire {where} en entier. "
            f"Choisissez un autre disque ou dossier {kept}."
        )
    if is_disk_full(exc):
        return (
            f"Disque plein : impossible d'écrire {where}. Libérez de l'espace ou choisissez un "
            f"autre dossier {kept}."
        )
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return f"{where} est un dossier : indiquez un nom de fichier (ex. resultat.csv)."
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return f"Permission refusée : impossible d'écrire {where}. Choisissez un autre dossier."
    if code == errno.EROFS:
        return f"Disque en lecture seule : impossible d'écrire {where}."
    if isinstance(exc, NotADirectoryError | FileExistsError) or code in (
        errno.ENOTDIR,
        errno.EEXIST,
    ):
        return f"Chemin invalide : une partie de {where} est un fichier, pas un dossier."
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return f"Dossier introuvable : impossible d'écrire {where}."
    if code == errno.ENAMETOOLONG:
        return f"Nom de fichier trop long : {where}."
    name = errno.errorcode.get(code, "inconnue") if code is not None else type(exc).__name__
    return f"Écriture impossible de {where} (erreur système {name})."


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_output(
    path: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike | None] = (),
    needed_bytes: int = 0,
) -> Path:
    """The output path, checked before any long work: not one of `inputs` (the input would be
    overwritten), not a folder, and its folder exists (created if needed) and can be written,
    with at least `needed_bytes` free when given. Raises UserError (French)."""
    out = Path(path)
    for item in inputs:
        if item is not None and _same_file(out, Path(item)):
            raise UserError(
                f"Le fichier de sortie « {out} » est aussi un fichier d'entrée : il serait écrasé. "
                "Choisissez un autre nom pour --out."
            )
    if out.is_dir():
        raise UserError(
            f"« {out} » est un dossier : indiquez un nom de fichier (ex. resultat.csv)."
        )
    folder = out.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{out.name}.", suffix=".test"):
            pass
    except OSError as exc:
        raise UserError(os_error_message(exc, out)) from None
    if needed_bytes:
        import shutil

        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        if free is not None and free < needed_bytes:
            raise UserError(
                f"Disque presque plein : {free // (1024 * 1024)} Mo libres pour écrire « {out} », "
                f"il en faut environ {needed_bytes // (1024 * 1024) + 1}. Libérez de l'espace ou "
                "choisissez un autre dossier."
            )
    return out


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to `path` (same suffix); when the block ends without error
    it replaces `path` atomically. On any error the temporary file is removed, `path` is left as
    it was, and an OSError becomes a French UserError."""
    out = Path(path)
    try:
        fd, name = tempfile.mkstemp(
            dir=out.parent, prefix=f".{out.name}.", suffix=f".tmp{out.suffix}"
        )
    except OSError as exc:
        raise UserError(os_error_message(exc, out)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(out))
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(os_error_message(exc, out)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _mode_for(out: Path) -> int:
    """The replaced file keeps its permissions; a new one gets the usual ones (umask), not the
    private 0600 of a temporary file."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_bytes(path: str | os.PathLike, data) -> Path:
    """Write `data` (bytes-like, or an iterable of bytes-like chunks written one after the
    other, as they come) to `path` through a temporary file in the same folder (see
    `replacing`), synced to the disk before it replaces `path`."""
    out = Path(path)
    chunks = [data] if isinstance(data, bytes | bytearray | memoryview) else data
    with replacing(out) as tmp, open(tmp, "wb") as fh:
        started = written = 0
        for chunk in chunks:
            view = memoryview(chunk).cast("B")
            for start in range(0, len(view), 1 << 24):
                written += fh.write(view[start : start + (1 << 24)])
            if written - started >= WRITEBACK_BYTES:
                _start_writeback(fh, started, written)
                started = written
        fh.flush()
        os.fsync(fh.fileno())
    return out


WRITEBACK_BYTES = 16 << 20  # a long write hands its pages to the disk as it goes


def _start_writeback(fh, start: int, end: int) -> None:
    """Start writing bytes start:end to the disk now, without waiting (Linux starts the
    writeback of a range's dirty pages on POSIX_FADV_DONTNEED): the final fsync then has
    little left to wait for."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    fh.flush()
    with contextlib.suppress(OSError):
        advise(fh.fileno(), start, end - start, os.POSIX_FADV_DONTNEED)
