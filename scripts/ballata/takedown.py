"""What was published, with hashes, and what disappeared since the previous build."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from . import urls

MANIFEST = "manifest.json"
ADDRESSED = (".html", ".pdf", ".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".svg", ".opus")
"""Files whose address is listed: pages, PDFs, pictures and recordings (a withdrawn story's photos
and voice are copied and cached like its pages, so they are taken down too)."""
TAKEDOWN = "takedown.md"


def manifest(site_dir: Path, base_url: str) -> dict[str, Any]:
    files = {p.relative_to(site_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(site_dir.rglob("*")) if p.is_file()}
    addresses = sorted(urls.absolute(base_url, path.removesuffix("index.html"))
                       for path in files if path.endswith(ADDRESSED))
    return {"urls": addresses, "files": files}


def _is_pdf_download(url: str, base_url: str) -> bool:
    """A PDF the zine renderer makes, or a handout's page as a picture: not made by --no-pdf."""
    return url.startswith(urls.absolute(base_url, urls.DOWNLOADS)) and url.endswith((".pdf", ".png"))


def record(site_dir: Path, build_dir: Path, base_url: str, build_date: dt.date, *,
           pdfs_built: bool = True) -> list[str]:
    """Write build/manifest.json and build/takedown.md; returns the addresses taken down in this
    build. The list keeps every address taken down, with its date, so that a second build does
    not hide what the first one removed; an address published again leaves the list. A build
    that made no PDFs (--no-pdf) takes none down: they are listed as not built this time."""
    path = build_dir / MANIFEST
    previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    current = manifest(site_dir, base_url)
    missing = sorted(set(previous["urls"]) - set(current["urls"])) if previous else []
    not_built = [url for url in missing if not pdfs_built and _is_pdf_download(url, base_url)]
    gone = [url for url in missing if url not in not_built]
    taken_down = {url: day for url, day in (previous or {}).get("taken_down", {}).items()
                  if url not in current["urls"]}
    taken_down.update({url: build_date.isoformat() for url in gone})
    current["taken_down"] = dict(sorted(taken_down.items()))
    # Kept for the next build: a PDF left out by --no-pdf is still not taken down then.
    current["urls"] = sorted(set(current["urls"]) | set(not_built))
    path.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    lines = [f"# Takedown list, build of {build_date.isoformat()}", ""]
    if previous is None:
        lines.append("First build recorded: nothing to compare with yet.")
    elif not taken_down:
        lines.append("Nothing published before has disappeared.")
    else:
        lines += ["These addresses were published before and are not any more (for example, a",
                  "story whose consent was withdrawn). Remove them from every mirror and cache, and",
                  "ask WhatsApp groups to delete forwarded copies of PDFs:", ""]
        lines += [f"- {url} (gone since the build of {day})" for url, day in taken_down.items()]
    if not_built:
        lines += ["", "## Not built this time", "",
                  "This build made no PDFs (--no-pdf), so these were not made again. They are not",
                  "taken down: do not delete them from the server because of this list; a full",
                  "build makes them again from the sources as they are now.", ""]
        lines += [f"- {url}" for url in not_built]
        if gone:
            lines += ["", "Addresses were taken down in this build: the PDFs made before may still "
                      "carry what was", "taken down. Run a full build before uploading."]
    (build_dir / TAKEDOWN).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gone
