"""Output files of the command line (sse_dash.outputs): never the input, checked before the long
work, written to a temporary file in the target folder then renamed, French messages (exit 2)
for every OS error — and the build's disk-full message tells the truth about what is left."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.qpvcheck import warehouse as wh

from sse_dash import cli, config, outputs
from sse_dash.errors import UserError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    wh.build(d / "sse.duckdb")
    return d


@pytest.fixture()
def env(monkeypatch, data_dir):
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(data_dir))
    return data_dir


def points_csv(path: Path, rows: int = 3) -> Path:
    lines = ["nom;lon;lat"] + [f"Asso {i};{wh.IN_PARIS[0]};{wh.IN_PARIS[1]}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------------ qpv check
def test_out_equal_to_input_is_refused_and_the_input_kept(env, tmp_path, capsys):
    src = points_csv(tmp_path / "adresses.csv")
    before = src.read_bytes()
    assert cli.main(["qpv", "check", str(src), "--out", str(src)]) == 2
    err = capsys.readouterr().err
    assert "aussi un fichier d'entrée" in err and "Traceback" not in err
    assert src.read_bytes() == before
    # the same file under another spelling of its path
    other = tmp_path / "sub" / ".." / "adresses.csv"
    (tmp_path / "sub").mkdir()
    assert cli.main(["qpv", "check", str(src), "--out", str(other)]) == 2
    assert src.read_bytes() == before


def test_output_problems_are_found_before_the_long_work(tmp_path, monkeypatch, capsys):
    """No warehouse here: the output is checked first, so its message comes, not the
    warehouse's (minutes of geocoding would otherwise be lost)."""
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path / "vide"))
    src = points_csv(tmp_path / "in.csv")
    folder = tmp_path / "resultat.csv"
    folder.mkdir()
    assert cli.main(["qpv", "check", str(src), "--out", str(folder)]) == 2
    assert "est un dossier" in capsys.readouterr().err
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    assert cli.main(["qpv", "check", str(src), "--out", str(blocker / "r.csv")]) == 2
    assert "Chemin invalide" in capsys.readouterr().err
    if os.access("/sys", os.W_OK) and not _sys_refuses():
        pytest.skip("/sys accepte l'écriture ici")
    assert cli.main(["qpv", "check", str(src), "--out", "/sys/resultat.csv"]) == 2
    err = capsys.readouterr().err
    assert "Permission refusée" in err and "Traceback" not in err


def _sys_refuses() -> bool:
    try:
        with open("/sys/.sse_dash_test", "w"):
            return False
    except OSError:
        return True


