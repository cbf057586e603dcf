"""The output audit: proves what was published. Every output file is read before site/ is replaced.

It denies by default: a file passes only when its bytes are positively recognised as a kind the
pipeline publishes (UTF-8 text, a JPEG, PNG, GIF or WebP picture with nothing after its end, a
PDF, an allowed recording, a gzip or zip file whose files pass in turn, Pagefind's own files under
pagefind/); anything else is a finding, and sound is looked for at every offset of every binary
file (:mod:`.sound`). Each file is read into texts, addresses and embedded files (:mod:`.readers`,
:mod:`.pdf`, :mod:`.pictures`); the texts are matched in one canonical form against the private
register and against the word runs of every excluded version (:mod:`.exclusions`); the addresses
are resolved and compared with the excluded versions' addresses, never matched as words."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..canonical import Matcher, words
from ..errors import Problem
from ..model import Channel
from ..privacy import Secret, mask
from ..publish import PublishSet
from . import exclusions, pdf, pictures, readers, sound
from .exclusions import Exclusions

__all__ = ["Exclusions", "audit_folder", "audit_offline", "audit_print", "audit_site", "audit_file"]

MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".xhtml", ".rss", ".atom"}
PAGEFIND = {".pagefind": b"\x00asm\x01\x00\x00\x00", ".pf_index": b"", ".pf_meta": b""}
"""Pagefind's own binary files (its WebAssembly, its index) by name -> how they start once
inflated and unwrapped; published only under pagefind/. Its fragments are text."""
FONTS = (b"wOFF", b"wOF2", b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")
"""How font files start: the website publishes none (readers' own fonts; the PDFs embed theirs)."""
MAX_DEPTH = 3
"""How deep files inside files (a data: picture inside an SVG inside a page) are followed."""

_NOT_TEXT = {readers.ADDRESSES, "the file's name"}
_TIP_EXCLUDED = ("Nothing of an excluded story may be published; check texts that quote it, "
                 "links to it and the theme.")
_TIP_BUG = "This is a bug in the pipeline or the theme: report it."
_TIP_UNKNOWN = ("The website publishes pages, style sheets, scripts, JPEG, PNG, GIF, WebP and SVG "
                "pictures, PDFs, the recordings her consent allows and Pagefind's index: remove "
                "this file from where it came from (theme/ holds text files only).")


@dataclass
class Addresses:
    """Resolves addresses found in outputs to site paths (``stories/x/``), as a browser would."""

    site_url: str | None
    in_site: bool = True
    """Whether the audited folder is the site, so that its files' paths are addresses."""
    host: str = field(init=False)
    prefix: str = field(init=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.site_url or "/")
        self.host = parts.netloc.lower()
        self.prefix = parts.path.rstrip("/") + "/"

    def resolve(self, reference: str, base: str | None) -> str | None:
        """Site path of ``reference`` found in the file at site path ``base``; None for an address
        outside the site (another host, mailto:, a fragment only)."""
        # Browsers drop tabs and line breaks inside addresses.
        parts = urlsplit(re.sub(r"[\t\n\r]", "", reference).strip().replace("\\", "/"))
        scheme = parts.scheme.lower()
        if scheme and scheme not in ("http", "https"):
            return None
        if parts.netloc or scheme:
            if not self.host or parts.netloc.lower() != self.host:
                return None
            path = parts.path or "/"
        elif not parts.path:
            return None
        elif parts.path.startswith("/"):
            path = parts.path
        elif base is None:
            return None
        else:
            path = posixpath.join("/" + posixpath.dirname(base), parts.path)
        path = unquote(path)
        if not path.startswith(self.prefix) and path + "/" != self.prefix:
            return None
        resolved = posixpath.normpath(path).lstrip("/")
        if path.endswith("/") and resolved != ".":
            resolved += "/"
        resolved = "" if resolved in (".", "./") else resolved
        return resolved[len(self.prefix) - 1:] if len(self.prefix) > 1 else resolved


@dataclass
class _Findings:
    """What one output file holds, collected before it is said once per kind."""

    name: str
    runs: dict[str, int] = field(default_factory=dict)
    wheres: dict[str, set[str]] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)

    def add(self, message: str, tip: str) -> None:
        self.problems.setdefault(message, Problem(self.name, message, tip=tip))

    def report(self) -> list[Problem]:
        out = [Problem(self.name, f"contains a sentence of {label} ({count} run(s) of "
                                  f"{exclusions.WINDOW} words, in {', '.join(sorted(self.wheres[label]))})",
                       tip=_TIP_EXCLUDED)
               for label, count in sorted(self.runs.items())]
        return out + list(self.problems.values())


