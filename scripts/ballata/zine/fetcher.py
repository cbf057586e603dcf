"""The only way WeasyPrint loads anything: a sealed url_fetcher serving what the core handed over.

WeasyPrint's default fetcher opens any path or URL, including files named by `rel=attachment`
links, which it embeds in the PDF. This one answers only the virtual addresses of one job and
records every other request, so the job can be refused with a message instead of a leak.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

VIRTUAL_ROOT = "https://ballata.invalid/"
"""Base of every address in the zine's HTML and CSS. `.invalid` never resolves (RFC 2606), and
the fetcher never goes to the network anyway."""

MIME_TYPES = {".svg": "image/svg+xml", ".ttf": "font/ttf", ".otf": "font/otf",
              ".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


class SealedFetcher(URLFetcher):
    """Serves ``resources`` (virtual address -> bytes, or the path of a theme file) and nothing
    else; refused addresses are kept in :attr:`refused`."""

    def __init__(self, resources: dict[str, bytes | str]) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.resources = resources
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        found = self.resources.get(url)
        if found is None:
            if url not in self.refused:
                self.refused.append(url)
            raise ValueError(f"not handed over by the pipeline: {url}")
        suffix = Path(url).suffix.lower()
        mime = MIME_TYPES.get(suffix) or mimetypes.guess_type(url)[0] or "application/octet-stream"
        data = Path(found).read_bytes() if isinstance(found, str) else found
        return URLFetcherResponse(url, data, {"Content-Type": mime})
