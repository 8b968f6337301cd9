"""sse_dash.ui.widgets: the download buttons are part of every chart and table, so a broken
downloads module stops the page instead of silently hiding every button."""

from __future__ import annotations

import subprocess
import sys

from sse_dash import config


def test_a_broken_downloads_module_is_not_hidden():
    code = (
        "import sys; sys.modules['sse_dash.ui.downloads'] = None\n"
        "try:\n"
        "    import sse_dash.ui.widgets\n"
        "except ImportError as exc:\n"
        "    print('raised', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=config.REPO_ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("raised"), out.stdout