def test_a_write_that_fails_midway_leaves_everything_as_it_was(data_dir, tmp_path):
    """A full disk during the write left the input truncated mid-row. Here the write stops at
    64 KB (RLIMIT_FSIZE, as a full disk would): the previous output and the input are intact,
    no temporary file is left, and the message is French."""
    src = points_csv(tmp_path / "in.csv", rows=3000)
    out = tmp_path / "resultat.csv"
    out.write_text("ancien résultat\n")
    before_in, before_out = src.read_bytes(), out.read_bytes()

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = subprocess.run(
        [sys.executable, "-m", "sse_dash", "qpv", "check", str(src), "--out", str(out)],
        cwd=REPO,
        env={**os.environ, "SSE_DASH_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Limite de taille de fichier" in done.stderr and "Traceback" not in done.stderr
    assert src.read_bytes() == before_in and out.read_bytes() == before_out
    assert leftovers(tmp_path) == []


def test_disk_full_while_writing(tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    out.write_bytes(b"ancien")

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(UserError, match="Disque plein") as err:
        outputs.write_bytes(out, b"nouveau" * 1000)
    assert "No space" not in str(err.value)
    assert out.read_bytes() == b"ancien" and leftovers(tmp_path) == []


def test_write_replaces_with_usual_permissions(tmp_path):
    out = outputs.write_bytes(tmp_path / "r.csv", b"a")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    os.chmod(out, 0o640)
    outputs.write_bytes(out, b"b")
    assert out.read_bytes() == b"b" and out.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    "code,text",
    [
        (errno.ENOSPC, "Disque plein"),
        (errno.EDQUOT, "Disque plein"),
        (errno.EACCES, "Permission refusée"),
        (errno.EROFS, "lecture seule"),
        (errno.EISDIR, "est un dossier"),
        (errno.ENAMETOOLONG, "trop long"),
        (errno.EIO, "erreur système EIO"),
    ],
)
def test_os_errors_in_french(code, text):
    message = outputs.os_error_message(OSError(code, os.strerror(code)), "x.csv")
    assert text in message and os.strerror(code) not in message


# ------------------------------------------------------------------------ brief
def test_brief_never_overwrites_its_warehouse(tmp_path, capsys):
    warehouse = tmp_path / "base.pptx"
    warehouse.write_bytes(b"entrepot")
    argv = ["brief", "--territory", "dep:93", "--out", str(warehouse)]
    assert cli.main([*argv, "--warehouse", str(warehouse)]) == 2
    assert "aussi un fichier d'entrée" in capsys.readouterr().err
    assert warehouse.read_bytes() == b"entrepot"
    folder = tmp_path / "note.pptx"
    folder.mkdir()
    argv = ["brief", "--territory", "dep:93", "--out", str(folder)]
    assert cli.main([*argv, "--warehouse", str(tmp_path / "absent.duckdb")]) == 2
    assert "est un dossier" in capsys.readouterr().err


# ------------------------------------------------------------------------ data build
def _disk_full_build(monkeypatch, tmp_path, capsys) -> str:
    import duckdb

    from sse_dash.warehouse import build as wb

    def full(_con):
        raise duckdb.IOException(
            'IO Error: Could not write file "sse.duckdb.tmp": No space left on device'
        )

    monkeypatch.setattr(wb, "create_schema", full)
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    code = cli.main(["data", "build", "--catalog", str(config.DEV_CATALOG)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "Disque plein" in err and "No space left" not in err and "IO Error" not in err
    assert not (tmp_path / "sse.duckdb.tmp").exists()
    return err


def test_build_disk_full_without_a_previous_warehouse(monkeypatch, tmp_path, capsys):
    err = _disk_full_build(monkeypatch, tmp_path, capsys)
    assert "intact" not in err and "Aucun entrepôt n'a été créé" in err


def test_build_disk_full_keeps_the_previous_warehouse(monkeypatch, tmp_path, capsys):
    (tmp_path / "sse.duckdb").write_bytes(b"ancien")
    err = _disk_full_build(monkeypatch, tmp_path, capsys)
    assert "L'entrepôt précédent" in err and "intact" in err
    assert (tmp_path / "sse.duckdb").read_bytes() == b"ancien"


def test_build_other_failure_does_not_claim_a_previous_warehouse(monkeypatch, tmp_path, capsys):
    from sse_dash.warehouse import build as wb

    def broken(_con):
        raise RuntimeError("boom")

    monkeypatch.setattr(wb, "create_schema", broken)
    monkeypatch.setenv("SSE_DASH_DATA_DIR", str(tmp_path))
    assert cli.main(["data", "build", "--catalog", str(config.DEV_CATALOG)]) == 2
    err = capsys.readouterr().err
    assert "intact" not in err and "Aucun entrepôt n'a été créé" in err


def test_a_long_write_hands_its_pages_to_the_disk_as_it_goes(tmp_path, monkeypatch):
    """Chunks written as they come (a generator: the batch check's pieces); past every
    WRITEBACK_BYTES the range written is handed to the disk (writeback started), so that the
    final fsync has little left; the file is whole, and an error midway leaves the old one."""
    advised = []
    real = os.posix_fadvise

    def spy(fd, offset, length, advice):
        advised.append((offset, length, advice))
        return real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", spy)
    monkeypatch.setattr(outputs, "WRITEBACK_BYTES", 1000)
    out = tmp_path / "r.csv"
    parts = (bytes([65 + i % 26]) * 300 for i in range(20))
    outputs.write_bytes(out, parts)
    assert out.read_bytes() == b"".join(bytes([65 + i % 26]) * 300 for i in range(20))
    assert [(o, n) for o, n, _ in advised] == [(0, 1200), (1200, 1200), (2400, 1200),
                                              (3600, 1200), (4800, 1200)]  # fmt: skip
    assert {a for *_, a in advised} == {os.POSIX_FADV_DONTNEED}

    def broken():
        yield b"x" * 5000
        raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(UserError):
        outputs.write_bytes(out, broken())
    assert out.read_bytes().startswith(b"AAA") and leftovers(tmp_path) == []
