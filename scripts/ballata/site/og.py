"""Sharing on WhatsApp: the share link and the Open Graph picture of story, guide and dataset pages.

The picture is drawn at build time with Pillow: the page's title, a pull quote (its first sentence)
and the organisation's name and mark. It is made only from the published title and text of the
page view (the public view), never from a photo (no face can reach a preview) and never from
anything the audit alone sees: the audit reads a PNG's metadata, not its drawn pixels, so what is
drawn here must already be published. It is saved as a bare PNG (no text chunks, no EXIF).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from PIL import Image, ImageDraw, ImageFont

from ..errors import BallataError, Problem
from .views import SitePage, plain_summary

KINDS = frozenset({"story", "guide", "dataset"})
"""Pages that get a share link and a picture of their own."""
WIDTH, HEIGHT = 1200, 630
"""The size WhatsApp, Facebook and others show large (1.91:1)."""
MARGIN = 72
FONTS = Path("/usr/share/fonts/truetype/dejavu")
"""System fonts only (fonts-dejavu-core): every machine draws the same picture."""
REGULAR, BOLD, OBLIQUE = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"
BACKGROUND, FOREGROUND = (0x5A, 0x2A, 0x0C), (0xFD, 0xF1, 0xE6)
"""The site's dark brown and its light cream (theme/overrides/assets/ballata.css)."""
QUOTE_CHARS = 160
SHARE = "https://wa.me/?text="


def share_link(title: str, address: str) -> str:
    """WhatsApp's share address: the title and the page's address as the message, nothing else
    (no script, no tracking parameter). Every character is percent-encoded."""
    return SHARE + quote(f"{title} {address}", safe="")


def pull_quote(markdown: str, limit: int = QUOTE_CHARS) -> str:
    """The text's first sentence (or as much of it as fits), as plain text."""
    text = plain_summary(markdown, limit * 2)
    match = re.match(r"(.+?[.!?…])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return sentence


def cards(pages: Iterable[SitePage], site_name: dict[str, str], site_url: str | None
          ) -> dict[str, bytes]:
    """Site path -> PNG of every page that has one (``page.image`` of a story, guide or dataset)."""
    host = urlsplit(site_url or "").netloc
    return {page.image: card(page.title, pull_quote(page.markdown), site_name.get(page.lang, ""),
                             host)
            for page in pages if page.kind in KINDS and page.image}


@lru_cache(maxsize=1)
def _font_file(name: str) -> str:
    path = FONTS / name
    if not path.is_file():
        raise BallataError([Problem("scripts/ballata/site/og.py", f"the font {path} is missing",
                                    tip="Install it: apt-get install fonts-dejavu-core "
                                        "(make build does this).")])
    return str(path)


@lru_cache(maxsize=64)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_file(name), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """Words in at most ``lines`` lines of ``width`` pixels; what does not fit ends in an ellipsis."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and font.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        while font.getlength(line) > width and len(line) > 1:  # one very long word
            line = line[:-2] + "…"
        out.append(line)
    if words and out:
        last = out[-1]
        while last and font.getlength(last + " …") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        out[-1] = last.rstrip(",;:.") + " …"
    return out


@lru_cache(maxsize=4096)
def card(title: str, quote_text: str, organisation: str, host: str) -> bytes:
    """One 1200×630 PNG. Drawn in grey levels, then coloured by a two-colour palette: a 4-bit
    PNG of about 15 kB, quick to make and to load on a costly connection."""
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    # The mark: a ring and a dot (the Safe Learning Space's circle), then the name.
    draw.ellipse((MARGIN, 52, MARGIN + 44, 96), outline=255, width=5)
    draw.ellipse((MARGIN + 15, 67, MARGIN + 29, 81), fill=255)
    draw.text((MARGIN + 62, 74), organisation, font=_font(BOLD, 30), fill=255, anchor="lm")
    for size in (64, 56, 48, 42):
        title_font = _font(BOLD, size)
        title_lines = _wrap(title, title_font, inner, 3)
        if len(title_lines) <= 2 or size == 42 or " …" not in title_lines[-1]:
            break
    y = 150
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=255)
        y += round(title_font.size * 1.2)
    if quote_text:
        quote_font = _font(OBLIQUE, 32)
        y += 28
        room = max(1, min(3, (HEIGHT - 100 - y) // 44))
        lines = _wrap(f"“{quote_text}”", quote_font, inner - 32, room)
        draw.rectangle((MARGIN, y + 4, MARGIN + 6, y + len(lines) * 44 - 4), fill=150)
        for line in lines:
            draw.text((MARGIN + 32, y), line, font=quote_font, fill=220)
            y += 44
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=150)
    if host:
        draw.text((WIDTH - MARGIN, HEIGHT - 56), host, font=_font(REGULAR, 26), fill=200,
                  anchor="rs")
    # 16 shades between the two colours: a 4-bit PNG, a quarter of the pixel data of 8 bits.
    shades = image.point(lambda value: value * 15 // 255)
    palette: list[int] = []
    for level in range(16):
        palette += [round(b + (f - b) * level / 15) for b, f in zip(BACKGROUND, FOREGROUND)]
    shades.putpalette(palette)
    out = io.BytesIO()
    # No pnginfo=, exif= or icc_profile=: the file holds pixels and its palette, nothing else.
    # The default compression: `optimize` makes it 7 % smaller and five times slower.
    shades.save(out, "PNG", bits=4)
    return out.getvalue()
