"""Links in Markdown: find them (with their line) and rewrite them; addresses are made in urls.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable

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


def rewrite(markdown: str, change: Callable[[str], str]) -> str:
    """Apply ``change`` to every link target in ``markdown``, leaving everything else as it is."""
    for pattern in _PATTERNS:
        markdown = pattern.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + change(m.group(1))
                               + m.group(0)[m.end(1) - m.start(0):], markdown)
    return markdown


UNLINKED = "https://unlinked.ballata.invalid/"
"""What a renderer writes instead of the address of something not published: the link goes, and
its words with it, since they usually name what was taken down (see publish.PublicView.unlinked)."""
_UNLINKED_ANCHOR = re.compile(r'<a\b[^>]*\bhref="' + re.escape(UNLINKED) + r'"[^>]*>.*?</a>',
                              re.DOTALL)


def unlink(html: str) -> str:
    """Drop the links marked :data:`UNLINKED` from rendered HTML, with their words."""
    return _UNLINKED_ANCHOR.sub("", html)
