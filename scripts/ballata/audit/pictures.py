"""Image files read for the audit: every metadata block they carry, and the text inside it.

JPEG, PNG, GIF and WebP are walked block by block (no pixel is decoded); anything but pixel data
and the few colour blocks a browser needs is a finding, and so is any byte after the image's end
or a block of a kind the walk does not know: a file hidden there would be published unseen.
Other formats are not read: nothing the audit does not know is published."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field

from PIL import Image

MAX_TEXT = 1 << 20
"""Decompressed size cap of one text block: a larger one is a finding, never read whole."""

_PNG_ALLOWED = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"pHYs",
                b"sBIT", b"bKGD", b"acTL", b"fcTL", b"fdAT"}
_WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}
_GIF_APPS = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}
"""Looping blocks: an identifier and three bytes."""
_JPEG_SEGMENTS = {*range(0xC0, 0xC8), *range(0xC9, 0xD0), 0xDB, 0xDD}
"""Frame headers, Huffman and arithmetic tables, quantisation tables, restart interval."""
_JPEG_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
"""The first marker after a scan's coded data (FF 00 is a stuffed byte, FF D0-D7 a restart)."""
_PRINTABLE = re.compile(rb"[\x20-\x7e\x80-\xff]{4,}")
XMP_SIGNS = (b"<x:xmpmeta", b"http://ns.adobe.com/xap/1.0/")


@dataclass
class Metadata:
    kinds: list[str] = field(default_factory=list)
    """What the image carries besides pixels ('EXIF with GPS', 'PNG text (tEXt)', ...)."""
    texts: list[tuple[str, str]] = field(default_factory=list)
    """(where, text) of everything readable in it."""
    structure: list[str] = field(default_factory=list)
    """Where the file holds bytes that are neither picture nor metadata ('has 80 bytes after the
    end of the image')."""


def _end(meta: Metadata, data: bytes, at: int) -> None:
    """The image ends at ``at``: any byte after it is a finding."""
    extra = len(data) - at
    if extra > 0:
        meta.structure.append(f"has {extra} byte{'s' if extra > 1 else ''} after the end of the image")


def _inflate(data: bytes) -> bytes:
    out = zlib.decompressobj().decompress(data, MAX_TEXT)
    if len(out) >= MAX_TEXT:
        raise ValueError("a compressed text block is larger than the audit reads")
    return out


def _printable(data: bytes) -> str:
    return "\n".join(m.group(0).decode("utf-8", errors="replace") for m in _PRINTABLE.finditer(data))


def _exif(meta: Metadata, tiff: bytes) -> None:
    exif = Image.Exif()
    exif.load(tiff if tiff.startswith(b"Exif") else b"Exif\x00\x00" + tiff)
    meta.kinds.append("EXIF with GPS" if 0x8825 in exif else "EXIF")
    values: list[object] = list(exif.values())
    for ifd in (0x8769, 0x8825):
        values += list(exif.get_ifd(ifd).values())
    meta.texts += [("an image's EXIF", v.decode("utf-8", errors="replace") if isinstance(v, bytes)
                    else v) for v in values if isinstance(v, (str, bytes))]


def _icc(meta: Metadata, profile: bytes) -> None:
    meta.kinds.append("ICC profile")
    meta.texts.append(("an image's colour profile", _printable(profile)
                       + "\n" + _printable(profile.replace(b"\x00", b""))))


def _png(data: bytes, meta: Metadata) -> None:
    if data[12:16] != b"IHDR":
        raise ValueError("not a whole PNG file")
    at = 8
    while True:
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        at += 12 + length
        if at > len(data):
            raise ValueError("a PNG file cut short")
        if kind == b"IEND":
            return _end(meta, data, at)
        if kind in _PNG_ALLOWED:
            continue
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key, _, rest = body.partition(b"\x00")
            if kind == b"zTXt":
                rest = _inflate(rest[1:])
            elif kind == b"iTXt":
                compressed = rest[:1] == b"\x01"
                rest = rest[2:].split(b"\x00", 2)[-1]
                rest = _inflate(rest) if compressed else rest
            meta.kinds.append(f"PNG text ({kind.decode()})")
            meta.texts.append((f"a PNG {kind.decode()} chunk",
                               key.decode("latin-1") + "\n" + rest.decode("utf-8", errors="replace")))
        elif kind == b"eXIf":
            _exif(meta, body)
        elif kind == b"iCCP":
            _icc(meta, _inflate(body.partition(b"\x00")[2][1:]))
        else:
            meta.kinds.append(f"a PNG {kind.decode('latin-1')} chunk")
            meta.texts.append(("a PNG chunk", _printable(body)))


