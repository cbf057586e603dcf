"""Output files turned into what a person or a browser could read: texts, addresses, embedded files."""

from __future__ import annotations

import base64
import html
import json
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from . import pictures, sound

MAX_INFLATED = 64 << 20
"""Decompressed size cap of one output file (gzip): a larger one is a finding, never read whole."""
MAX_DATA_URI = 32 << 20

INLINE = frozenset("a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span "
                   "strong sub sup time u var wbr".split())
"""Elements a browser shows without a break: ``Sit<b></b>ti`` reads as one word."""
RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
NAME_ATTRIBUTES = frozenset({"id", "class", "name", "for", "headers", "itemprop", "rel", "lang",
                             "type", "role", "xml:lang", "dir"})
"""Attributes holding names a reader never sees (anchors are made from headings' words)."""
REFERENCE_ATTRIBUTES = frozenset({"href", "src", "srcset", "poster", "data", "action", "formaction",
                                  "xlink:href", "cite", "background", "longdesc", "imagesrcset",
                                  "ping", "manifest", "icon"})
SVG_FORBIDDEN = frozenset({"script", "metadata", "foreignobject", "iframe", "embed", "object"})

_MARKUP = re.compile(r"<!--(.*?)(?:-->|\Z)|<!\[CDATA\[(.*?)(?:\]\]>|\Z)|<([!?])([^>]*)>"
                     r"|<(/?)([A-Za-z][\w:.-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>", re.DOTALL)
_ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*?))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.IGNORECASE)
_DATA_URI = re.compile(r"data:([^,\s<>()']{0,200}),([^\s'\"<>()\\]*)", re.IGNORECASE)
"""A data: address anywhere in a text (a script, JSON, a comment): its header and its payload."""
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{1024,}")
_BASE64_LINES = re.compile(r"(?:[A-Za-z0-9+/]{40,}={0,2}[ \t]*\r?\n[ \t]*){13,}[A-Za-z0-9+/]*={0,2}")
"""A long run of base64 (an ``atob("...")`` in a script): decoded and searched for sound."""
_JSON_REFERENCE_KEYS = frozenset({"url", "href", "src", "image", "loc", "link"})


ADDRESSES = "an address or name"


@dataclass
class Reading:
    texts: list[tuple[str, str]] = field(default_factory=list)
    """(where, text): everything readable, e.g. ("the text", ...), ("an attribute", ...); where
    ``ADDRESSES`` holds addresses and names, in which words of a title are no finding."""
    references: list[str] = field(default_factory=list)
    """Addresses as written (entities decoded), to be resolved against the file's own address."""
    blobs: list[tuple[str, bytes]] = field(default_factory=list)
    """(where, bytes) of files inside the file: data: URIs, a PDF's images."""
    findings: list[str] = field(default_factory=list)
    """Problems of structure: an attachment, a script in an SVG, metadata in an image."""
    binary: bool = False
    """A file of bytes, not text: sound is looked for at every offset of it."""
    sound: list[tuple[str, int, str]] = field(default_factory=list)
    """(where, offset, what) of sound found in its text (base64 in a script)."""


def inflate(data: bytes) -> bytes:
    """A gzip or zlib stream, decompressed up to ``MAX_INFLATED``."""
    inflater = zlib.decompressobj(wbits=47)
    out = inflater.decompress(data, MAX_INFLATED)
    if inflater.unconsumed_tail:
        raise ValueError(f"larger than {MAX_INFLATED >> 20} MB when decompressed")
    if not inflater.eof:
        raise ValueError("the compressed data is cut short")
    if inflater.unused_data:
        raise ValueError(f"{len(inflater.unused_data)} bytes follow the compressed data")
    return out


def decode_data_uri(uri: str) -> bytes | None:
    header, comma, payload = uri.strip()[5:].partition(",")
    if not comma or len(payload) > MAX_DATA_URI:
        return None
    if header.lower().endswith(";base64"):
        compact = re.sub(r"\s+", "", payload)
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=False)
    return unquote_to_bytes(payload)


