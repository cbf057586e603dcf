"""What was published, with hashes, and what disappeared since the previous build."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
TAKEDOWN = "takedown.md"


def manifest(site_dir: Path, base_url: str) -> dict[str, Any]:
    files = {p.relative_to(site_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(site_dir.rglob("*")) if p.is_file()}
    urls = sorted(base_url + (path[: -len("index.html")] if path.endswith("index.html") else path)
                  for path in files if path.endswith(".html") or path.endswith(".pdf"))
    return {"urls": urls, "files": files}


def record(site_dir: Path, build_dir: Path, base_url: str, build_date: dt.date) -> list[str]:
    """Write build/manifest.json and build/takedown.md; returns the addresses that disappeared in
    this build. The list keeps every address taken down, with its date, so that a second build
    does not hide what the first one removed; an address published again leaves the list."""
    path = build_dir / MANIFEST
    previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    current = manifest(site_dir, base_url)
    gone = sorted(set(previous["urls"]) - set(current["urls"])) if previous else []
    taken_down = {url: day for url, day in (previous or {}).get("taken_down", {}).items()
                  if url not in current["urls"]}
    taken_down.update({url: build_date.isoformat() for url in gone})
    current["taken_down"] = dict(sorted(taken_down.items()))
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
    (build_dir / TAKEDOWN).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gone
