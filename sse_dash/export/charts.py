"""Static export of Plotly figures (PNG, SVG, PDF) for council briefings, rendered server-side by
kaleido 1.5 with the system Chromium.

One browser is started on first use and kept for the life of the process (a launch costs ~2 s,
a render ~0.2 s). It runs on a private asyncio loop in a daemon thread rather than kaleido's own
sync server: that server blocks forever when the browser fails to start, whereas here every call
has a timeout and a failure turns into `ExportUnavailable` with a French message. Nothing is
downloaded: no `get_chrome_sync`, MathJax disabled, plotly.js taken from the installed plotly."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

from sse_dash.export.provenance import SYNTHETIC_NOTICE, source_line

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
DEFAULT_WIDTH = 1000
DEFAULT_HEIGHT = 600
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 60
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
_MISSING_MSG = (
    "L'export d'images (PNG, SVG, PDF) n'est pas disponible : le navigateur Chromium est "
    "introuvable sur le serveur ({detail}). Installez-le (apt-get install chromium) ou indiquez "
    "son chemin dans SSE_DASH_CHROMIUM. Les exports CSV et XLSX restent disponibles."
)


class ExportUnavailable(RuntimeError):
    """Image export cannot run on this server (no Chromium, browser crash); message in French."""


def chromium_path() -> str | None:
    """SSE_DASH_CHROMIUM (or BROWSER_PATH) when set, else the first Chromium on PATH."""
    explicit = os.environ.get("SSE_DASH_CHROMIUM") or os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() and os.access(explicit, os.X_OK) else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def export_available() -> bool:
    """Cheap check (no browser start) used by the UI to hide image buttons."""
    return chromium_path() is not None


class Renderer:
    """One kaleido browser on its own event loop; thread-safe, restarted after a failure."""

    def __init__(self, browser: str | None = None):
        self._browser = browser
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    def _ensure_started(self) -> None:
        if self._kaleido is not None:
            return
        path = self._browser or chromium_path()
        if path is None or not Path(path).is_file():
            detail = f"chemin « {path} »" if path else "aucun exécutable trouvé"
            raise ExportUnavailable(_MISSING_MSG.format(detail=detail))
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
        thread.start()

        async def _open():
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=path)
            await k.open()
            return k

        try:
            k = asyncio.run_coroutine_threadsafe(_open(), loop).result(START_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ExportUnavailable(
                _MISSING_MSG.format(detail=f"échec du démarrage de {path} : {exc}")
            ) from exc
        self._loop, self._thread, self._kaleido = loop, thread, k

    def render(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
        with self._lock:
            self._ensure_started()
            opts = {"format": fmt, "width": width, "height": height, "scale": scale}
            future = asyncio.run_coroutine_threadsafe(
                self._kaleido.calc_fig(fig, opts=opts), self._loop
            )
            try:
                return future.result(RENDER_TIMEOUT_S + 5)
            except Exception as exc:
                future.cancel()
                self._stop_locked()
                raise ExportUnavailable(
                    f"L'export de l'image a échoué ({type(exc).__name__} : {exc}). "
                    "Réessayez ; les exports CSV et XLSX restent disponibles."
                ) from exc

    def _stop_locked(self) -> None:
        if self._kaleido is not None and self._loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(15)
            except Exception:  # noqa: S110 — best effort on shutdown
                pass
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop = self._thread = self._kaleido = None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    @property
    def running(self) -> bool:
        return self._kaleido is not None


_default: Renderer | None = None
_default_lock = threading.Lock()


def default_renderer() -> Renderer:
    """The process-wide renderer (started lazily on the first export, stopped at exit)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Renderer()
            atexit.register(_default.stop)
        return _default


def _legend_on_top(fig: go.Figure) -> bool:
    legend = fig.layout.legend
    return legend.orientation == "h" and legend.y is not None and legend.y >= 1


def print_margins(fig: go.Figure, *, territory: str, n_notes: int) -> tuple[int, int]:
    """Top margin for title + territory (+ a legend laid above the plot), bottom for notes."""
    top = (95 if territory else 70) + (35 if _legend_on_top(fig) else 0)
    bottom = max(int(fig.layout.margin.b or 0), 60) + 16 * n_notes
    return top, bottom


def print_height(fig: go.Figure, *, territory: str, n_notes: int) -> int:
    """Screen height of the figure plus the room the print margins add, at least 420 px
    of plot: dashboard figures are sized for a page column, not for a slide."""
    screen = int(fig.layout.height or DEFAULT_HEIGHT)
    margin = fig.layout.margin
    plot = max(screen - int(margin.t or 0) - int(margin.b or 0), 420)
    top, bottom = print_margins(fig, territory=territory, n_notes=n_notes)
    return plot + top + bottom


def decorate(
    fig: go.Figure,
    *,
    title: str,
    territory: str,
    sources: list[str],
    synthetic: bool,
    height: int = DEFAULT_HEIGHT,
) -> go.Figure:
    """Copy of `fig` with title, territory, source line and French separators, for print."""
    out = go.Figure(fig)
    notes = [source_line(sources)] if sources else []
    if synthetic:
        notes.append(f"<b>{SYNTHETIC_NOTICE}</b>")
    top, bottom = print_margins(fig, territory=territory, n_notes=len(notes))
    subtitle = f"<span style='font-size:14px;color:#555'>{territory}</span>" if territory else ""
    out.update_layout(
        title={"text": f"<b>{title}</b>" + (f"<br>{subtitle}" if subtitle else ""), "x": 0.01},
        separators=", ",
        margin={"t": top, "b": bottom, "r": max(int(fig.layout.margin.r or 0), 30)},
        paper_bgcolor="white",
    )
    # No « 12k » SI suffixes in print: full numbers with French thousands separators.
    out.update_xaxes(exponentformat="none", separatethousands=True)
    out.update_yaxes(exponentformat="none", separatethousands=True)
    if notes:
        plot_height = max(height - top - bottom, 1)
        out.add_annotation(
            text="<br>".join(notes),
            xref="paper",
            yref="paper",
            x=0,
            xanchor="left",
            # anchored 8 px above the bottom edge of the image, whatever the plot size
            y=-(bottom - 8) / plot_height,
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": 11, "color": "#444"},
        )
    return out


def export_figure(
    fig: go.Figure,
    fmt: str,
    *,
    title: str,
    territory: str,
    sources: list[str],
    synthetic: bool,
    scale: float = 2,
    width: int | None = None,
    height: int | None = None,
    renderer: Renderer | None = None,
) -> bytes:
    """PNG/SVG/PDF bytes of `fig` carrying its title, territory, sources and synthetic mention."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"format d'image inconnu : {fmt!r} (png, svg ou pdf)")
    width = width or fig.layout.width or DEFAULT_WIDTH
    n_notes = int(bool(sources)) + int(synthetic)
    height = height or print_height(fig, territory=territory, n_notes=n_notes)
    decorated = decorate(
        fig,
        title=title,
        territory=territory,
        sources=sources,
        synthetic=synthetic,
        height=int(height),
    )
    return (renderer or default_renderer()).render(
        decorated, fmt, int(width), int(height), 1 if fmt != "png" else scale
    )
