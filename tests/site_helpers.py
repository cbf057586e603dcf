"""Reading a built site the way a reader's phone or a crawler would."""

from __future__ import annotations

import gzip
import html
import hashlib
import http.server
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from collections.abc import Iterator


def text_of(path: Path) -> str:
    """A file's text, decompressed where gzipped (sitemap.xml.gz, Pagefind's index and fragments),
    with HTML's character references read as a browser reads them ("Nurul&#39;s" is "Nurul's")."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    return html.unescape(text) if path.suffix in (".html", ".xml", ".gz") else text


def all_text(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): text_of(p) for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix not in {".jpg", ".png", ".webp", ".pagefind"}}


def search_fragments(site: Path) -> list[str]:
    return [text_of(p) for p in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment"))]


def tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 for the length of a test; yields the base URL."""
    handler = partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