def _jpeg(data: bytes, meta: Metadata) -> None:
    at = 2
    while True:
        if data[at] != 0xFF:
            raise ValueError("broken JPEG block structure")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:
            return _end(meta, data, at + 2)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        body = data[at + 4:at + 2 + length]
        at += 2 + length
        if length < 2 or at > len(data):
            raise ValueError("a JPEG file cut short")
        if marker == 0xDA:  # start of scan: coded data up to the next marker
            scan_end = _JPEG_SCAN_END.search(data, at)
            if scan_end is None:
                raise ValueError("a JPEG file cut short")
            at = scan_end.start()
        elif marker in _JPEG_SEGMENTS:
            continue
        elif marker == 0xE1 and body.startswith(b"Exif"):
            _exif(meta, body)
        elif marker == 0xE1:
            meta.kinds.append("XMP")
            meta.texts.append(("an image's XMP", body.decode("utf-8", errors="replace")))
        elif marker == 0xE2 and body.startswith(b"ICC_PROFILE"):
            _icc(meta, body[14:])
        elif marker == 0xED:
            meta.kinds.append("IPTC")
            meta.texts.append(("an image's IPTC", _printable(body)))
        elif marker == 0xFE:
            meta.kinds.append("comment")
            meta.texts.append(("an image's comment", body.decode("utf-8", errors="replace")))
        elif marker == 0xE0 and body[:5] == b"JFIF\x00" and len(body) == 14 and body[12:14] == b"\0\0" \
                or marker == 0xEE and body[:5] == b"Adobe" and len(body) == 12:
            continue  # the header of a JPEG without a thumbnail; Adobe's colour transform
        elif 0xE0 <= marker <= 0xEF:
            meta.kinds.append(f"a JPEG APP{marker - 0xE0} block")
            meta.texts.append(("an image's APP block", _printable(body)))
        else:
            meta.structure.append(f"has a JPEG block of a kind the audit does not know (FF {marker:02X})")


def _gif_blocks(data: bytes, at: int) -> tuple[bytes, int]:
    out = bytearray()
    while at < len(data) and data[at]:
        out += data[at + 1:at + 1 + data[at]]
        at += 1 + data[at]
    return bytes(out), at + 1


def _gif(data: bytes, meta: Metadata) -> None:
    flags = data[10]
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while at < len(data):
        kind = data[at]
        if kind == 0x3B:
            return _end(meta, data, at + 1)
        if kind == 0x2C:
            flags = data[at + 9]
            at += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
            _, at = _gif_blocks(data, at)
        elif kind == 0x21:
            label = data[at + 1]
            body, at = _gif_blocks(data, at + 2)
            if label == 0xFE:
                meta.kinds.append("GIF comment")
                meta.texts.append(("a GIF comment", body.decode("utf-8", errors="replace")))
            elif label == 0xFF and body[:11] in _GIF_APPS and len(body) > 14:
                meta.structure.append("has a GIF looping block larger than its kind")
            elif label == 0xFF and body[:11] not in _GIF_APPS:
                meta.kinds.append("XMP" if body.startswith(b"XMP DataXMP") else "GIF application data")
                meta.texts.append(("a GIF extension", _printable(body)))
            elif label == 0x01:
                meta.kinds.append("GIF text")
                meta.texts.append(("a GIF text block", _printable(body)))
        else:
            raise ValueError("broken GIF block structure")
    raise ValueError("a GIF file cut short")


def _webp(data: bytes, meta: Metadata) -> None:
    end = 8 + struct.unpack("<I", data[4:8])[0]
    if end > len(data):
        raise ValueError("a WebP file cut short")
    at = 12
    while at < end:
        kind, length = struct.unpack("<4sI", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        at += 8 + length + (length & 1)
        if at > end:
            raise ValueError("a WebP file cut short")
        if kind in _WEBP_ALLOWED:
            continue
        if kind == b"EXIF":
            _exif(meta, body)
        elif kind == b"XMP ":
            meta.kinds.append("XMP")
            meta.texts.append(("an image's XMP", body.decode("utf-8", errors="replace")))
        elif kind == b"ICCP":
            _icc(meta, body)
        else:
            meta.kinds.append(f"a WebP {kind.decode('latin-1').strip()} chunk")
            meta.texts.append(("a WebP chunk", _printable(body)))
    _end(meta, data, end)


def is_image(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" or data[:4] == b"GIF8" \
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def read(data: bytes) -> Metadata:
    """The metadata and structure of one JPEG, PNG, GIF or WebP file. Raises on any other file and
    on a broken one."""
    meta = Metadata()
    try:
        if data[:3] == b"\xff\xd8\xff":
            _jpeg(data, meta)
        elif data[:8] == b"\x89PNG\r\n\x1a\n":
            _png(data, meta)
        elif data[:4] == b"GIF8":
            _gif(data, meta)
        elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            _webp(data, meta)
        else:
            raise ValueError("not a JPEG, PNG, GIF or WebP picture")
    except (IndexError, struct.error) as exc:
        raise ValueError("broken image structure") from exc
    if any(sign in data for sign in XMP_SIGNS) and "XMP" not in meta.kinds:
        meta.kinds.append("XMP")
    return meta
