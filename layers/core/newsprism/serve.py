"""``newsprism serve``: the site directory on 127.0.0.1, for looking at a local run."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from .store import content_type


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files, with the site's own 404 page and the content types S3 would send; no
    directory listings (a directory without ``index.html`` is not found, as on S3)."""

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        try:
            path = Path(self.translate_path(self.path))
            if path.is_dir() and not (path / "index.html").is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return None
            return super().send_head()
        except ValueError:
            # A NUL ("embedded null byte") or a lone surrogate ("%ed%a0%80") in the path: no
            # file has such a name, and the thread must not die on it with a traceback.
            self.send_error(HTTPStatus.BAD_REQUEST, "invalid path")
            return None

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND)  # never reached past send_head; never a listing
        return None

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # The same types the S3 site would send (store.content_type), so a local look is true.
        guessed = content_type(Path(path).name)
        return super().guess_type(path) if guessed == "application/octet-stream" else guessed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(root: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(root))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(server: ThreadingHTTPServer, root: Path) -> None:
    """Serve ``root`` with ``server`` (from ``make_server``) until Ctrl-C."""
    print(f"serving {root} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)",
          file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@contextlib.contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve in a background thread for the ``with`` block, yielding the base URL; the server
    is always shut down after it (the demo and the tests each start one on 127.0.0.1)."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
