"""Pictures of a text as figures: the alt text and caption of story.yml, for the website and the zine.

Works on HTML that has passed :func:`ballata.sanitize.clean` (double-quoted attributes), so
captions are the only new text, and they are escaped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .links import find_links


@dataclass(frozen=True)
class Figure:
    """What story.yml says of one picture, in one language."""

    alt: str
    caption: str


_ALONE = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_ALT = re.compile(r'\salt="[^"]*"')


def in_text(markdown: str, files: set[str]) -> set[str]:
    """The pictures of ``files`` that the Markdown text shows by name."""
    return {link.target for link in find_links(markdown)} & files


def _with_alt(img: str, alt: str) -> str:
    if not alt:
        return img
    value = f' alt="{html.escape(alt, quote=True)}"'
    return _ALT.sub(lambda _: value, img, count=1) if _ALT.search(img) else \
        img.replace("<img", "<img" + value, 1)


def figure_html(img: str, caption: str) -> str:
    """One picture with its caption under it (no figcaption when there is none)."""
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="ballata-figure">{img}{cap}</figure>'


def add_figures(cleaned: str, pictures: Mapping[str, Figure],
                key: Callable[[str], str] = lambda src: src) -> str:
    """A picture alone in its paragraph becomes a figure with its caption; every picture of
    ``pictures`` (looked up by ``key(src)``) gets the alt text of story.yml."""
    def find(img: str) -> Figure | None:
        src = _SRC.search(img)
        return pictures.get(key(html.unescape(src.group(1)))) if src else None

    def alone(match: re.Match[str]) -> str:
        found = find(match.group(1))
        if found is None:
            return match.group(0)
        return figure_html(_with_alt(match.group(1), found.alt), found.caption)

    def inline(match: re.Match[str]) -> str:
        found = find(match.group(0))
        return _with_alt(match.group(0), found.alt) if found else match.group(0)

    out = _ALONE.sub(alone, cleaned)
    # Pictures within a sentence keep their place; they get story.yml's alt text only.
    parts = re.split(r"(<figure\b.*?</figure>)", out, flags=re.S)
    return "".join(p if p.startswith("<figure") else _IMG.sub(inline, p) for p in parts)
