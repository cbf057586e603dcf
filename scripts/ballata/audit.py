"""The output audit: proves what was published. Every output byte is read before site/ is replaced."""

from __future__ import annotations

import gzip
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from PIL import Image

from .errors import Problem
from .model import Channel
from .privacy import Secret, fold, mask
from .publish import PublishSet

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
SKIP_SUFFIXES = {".pagefind", ".woff", ".woff2", ".ttf", ".ico"}
"""Binary files with no text a person could read: compiled search code and fonts."""
MIN_SENTENCE = 30
SENTENCES_PER_VERSION = 5


@dataclass(frozen=True)
class Forbidden:
    folded: str
    what: str
    """Which excluded version it comes from, for the message (never the string itself)."""


def _sentences(markdown: str) -> list[str]:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`#>]+", " ", text)
    return [fold(s) for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if len(fold(s)) >= MIN_SENTENCE]


def forbidden_strings(ps: PublishSet, channels: tuple[Channel, ...]) -> list[Forbidden]:
    """Titles, bylines, slugs and distinctive sentences of every version not published in all of
    ``channels``, less what a version published there legitimately shares with it."""
    def allowed(slug: str, lang: str) -> bool:
        return ps.published_in(slug, lang, channels)

    published = [(story, story.texts[lang]) for slug, story in ps.all_stories.items()
                 for lang in ps.config.languages if allowed(slug, lang)]
    shared = fold(" ".join(f"{text.title} {text.body}" for _, text in published)
                  + " " + " ".join(p.text.body for versions in ps.pages.values() for p in versions))
    bylines = {fold(story.narrator.byline() or "") for story, _ in published}
    published_media = {fold(m.file) for story, _ in published for m in story.media}
    out: list[Forbidden] = []
    for slug, story in sorted(ps.all_stories.items()):
        for lang, text in sorted(story.texts.items()):
            if allowed(slug, lang):
                continue
            label = f"the {lang} version of the excluded story '{slug}'"
            if fold(text.title) and fold(text.title) not in shared:
                out.append(Forbidden(fold(text.title), f"the title of {label}"))
            candidates = sorted((s for s in _sentences(text.body) if s not in shared),
                                key=len, reverse=True)
            out += [Forbidden(s, f"a sentence of {label}") for s in candidates[:SENTENCES_PER_VERSION]]
        if not any(allowed(slug, lang) for lang in ps.config.languages):
            out.append(Forbidden(slug, f"the address of the excluded story '{slug}'"))
            byline = fold(story.narrator.byline() or "")
            if byline and byline not in bylines and byline not in shared:
                out.append(Forbidden(byline, f"the byline of the excluded story '{slug}'"))
            out += [Forbidden(fold(m.file), f"a picture of the excluded story '{slug}'")
                    for m in story.media if fold(m.file) not in published_media]
    # A story whose story.yml could not be read is in no model: look at its files directly.
    for slug, yml in sorted(ps.invalid_stories.items()):
        out.append(Forbidden(slug, f"the address of the invalid story '{slug}'"))
        for source in sorted((ps.config.root / yml).parent.glob("index.*.md")):
            candidates = sorted((s for s in _sentences(source.read_text(encoding="utf-8", errors="replace"))
                                 if s not in shared), key=len, reverse=True)
            out += [Forbidden(s, f"a sentence of the invalid story '{slug}'")
                    for s in candidates[:SENTENCES_PER_VERSION]]
    return out


def readable_text(path: Path) -> str | None:
    """Everything a person could read in an output file, folded; ``None`` for binary files."""
    if path.suffix in SKIP_SUFFIXES or path.suffix in IMAGE_SUFFIXES:
        return None
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data.startswith(b"pagefind_dcd"):
        data = data[len(b"pagefind_dcd"):]
    if path.suffix == ".pdf":
        return fold(pdf_text(data))
    text = data.decode("utf-8", errors="replace")
    variants = [text, html.unescape(re.sub(r"<[^>]+>", " ", text))]
    if text.lstrip()[:1] in "{[":
        try:
            variants.append(" ".join(_json_strings(json.loads(text))))
        except ValueError:
            pass
    return " \n ".join(fold(v) for v in variants)


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _json_strings(k) + _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def pdf_text(data: bytes) -> str:
    """Page text, document info and XMP of a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(v) for v in (reader.metadata or {}).values()]
    xmp = cast(Any, reader.trailer["/Root"]).get("/Metadata")
    if xmp is not None:
        parts.append(xmp.get_object().get_data().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def image_metadata(data: bytes) -> list[str]:
    """Names of the metadata an image still carries (EXIF, GPS, XMP, IPTC, ICC, comments)."""
    found = []
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if exif:
            found.append("EXIF" + (" with GPS" if 0x8825 in exif else ""))
        found += [key for key in ("xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop",
                                  "iptc") if image.info.get(key)]
    if b"http://ns.adobe.com/xap/1.0/" in data and "xmp" not in found:
        found.append("XMP")
    return found


def pdf_images(data: bytes) -> tuple[list[bytes], int]:
    """Every embedded JPEG file of a PDF, and how many images carry their own XMP. Every object of
    the file is looked at, so an image inside a pattern or a form is found too; other images are
    raw pixels in the PDF, where no EXIF can hide."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(data))
    jpegs: list[bytes] = []
    with_xmp = 0
    for number in range(1, int(cast(Any, reader.trailer["/Size"]))):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free or broken entry holds nothing to publish
            continue
        if not isinstance(obj, StreamObject) or obj.get("/Subtype") != "/Image":
            continue
        if "/Metadata" in obj:
            with_xmp += 1
        filters = obj.get("/Filter")
        if filters == "/DCTDecode" or (isinstance(filters, list) and "/DCTDecode" in filters):
            jpegs.append(obj._data)
    return jpegs, with_xmp


def audit_folder(folder: Path, label: str, forbidden: list[Forbidden], secrets: list[Secret],
                 forbidden_in: dict[str, list[Forbidden]] | None = None) -> list[Problem]:
    """Every file under ``folder``: a finding for each forbidden string, secret or image metadata.
    ``forbidden_in`` gives stricter lists for files under a sub-folder (e.g. screen PDFs)."""
    problems = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = f"{label}/{path.relative_to(folder).as_posix()}"
        rules = forbidden
        for prefix, stricter in (forbidden_in or {}).items():
            if path.relative_to(folder).as_posix().startswith(prefix):
                rules = stricter
        data = path.read_bytes()
        images = [data] if path.suffix.lower() in IMAGE_SUFFIXES else []
        if path.suffix == ".pdf":
            jpegs, with_xmp = pdf_images(data)
            images += jpegs
            if with_xmp:
                problems.append(Problem(name, f"{with_xmp} embedded image(s) carry XMP metadata",
                                        tip="This is a bug in the pipeline: report it."))
        for image in images:
            for kind in image_metadata(image):
                problems.append(Problem(name, f"an image carries {kind} metadata",
                                        tip="Images must be re-encoded before publishing; "
                                            "this is a bug in the pipeline: report it."))
        text = readable_text(path)
        # The file's own name counts too: a picture or page of an excluded story must not exist.
        text = fold(name) + " \n " + (text or "")
        for item in rules:
            if item.folded in text:
                problems.append(Problem(name, f"contains {item.what}",
                                        tip="Nothing of an excluded story may be published; "
                                            "check links and texts that quote it."))
        for secret in secrets:
            if secret.folded in text:
                problems.append(Problem(name, f"contains a {secret.kind} from the private register "
                                              f"({mask(secret.value)}, story {secret.slug})",
                                        tip="Remove it from the sources; the register lists what "
                                            "must never be published."))
    return problems


def audit_site(ps: PublishSet, site_dir: Path) -> list[Problem]:
    """The website: nothing excluded from the web; screen PDFs (forwarded beyond recall) also
    nothing excluded from print."""
    web = forbidden_strings(ps, (Channel.WEB,))
    both = forbidden_strings(ps, (Channel.WEB, Channel.PRINT))
    return audit_folder(site_dir, "site", web, ps.secrets, {"downloads/": both})


def audit_print(ps: PublishSet, print_dir: Path) -> list[Problem]:
    """The print and booklet PDFs: nothing excluded from print."""
    return audit_folder(print_dir, "build/print", forbidden_strings(ps, (Channel.PRINT,)), ps.secrets)