def _add_reference(reading: Reading, value: str, where: str) -> None:
    value = value.strip()
    if value[:5].lower() == "data:":
        data = decode_data_uri(value)
        if data is not None:
            reading.blobs.append((f"a data: address in {where}", data))
    elif value:
        reading.references.append(value)


def read_css(text: str, reading: Reading, where: str = "a style sheet") -> None:
    for match in _CSS_URL.finditer(text):
        value = next(g for g in match.groups() if g is not None) if any(
            g is not None for g in match.groups()) else ""
        _add_reference(reading, value, where)


def _srcset(value: str) -> list[str]:
    if value.strip()[:5].lower() == "data:":
        return [value]
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


def read_markup(text: str, svg: bool = False) -> Reading:
    """HTML, XML (sitemap, XMP) or SVG: the text as shown, every attribute value, every address."""
    reading = Reading()
    shown: list[str] = []
    values: list[str] = []
    names: list[str] = []
    pos = 0
    previous = ""
    while True:
        match = _MARKUP.search(text, pos)
        chunk = text[pos:match.start() if match else len(text)]
        if chunk and previous == "loc":   # a sitemap's address
            reading.references.append(html.unescape(chunk))
            names.append(chunk)
        elif chunk:
            shown.append(chunk)
        if match is None:
            break
        pos = match.end()
        comment, cdata, bang, declaration, closing, name, attributes = match.groups()
        if comment is not None or cdata is not None:
            shown.append(" " + (comment if comment is not None else cdata) + " ")
            continue
        if bang is not None:
            if bang == "!" and re.match(r"\s*(doctype|entity)", declaration, re.IGNORECASE) and svg:
                reading.findings.append("declares a DOCTYPE or ENTITY, which an SVG must not")
            shown.append(" ")
            continue
        tag = name.lower()
        previous = "" if closing else tag
        shown.append("" if tag in INLINE else " ")
        if svg and not closing and tag.split(":")[-1] in SVG_FORBIDDEN:
            reading.findings.append(f"has a <{tag}> element")
        for attribute in _ATTRIBUTE.finditer(attributes or ""):
            key = attribute.group(1).lower()
            raw = attribute.group(2) or ""
            value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
            named = key in NAME_ATTRIBUTES or key in REFERENCE_ATTRIBUTES or key.endswith(":href") \
                or key.startswith("xmlns")
            (names if named else values).append(value)
            if svg and key.startswith("on"):
                reading.findings.append(f"has an {key}= event handler")
            if key in REFERENCE_ATTRIBUTES or key.endswith(":href"):
                for url in _srcset(value) if key.endswith("srcset") else [value]:
                    _add_reference(reading, url, f"<{tag}>")
            elif key == "style":
                read_css(value, reading, f"<{tag} style>")
            elif key == "content" and re.match(r"\s*\d*\s*;\s*url\s*=", value, re.IGNORECASE):
                _add_reference(reading, value.split("=", 1)[1], "<meta refresh>")
            elif re.match(r"\s*(https?:)?//", value) and not key.startswith("xmlns"):
                reading.references.append(value)
        if not closing and tag in RAW_TEXT and not (attributes or "").rstrip().endswith("/"):
            end = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(text, pos)
            body = text[pos:end.start() if end else len(text)]
            shown.append(" " + body + " ")
            if tag == "style":
                read_css(body, reading, "a <style> element")
            pos = end.end() if end else len(text)
    reading.texts.append(("the text", "".join(shown)))
    reading.texts.append(("an attribute", "\n".join(values)))
    reading.texts.append((ADDRESSES, "\n".join(names)))
    if svg:
        for url in reading.references:
            if not url.startswith("#"):
                reading.findings.append("refers to an outside resource")
                break
    _data_in_text(text, reading)
    return reading


