"""Published images: re-encoded with no metadata at all, resized, in a few widths for srcset, and
also as WebP where that is smaller."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps

MAX_WIDTH = 1600
WIDTHS = (480, 960, MAX_WIDTH)
"""Phones on slow data get the 480 px file; the largest is never wider than 1600 px."""
JPEG_QUALITY = 78


@dataclass(frozen=True)
class Rendition:
    path: str
    """Site path."""
    width: int
    height: int
    data: bytes
    webp: Rendition | None = None
    """The same pixels as WebP (``name-480.webp``) when that is smaller: what browsers that read
    WebP download instead (every browser of the last years; old ones keep the JPEG or PNG)."""


def _encode(image: Image.Image, fmt: str, lossless: bool = False) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        # No exif=, icc_profile= or comment: nothing of the original file's metadata is carried over.
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=100 if lossless else JPEG_QUALITY, method=6 if lossless else 4,
                   lossless=lossless)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _pixels(source: Path) -> tuple[Image.Image, str]:
    """The picture's pixels only, upright, and the format to write it in."""
    with Image.open(source) as original:
        # MPO (a phone's HDR photo): a JPEG with more pictures after it; the first is the photo.
        fmt = {"JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WEBP"}.get(original.format or "", "PNG")
        # Turn the picture upright first: the orientation tag is dropped with the rest of the EXIF.
        upright = ImageOps.exif_transpose(original)
        if upright.mode not in ("RGB", "RGBA", "L"):
            upright = upright.convert("RGBA")
        # A fresh image holds pixels only; metadata in .info would otherwise survive into PNG/WebP.
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
    return clean, fmt


def cleaned(source: Path, max_width: int) -> tuple[bytes, str]:
    """One metadata-free copy at most ``max_width`` wide, and its file suffix (for the PDFs,
    which embed JPEGs as they are)."""
    clean, fmt = _pixels(source)
    if clean.width > max_width:
        clean = clean.resize((max_width, round(clean.height * max_width / clean.width)),
                             Image.Resampling.LANCZOS)
    return _encode(clean, fmt), {"JPEG": ".jpg", "WEBP": ".webp"}.get(fmt, ".png")


def renditions(source: Path, site_path: str) -> list[Rendition]:
    """The image at ``site_path`` (largest width) and its smaller variants ``name-480.jpg`` etc."""
    clean, fmt = _pixels(source)
    pure = PurePosixPath(site_path)
    out = []
    widths = sorted({w for w in WIDTHS if w < clean.width} | {min(clean.width, MAX_WIDTH)})
    for width in widths:
        height = round(clean.height * width / clean.width)
        resized = clean if width == clean.width else clean.resize((width, height), Image.Resampling.LANCZOS)
        path = site_path if width == widths[-1] else str(pure.with_name(f"{pure.stem}-{width}{pure.suffix}"))
        data = _encode(resized, fmt)
        webp = None
        if fmt != "WEBP":
            # A drawing (PNG) stays sharp: lossless WebP; a photograph gets the JPEG's quality.
            smaller = _encode(resized, "WEBP", lossless=fmt == "PNG")
            if len(smaller) < len(data):
                webp = Rendition(str(PurePosixPath(path).with_suffix(".webp")), width, height, smaller)
        out.append(Rendition(path, width, height, data, webp))
    # Offered as WebP only if every width is smaller so: one srcset of one kind.
    if not all(r.webp for r in out):
        out = [Rendition(r.path, r.width, r.height, r.data) for r in out]
    return out
