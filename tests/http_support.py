"""Loopback HTTP servers for tests: a threaded server on 127.0.0.1 (random port) whose handlers
answer HEAD and `Range: bytes=a-b` requests like a real file server (206 + Content-Range,
Accept-Ranges, Content-Length) and record every request and every body byte sent."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Call(NamedTuple):
    """One request received: method, path (with query string) and headers."""

    method: str
    path: str
    headers: dict


class RangeHandler(BaseHTTPRequestHandler):
    """Base handler: subclasses implement `do_GET` and answer with `send_body` / `send_error_body`.
    HEAD runs the same route without sending the body."""

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_HEAD(self):
        self.do_GET()

    def record(self) -> int:
        """Record this request in `server.calls`; returns how many times this path was asked."""
        srv = self.server
        with srv.lock:
            srv.calls.append(Call(self.command, self.path, dict(self.headers)))
            return sum(1 for c in srv.calls if c.path == self.path)

    def _write(self, data: bytes) -> None:
        if self.command == "HEAD":
            return
        self.wfile.write(data)
        with self.server.lock:
            self.server.bytes_sent += len(data)

    def send_error_body(self, code: int, retry_after: str | None = None) -> None:
        body = b"error"
        self.send_response(code)
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._write(body)

    def send_body(
        self,
        body: bytes,
        *,
        honour_range: bool = True,
        headers: dict[str, str] | None = None,
        declared_length: int | None = None,
    ) -> None:
        """Send `body`, or the part a `Range: bytes=a-b` / `bytes=a-` / `bytes=-n` header asks
        for (416 when it starts past the end). `declared_length` announces another
        Content-Length than what is sent (a lying server)."""
        size = len(body)
        start, end = 0, size - 1
        m = _RANGE.match(self.headers.get("Range") or "") if honour_range else None
        if m and (m.group(1) or m.group(2)):
            if m.group(1):
                start = int(m.group(1))
                end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            else:
                start = max(size - int(m.group(2)), 0)
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        if honour_range:
            self.send_header("Accept-Ranges", "bytes")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        part = body[start : end + 1]
        length = declared_length if declared_length is not None else len(part)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self._write(part)


class FileHandler(RangeHandler):
    """Serves the files of the folder `server.root` by name (`/<name>`), 404 otherwise."""

    def do_GET(self):
        self.record()
        name = self.path.split("?")[0].lstrip("/")
        root = Path(self.server.root)
        path = root / name
        if not name or "/" in name or ".." in name or not path.is_file():
            self.send_error_body(404)
            return
        self.send_body(
            path.read_bytes(),
            headers={
                "Content-Type": "application/octet-stream",
                "Last-Modified": "Mon, 02 Jan 2024 10:00:00 GMT",
            },
        )


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler], **attrs) -> Iterator[ThreadingHTTPServer]:
    """Run `handler` on 127.0.0.1 (random port) in a thread; the server carries `url`,
    `calls` (list of Call), `bytes_sent` (body bytes) and the given `attrs` (e.g. root=…)."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    srv.calls = []
    srv.bytes_sent = 0
    srv.lock = threading.Lock()
    for name, value in attrs.items():
        setattr(srv, name, value)
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    thread = threading.Thread(target=srv.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def closed_port_url() -> str:
    """An http URL on loopback where nothing listens (connection refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