def _data_in_text(text: str, reading: Reading) -> None:
    """data: addresses anywhere (scripts, JSON, comments) that the structure above did not reach,
    base64 or percent-encoded, and long base64 runs that a script could turn into a file."""
    seen = {data for _, data in reading.blobs}
    for match in _DATA_URI.finditer(text):
        data = decode_data_uri(match.group(0))
        if not data or data in seen:
            continue
        seen.add(data)
        # A picture or document is read as a file of its own; anything else only for sound: words
        # such as "data:audio/mpeg,voice-note" in a guide are no file and must not stop a build.
        if pictures.is_image(data) or data[:5] == b"%PDF-" or b"<svg" in data[:300].lower():
            reading.blobs.append(("a data: address", data))
        elif (found := sound.find(data)) is not None:
            reading.sound.append(("a data: address", *found))
    runs = [m.group(0) for m in _BASE64_RUN.finditer(text)]
    # Base64 as mail and encoders write it, in lines of 76 (a code block of a page, say).
    runs += [re.sub(r"\s+", "", m.group(0)) for m in _BASE64_LINES.finditer(text)]
    for whole in runs:
        run = whole.replace("-", "+").replace("_", "/")
        for skip in range(4):
            body = run[skip:]
            found = sound.find(base64.b64decode(body[:len(body) // 4 * 4]))
            if found is not None:
                reading.sound.append(("base64 text", *found))
                break


def _json_strings(value: object, reading: Reading, out: list[str], key: str = "") -> None:
    if isinstance(value, str):
        if key in _JSON_REFERENCE_KEYS:
            _add_reference(reading, value, "a JSON value")
            reading.texts.append((ADDRESSES, value))
        else:
            out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(str(k))
            _json_strings(v, reading, out, str(k).lower())
    elif isinstance(value, list):
        for v in value:
            _json_strings(v, reading, out, key)


def read_text(text: str, suffix: str) -> Reading:
    """CSS, JavaScript, JSON, CSV and other text files."""
    reading = Reading()
    reading.texts.append(("the text", text))
    if suffix == ".css":
        read_css(text, reading)
    if text.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            strings: list[str] = []
            _json_strings(parsed, reading, strings)
            reading.texts = [("the text", "\n".join(strings))]
    _data_in_text(text, reading)
    return reading


MAX_ZIP_MEMBERS = 100_000
MAX_ZIP_TOTAL = 1 << 30
"""Caps of one zip (the offline bundles): more members or bytes is a finding, never read whole."""


def read_zip(data: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file in a zip, decompressed with a cap per file and in all: the
    sizes a zip declares are not trusted. Every byte of the zip must belong to a file, its header
    or the directory: bytes before, between or after them (a comment too) raise."""
    import io
    import struct
    import zipfile

    out: list[tuple[str, bytes]] = []
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValueError(f"holds more than {MAX_ZIP_MEMBERS} files")
        spans = [(archive.start_dir, len(data) - len(archive.comment))]  # the directory
        for member in archive.infolist():
            at = member.header_offset
            names, extra = struct.unpack("<HH", data[at + 26:at + 30])
            end = at + 30 + names + extra + member.compress_size
            if member.flag_bits & 0x08:  # a data descriptor follows the data
                end += 16 if data[end:end + 4] == b"PK\x07\x08" else 12
            spans.append((at, end))
        at = 0
        for start, end in sorted(spans) + [(len(data), len(data))]:
            if start != at:
                raise ValueError(f"{start - at} bytes at byte {at} belong to none of its files"
                                 if start > at else "two of its files overlap")
            at = end
        for member in members:
            with archive.open(member) as stream:
                body = stream.read(MAX_INFLATED + 1)
            if len(body) > MAX_INFLATED:
                raise ValueError(f"{member.filename}: larger than {MAX_INFLATED >> 20} MB when "
                                 "decompressed")
            total += len(body)
            if total > MAX_ZIP_TOTAL:
                raise ValueError(f"larger than {MAX_ZIP_TOTAL >> 20} MB when decompressed")
            out.append((member.filename, body))
    return out
