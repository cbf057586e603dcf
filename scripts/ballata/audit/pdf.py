"""PDF files read for the audit: page text and every string of every object (document info,
outlines, annotations, form fields, structure alt texts), XMP, embedded images; attachments, sound
and video (a /Sound, /Movie, /Screen or /RichMedia object) are findings."""

from __future__ import annotations

import io
import re
from typing import Any, cast

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, ByteStringObject, DictionaryObject, NameObject,
                           StreamObject, TextStringObject)

from . import sound
from .readers import ADDRESSES, Reading, read_markup

MAX_STREAM = 16 << 20
_LINK_KEYS = {"/URI", "/Dests", "/D", "/Dest", "/F", "/UF"}
"""Keys whose strings are addresses or anchor names, not text: words of a title there are none."""
"""A metadata stream larger than this (compressed) is a finding, never decompressed."""
_LINE_END_HYPHEN = re.compile(r"(\w)-\n(\w)")
MEDIA = {"/Sound", "/Movie", "/Screen", "/RichMedia", "/RichMediaContent", "/Rendition", "/3D"}
"""Names of the objects that play sound or video in a PDF: the zine and handouts have none."""


def _where(obj: DictionaryObject) -> str:
    kind = obj.get("/Type")
    if kind == "/Annot" or "/Subtype" in obj and "/Rect" in obj:
        return "a PDF annotation"
    if "/FT" in obj or "/Fields" in obj:
        return "a PDF form field"
    if kind == "/Outlines" or "/Title" in obj and ("/Parent" in obj or "/First" in obj):
        return "a PDF bookmark"
    if kind == "/Filespec":
        return "a PDF attachment"
    return "a PDF object"


def _walk(value: object, where: str, reading: Reading, strings: dict[str, list[str]]) -> None:
    """Every string inside one object; indirect references are walked on their own."""
    if isinstance(value, TextStringObject):
        strings.setdefault(where, []).append(str(value))
    elif isinstance(value, ByteStringObject):
        strings.setdefault(where, []).append(bytes(value).decode("utf-8", errors="replace"))
    elif isinstance(value, DictionaryObject):
        where = _where(value) if where == "a PDF object" else where
        media = sorted({str(name)[1:] for key, item in value.items() for name in (key, item)
                        if isinstance(name, NameObject) and name in MEDIA})
        if media:
            reading.findings.append(f"has sound or video ({', '.join(media)})")
        if value.get("/Subtype") == "/FileAttachment":
            reading.findings.append("has a file attachment annotation")
        if "/EmbeddedFiles" in value or "/EF" in value or value.get("/Type") == "/EmbeddedFile":
            reading.findings.append("has an attached file")
        uri = value.get("/URI")
        if isinstance(uri, (TextStringObject, ByteStringObject)):
            reading.references.append(uri if isinstance(uri, str) else bytes(uri).decode("latin-1"))
        for key, item in value.items():
            _walk(item, ADDRESSES if key in _LINK_KEYS else where, reading, strings)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk(item, where, reading, strings)


def read(data: bytes) -> Reading:
    """Everything readable in a PDF. Raises on a file pypdf cannot read."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return Reading(findings=["is encrypted, so the audit cannot read it"])
    reading = Reading()
    pages = "\n".join(page.extract_text() or "" for page in reader.pages)
    reading.texts.append(("the page text", pages))
    # A word hyphenated at a line end is one word to a reader.
    reading.texts.append(("the page text", _LINE_END_HYPHEN.sub(r"\1\2", pages)))
    strings: dict[str, list[str]] = {}
    info = reader.trailer.get("/Info")
    if info is not None:
        _walk(info.get_object(), "the PDF document info", reading, strings)
    info_number = getattr(info, "idnum", None)
    with_xmp = 0
    for number in range(1, int(cast(Any, reader.trailer["/Size"]))):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free or broken entry holds nothing to publish
            continue
        if number != info_number:
            _walk(obj, "a PDF object", reading, strings)
        if not isinstance(obj, StreamObject):
            continue
        if obj.get("/Subtype") != "/Image" and len(obj._data) <= MAX_STREAM:
            # Sound in any stream but a picture's pixels (a JPEG's bytes are read as a file).
            found = sound.find(obj.get_data())
            if found is not None:
                reading.sound.append((f"PDF object {number}", *found))
        if obj.get("/Type") == "/EmbeddedFile":
            reading.findings.append("has an attached file")
            if len(obj._data) <= MAX_STREAM:
                reading.blobs.append(("a file attached to the PDF", obj.get_data()))
        elif obj.get("/Subtype") == "/Image":
            if "/Metadata" in obj:
                with_xmp += 1
            filters = obj.get("/Filter")
            names = filters if isinstance(filters, list) else [filters]
            if "/DCTDecode" in names or "/JPXDecode" in names:
                reading.blobs.append(("an image inside the PDF", obj._data))
        elif obj.get("/Type") == "/Metadata" or obj.get("/Subtype") == "/XML":
            if len(obj._data) > MAX_STREAM:
                reading.findings.append("has a metadata stream too large to read")
                continue
            xmp = read_markup(obj.get_data().decode("utf-8", errors="replace"))
            reading.texts += [("the PDF's XMP metadata", text) for _, text in xmp.texts]
            reading.references += xmp.references
    if with_xmp:
        reading.findings.append(f"{with_xmp} embedded image(s) carry XMP metadata")
    reading.texts += [(where, "\n".join(values)) for where, values in strings.items()]
    return reading