def _scan_text(found: _Findings, where: str, text: str, rules: Exclusions,
               secrets: Matcher[Secret]) -> None:
    tokens = words(text)
    for label, count in rules.runs(tokens).items():
        found.runs[label] = found.runs.get(label, 0) + count
        found.wheres.setdefault(label, set()).add(where)
    # A title's words in an anchor or a file name are no finding: a heading may spell a slug.
    readable = where.rsplit(": ", 1)[-1] not in _NOT_TEXT
    for what in sorted(rules.phrases_in(tokens)) if readable else ():
        found.add(f"contains {what}" + ("" if where == "the text" else f" (in {where})"),
                  _TIP_EXCLUDED)
    for secret in secrets.find(text):
        found.add(f"contains {secret.described} from the private register ({mask(secret.value)}, "
                  f"story {secret.slug})" + ("" if where == "the text" else f" (in {where})"),
                  "Remove it from the sources; the register lists what must never be published.")


def _text(data: bytes) -> str | None:
    """The file as text when it is UTF-8 without a NUL byte (no sound file is), else None."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _unpack(data: bytes, suffix: str) -> list[tuple[str, bytes, str]] | None:
    """(where, bytes, suffix) of the files inside a gzip or zip file; None for any other file.
    A gzip file is the file it holds, as a browser inflates it; each file of a zip is audited."""
    if data[:2] == b"\x1f\x8b":
        return [("", readers.inflate(data), "" if suffix == ".gz" else suffix)]
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return [(f"the zipped file {name}: ", body, posixpath.splitext(name)[1].lower())
                for name, body in readers.read_zip(data)]
    return None


def _read(data: bytes, suffix: str, pagefind: bool) -> readers.Reading | None:
    """The reading of one file recognised by its content (and its name's suffix); None for a file
    of any kind the audit does not know."""
    if pagefind and data.startswith(b"pagefind_dcd"):
        data = data[len(b"pagefind_dcd"):]
        if suffix in PAGEFIND:   # else a fragment: JSON, read as text below
            if not data.startswith(PAGEFIND[suffix]):
                return readers.Reading(findings=["is not the Pagefind file its name says"], binary=True)
            index = data.decode("utf-8", errors="replace") if suffix != ".pagefind" else ""
            return readers.Reading(texts=[("the text", index)], binary=True)
    if data[:5] == b"%PDF-":
        reading = pdf.read(data)
        reading.binary = True
        return reading
    if pictures.is_image(data):
        meta = pictures.read(data)
        return readers.Reading(texts=meta.texts, binary=True, findings=[
            *(f"an image carries {kind} metadata" for kind in meta.kinds), *meta.structure])
    text = _text(data)
    if text is None:
        return None
    head = text.lstrip()[:300].lower()
    if suffix == ".svg" or "<svg" in head and not head.startswith("<!doctype html"):
        return readers.read_markup(text, svg=True)
    if suffix in MARKUP_SUFFIXES or head.startswith(("<!doctype", "<html", "<?xml", "<urlset")):
        return readers.read_markup(text)
    return readers.read_text(text, suffix)


def audit_file(name: str, site_path: str | None, data: bytes, rules: Exclusions,
               secrets: Matcher[Secret], addresses: Addresses) -> list[Problem]:
    """Every finding in one output file (and in the files inside it)."""
    found = _Findings(name)
    _audit_bytes(found, site_path, data, posixpath.splitext(name)[1].lower(), rules, secrets,
                 addresses, 0, "")
    if site_path is not None and addresses.in_site:
        label = rules.address(site_path)
        if label:
            found.add(f"is published at the address of {label}", _TIP_EXCLUDED)
    picture = rules.picture_names.get(exclusions.picture_name(name))
    if picture:
        found.add(f"is named like {picture}", _TIP_EXCLUDED)
    _scan_text(found, "the file's name", name.replace("/", " \n "), rules, secrets)
    return found.report()


def _audit_bytes(found: _Findings, site_path: str | None, data: bytes, suffix: str,
                 rules: Exclusions, secrets: Matcher[Secret], addresses: Addresses,
                 depth: int, inside: str) -> None:
    label = rules.picture_hashes.get(hashlib.sha256(data).hexdigest())
    if label:
        found.add(f"{inside}is {label}".capitalize() if inside else f"is {label}", _TIP_EXCLUDED)
    if sound.is_sound(data):
        for message in sound.findings(data, rules.recordings):
            found.add(inside + message, _TIP_EXCLUDED)
        return
    pagefind = addresses.in_site and (site_path or "").startswith("pagefind/")
    try:
        inner = _unpack(data, suffix)
        reading = _read(data, suffix, pagefind) if inner is None else None
    except Exception as exc:  # noqa: BLE001 - whatever the audit cannot read is not published
        found.add(f"{inside}cannot be read by the audit ({type(exc).__name__}: {exc})"[:300],
                  "A file the audit cannot read is never published: check how it was made.")
        return
    if inner is not None:
        if depth >= MAX_DEPTH:
            found.add(f"{inside}nests files too deeply to audit", _TIP_BUG)
        for where, body, kind in inner if depth < MAX_DEPTH else []:
            _audit_bytes(found, site_path, body, kind, rules, secrets, addresses, depth + 1,
                         inside + where)
        return
    if reading is None:
        found.add(inside + ("is a font: the website uses the reader's own fonts and publishes none"
                            if data[:4] in FONTS else
                            "is a file of a kind the audit does not know: nothing unknown is published"),
                  _TIP_UNKNOWN)
        reading = readers.Reading(binary=True)
    in_bytes = sound.find(data) if reading.binary else None
    for where, offset, what in reading.sound + ([("", *in_bytes)] if in_bytes else []):
        found.add(f"{inside}holds {what} (at byte {offset}{' of ' + where if where else ''}) that "
                  "the consent gate did not publish", _TIP_EXCLUDED)
    for message in reading.findings:
        found.add(inside + message, _TIP_BUG)
    for where, text in reading.texts:
        _scan_text(found, (inside + where) if inside else where, text, rules, secrets)
        if addresses.host and addresses.host in text:
            reading.references += re.findall(r"https?://" + re.escape(addresses.host) + r"[^\s\"'<>)]*",
                                             text)
        named = [name for name in rules.recording_names if name in text.casefold()] if pagefind else []
        for name in named:
            found.add(f"{inside}names the recording {name} in the search index",
                      "Recordings are never in the search index: this is a bug in the pipeline.")
    for reference in reading.references:
        target = addresses.resolve(reference, site_path)
        if target is None:
            continue
        label = rules.address(target)
        if label:
            found.add(f"{inside}links to {label}", _TIP_EXCLUDED)
        picture = rules.picture_names and rules.picture_names.get(exclusions.picture_name(target))
        if picture and target.rsplit("/", 1)[-1]:
            found.add(f"{inside}shows {picture}", _TIP_EXCLUDED)
    for where, blob in reading.blobs:
        if depth >= MAX_DEPTH:
            found.add(f"{inside}nests files too deeply to audit", _TIP_BUG)
            break
        _audit_bytes(found, site_path, blob, "", rules, secrets, addresses, depth + 1,
                     f"{inside}{where}: ")


def audit_folder(folder: Path, label: str, forbidden: Exclusions | None = None,
                 secrets: Sequence[Secret] = (), forbidden_in: dict[str, Exclusions] | None = None,
                 *, site_url: str | None = None, in_site: bool = False) -> list[Problem]:
    """Every file under ``folder``. ``forbidden_in`` gives stricter rules for files under a
    sub-folder (screen PDFs); with ``in_site``, file paths are site addresses."""
    rules = forbidden or Exclusions()
    addresses = Addresses(site_url, in_site)
    matcher = Matcher(secrets, key=lambda secret: secret.value)
    problems: list[Problem] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        stricter = [r for prefix, r in (forbidden_in or {}).items() if relative.startswith(prefix)]
        problems += audit_file(f"{label}/{relative}", relative, path.read_bytes(),
                               stricter[0] if stricter else rules, matcher, addresses)
    return problems


def audit_site(ps: PublishSet, site_dir: Path) -> list[Problem]:
    """The website: nothing excluded from the web; screen PDFs (forwarded beyond recall) also
    nothing excluded from print."""
    web = exclusions.build(ps, (Channel.WEB,))
    both = exclusions.build(ps, (Channel.WEB, Channel.PRINT))
    return audit_folder(site_dir, "site", web, ps.secrets, {"downloads/": both},
                        site_url=ps.config.site_url, in_site=True)


def audit_print(ps: PublishSet, print_dir: Path) -> list[Problem]:
    """The print and booklet PDFs: nothing excluded from print."""
    return audit_folder(print_dir, "build/print", exclusions.build(ps, (Channel.PRINT,)), ps.secrets,
                        site_url=ps.config.site_url)


def audit_offline(ps: PublishSet, offline_dir: Path) -> list[Problem]:
    """The offline bundles: every file inside every zip, as the website is audited (its pages at
    their site addresses, its PDFs as the screen PDFs), since a zip shared by Bluetooth is beyond
    recall too."""
    web = exclusions.build(ps, (Channel.WEB,))
    both = exclusions.build(ps, (Channel.WEB, Channel.PRINT))
    matcher = Matcher(ps.secrets, key=lambda secret: secret.value)
    addresses = Addresses(ps.config.site_url, in_site=True)
    problems: list[Problem] = []
    for path in sorted(p for p in offline_dir.rglob("*") if p.is_file()):
        name = f"build/offline/{path.relative_to(offline_dir).as_posix()}"
        try:
            members = readers.read_zip(path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - whatever the audit cannot read is not published
            problems.append(Problem(name, f"cannot be read by the audit ({type(exc).__name__}: "
                                          f"{exc})"[:300], tip=_TIP_BUG))
            continue
        for member, data in members:
            # Inside the zip: one folder named like it, then the site's own paths.
            site_path = member.split("/", 1)[1] if "/" in member else member
            rules = both if site_path.startswith("downloads/") else web
            problems += audit_file(f"{name}/{member}", site_path, data, rules, matcher, addresses)
    return problems
