"""Every page imports sse_dash.ui.boot before anything else, and boot imports every module
of the package a page imports: concurrent first runs of a fresh server then never meet a
half-imported module (see sse_dash/ui/boot.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from sse_dash.ui import pages

REPO = Path(__file__).resolve().parent.parent


def _imports(tree: ast.Module) -> list[str]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return found


def _is_module(name: str) -> bool:
    parts = name.split(".")
    return (REPO.joinpath(*parts).with_suffix(".py")).exists() or (
        REPO.joinpath(*parts) / "__init__.py"
    ).exists()


def test_every_page_imports_boot_first():
    for page in pages.PAGES:
        tree = ast.parse((REPO / page.script).read_text(encoding="utf-8"))
        first = next(n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
        assert isinstance(first, ast.Import), page.script
        assert [a.name for a in first.names] == ["sse_dash.ui.boot"], page.script


def test_boot_loads_every_package_module_a_page_imports():
    booted = set(_imports(ast.parse((REPO / "sse_dash/ui/boot.py").read_text(encoding="utf-8"))))
    for page in pages.PAGES:
        tree = ast.parse((REPO / page.script).read_text(encoding="utf-8"))
        used = {m for m in _imports(tree) if m.startswith("sse_dash.") and _is_module(m)}
        leaves = {m for m in used if not (REPO / m.replace(".", "/") / "__init__.py").exists()}
        missing = leaves - booted - {"sse_dash.ui.boot"}
        assert not missing, (page.script, sorted(missing))


def test_concurrent_first_imports_meet_whole_modules():
    """Eight threads import boot at once in a fresh interpreter: each sees complete modules."""
    code = (
        "import threading, sys\n"
        "errors = []\n"
        "def run():\n"
        "    try:\n"
        "        import sse_dash.ui.boot\n"
        "        from sse_dash.ui.page import page_setup\n"
        "        from sse_dash.dashboard import sse, indicators\n"
        "        import pandas as pd; pd.DataFrame\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=run) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(errors); sys.exit(1 if errors else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
