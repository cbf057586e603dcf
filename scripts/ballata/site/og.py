"""Sharing on WhatsApp: the share link and the Open Graph picture of story, guide and dataset pages.

The picture is drawn at build time with Pillow: the page's title, a pull quote (its first sentence)
and the organisation's name and mark. It is made only from the published title and text of the
page view (the public view), never from a photo (no face can reach a preview) and never from
anything the audit alone sees: the audit reads a PNG's metadata, not its drawn pixels, so what is
drawn here must already be published. It is saved as a bare PNG (no text chunks, no EXIF).

Drawing 600 cards takes seconds, so `ballata build` keeps them in build/cache/og/, named by a hash
of everything that decides their bytes (the words drawn, the size, this module, the fonts, Pillow
and its zlib): the same inputs give the same file, read back instead of drawn again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import PIL
from PIL import Image, ImageDraw, ImageFont, features

from ..errors import BallataError, Problem
from .build import handed_cache
from .views import SitePage, plain_summary

log = logging.getLogger(__name__)

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
CACHE = "og"
"""The folder under build/cache/ of the cards drawn by earlier builds."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
    """Site path -> PNG of every page that has one (``page.image`` of a story, guide or dataset);
    under `ballata build`, each read from build/cache/og/ when drawn before from the same inputs."""
    host = urlsplit(site_url or "").netloc
    drawn = {page.image: (page.title, pull_quote(page.markdown), site_name.get(page.lang, ""), host)
             for page in pages if page.kind in KINDS and page.image}
    folder = handed_cache(CACHE)
    if folder is None:
        return {path: card(*words) for path, words in drawn.items()}
    return CardCache(folder).cards(drawn)


class CardCache:
    """build/cache/og/<hash>.png: the cards of the last build. Cards no longer drawn are removed,
    so the folder holds one build's cards (a title edited many times leaves nothing behind)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.drawn = 0
        """Cards drawn by this build (not found in the cache)."""

    def cards(self, drawn: dict[str, tuple[str, str, str, str]]) -> dict[str, bytes]:
        self.folder.mkdir(parents=True, exist_ok=True)
        made: dict[str, bytes] = {}
        kept: set[str] = set()
        for path, words in drawn.items():
            name = card_key(*words) + ".png"
            kept.add(name)
            made[path] = self._read(name) or self._draw(name, words)
        for old in self.folder.glob("*.png"):
            if old.name not in kept:
                old.unlink(missing_ok=True)
        log.info("share pictures: %d drawn, %d from build/cache/%s/", self.drawn,
                 len(made) - self.drawn, CACHE)
        return made

    def _read(self, name: str) -> bytes | None:
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        return data if data.startswith(PNG_SIGNATURE) else None  # else drawn again, and replaced

    def _draw(self, name: str, words: tuple[str, str, str, str]) -> bytes:
        data = card(*words)
        self.drawn += 1
        # Written whole, then renamed: a build stopped halfway never leaves half a picture.
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, self.folder / name)
        return data


@lru_cache(maxsize=1)
def _drawing() -> bytes:
    """What decides a card's bytes besides its words: how it is drawn (this module, the size,
    the mark drawn here), the fonts' files, and the Pillow and zlib that encode the PNG."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in (REGULAR, BOLD, OBLIQUE):
        digest.update(Path(_font_file(name)).read_bytes())
    digest.update(f"{WIDTH}x{HEIGHT} {PIL.__version__} {features.version_codec('zlib')}".encode())
    return digest.digest()


def card_key(title: str, quote_text: str, organisation: str, host: str) -> str:
    """The cache name of one card: a hash of everything drawn on it and of how it is drawn."""
    words = json.dumps([title, quote_text, organisation, host], ensure_ascii=False)
    return hashlib.sha256(_drawing() + words.encode("utf-8")).hexdigest()


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
