"""The privacy scan of sources: raw HTML that could run code, and identifiers that could expose her."""

from __future__ import annotations

import re

import phonenumbers

from .config import Config
from .errors import Problems
from .model import Text

_RAW_HTML = (
    (re.compile(r"<\s*script\b", re.IGNORECASE), "a <script> tag"),
    (re.compile(r"<\s*iframe\b", re.IGNORECASE), "an <iframe> tag"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE), "an on…= event handler"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "a javascript: address"),
)

_IDENTIFIERS = (
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "an Indonesian NIK (16 digits)"),
    (re.compile(r"(?<!\d)\d{6}-\d{2}-\d{4}(?!\d)"), "a Malaysian MyKad number"),
    (re.compile(r"\b[A-Z]{1,2}\s?\d{7,8}\b"), "a passport number"),
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "an e-mail address"),
)
_PHONE_REGIONS = ("ID", "MY")


def mask(value: str) -> str:
    """Enough of a value to find it again, never the whole of it."""
    keep = 2 if len(value) > 6 else 1
    return value[:keep] + "•" * max(len(value) - 2 * keep, 3) + value[-keep:]


def _line(text: Text, offset: int) -> int:
    return text.body_line + text.body.count("\n", 0, offset)


def scan_raw_html(text: Text, problems: Problems) -> None:
    for pattern, what in _RAW_HTML:
        for match in pattern.finditer(text.body):
            problems.error(text.path, f"contains {what}, which could run code in readers' browsers",
                           field="text", line=_line(text, match.start()),
                           tip="Remove it: pages may use Markdown and plain HTML only.")


def find_identifiers(body: str) -> list[tuple[int, str, str]]:
    """(offset, kind, value) of every identifier-like value in ``body``."""
    found: dict[int, tuple[int, str, str]] = {}
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(body, region, leniency=phonenumbers.Leniency.VALID):
            found.setdefault(match.start, (match.start, "a phone number", match.raw_string))
    for pattern, kind in _IDENTIFIERS:
        for match in pattern.finditer(body):
            if not any(start <= match.start() < start + len(value)
                       for start, _, value in found.values()):
                found.setdefault(match.start(), (match.start(), kind, match.group(0)))
    return sorted(found.values())


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value) or value.casefold()


def scan_identifiers(text: Text, is_story: bool, config: Config, problems: Problems) -> None:
    """Stories may carry no identifier; pages only those listed as public in ballata.yml."""
    allowed = {_digits(v) for v in config.public_identifiers}
    for offset, kind, value in find_identifiers(text.body):
        if not is_story and _digits(value) in allowed:
            continue
        tip = ("Remove it from the story: it could identify her or her family." if is_story else
               "Remove it, or, if it is a public hotline or office, list it under "
               "public_identifiers in ballata.yml.")
        problems.error(text.path, f"contains {kind} ({mask(value)})", field="text",
                       line=_line(text, offset), tip=tip)
