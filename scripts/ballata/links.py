"""Internal links in Markdown: find them, resolve them to site paths."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from collections.abc import Callable
from urllib.parse import urlsplit

# Inline links and images, reference definitions, and raw HTML href/src.
_PATTERNS = (
    re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)"),
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE),
    re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE),
)


@dataclass(frozen=True)
class Link:
    target: str
    line: int
    """Line in the Markdown body (1-based)."""


def find_links(markdown: str) -> list[Link]:
    links = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(markdown):
            links.append(Link(match.group(1), markdown.count("\n", 0, match.start(1)) + 1))
    return sorted(links, key=lambda link: (link.line, link.target))


def is_internal(target: str) -> bool:
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def resolve(target: str, page_url: str) -> str:
    """Site path (no leading slash) that ``target`` points to from the page at ``page_url``."""
    path = urlsplit(target).path
    joined = path if path.startswith("/") else posixpath.join("/" + page_url, path)
    resolved = posixpath.normpath(joined)
    if resolved.endswith("/index.md"):
        resolved = resolved[: -len("index.md")]
    elif path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    return resolved.lstrip("/") if resolved != "/" else ""


def rewrite(markdown: str, change: Callable[[str], str]) -> str:
    """Apply ``change`` to every link target in ``markdown``, leaving everything else as it is."""
    for pattern in _PATTERNS:
        markdown = pattern.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + change(m.group(1))
                               + m.group(0)[m.end(1) - m.start(0):], markdown)
    return markdown
