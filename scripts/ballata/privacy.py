"""The privacy scan of sources: HTML outside the allowlist, and identifiers that could expose her."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from . import sanitize
from .config import Config
from .errors import Problems
from .model import Story, Text
from .schema import INVALID, Context, Field, Group, ListOf, Text as TextType, parse_yaml

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


def find_identifiers(body: str) -> list[tuple[int, str, str]]:
    """(offset, kind, value) of every identifier-like value in ``body``."""
    found: dict[int, tuple[int, str, str]] = {}
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(body, region, leniency=phonenumbers.Leniency.VALID):
            found.setdefault(match.start, (match.start, "a phone number", match.raw_string))
    for pattern, kind in _IDENTIFIERS:
        for hit in pattern.finditer(body):
            if not any(start <= hit.start() < start + len(value)
                       for start, _, value in found.values()):
                found.setdefault(hit.start(), (hit.start(), kind, hit.group(0)))
    return sorted(found.values())


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value) or value.casefold()


def scan_text(text: Text, is_story: bool, config: Config, secrets: list[Secret],
              problems: Problems) -> None:
    """Everything the source scan looks for in one published text."""
    sanitize.check(text, problems)
    scan_identifiers(text, is_story, config, problems)
    for secret in find_secrets(text.body, secrets):
        offset = _find_folded(text.body, secret.folded)
        scan_register(text.path, secret.value, [secret], problems, field="text",
                      line=_line(text, offset) if offset is not None else None)


def _find_folded(body: str, folded: str) -> int | None:
    """Offset in ``body`` of the line where a folded string starts (it may span a line break)."""
    lines = body.split("\n")
    offset = 0
    for i, line in enumerate(lines):
        if fold(" ".join(lines[i:i + 3])).find(folded) != -1 and folded.split(" ")[0] in fold(line):
            return offset
        offset += len(line) + 1
    return None


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


def fold(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form: 'SÁRI\\n  Dewi' and 'sari dewi' match."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@dataclass(frozen=True)
class Secret:
    """One string from the private register that must never be published."""

    slug: str
    kind: str
    """'real name' or 'identifier'."""
    value: str

    @property
    def folded(self) -> str:
        return fold(self.value)


REGISTER_FILE = "private/register.yml"
REGISTER_SCHEMA = Group({
    "real_names": Field(ListOf(TextType()), required=False, default=[]),
    "identifiers": Field(ListOf(TextType()), required=False, default=[]),
})


def load_register(config: Config, problems: Problems) -> list[Secret]:
    """The private register (optional, never committed): real names and identifiers per story."""
    path = config.root / REGISTER_FILE
    if not path.is_file():
        return []
    doc = parse_yaml(path.read_text(encoding="utf-8-sig"), REGISTER_FILE, problems)
    if doc is None:
        return []
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict):
        problems.error(REGISTER_FILE, "expected one entry per story slug", line=1,
                       tip="Write `<slug>:` then `real_names:` and `identifiers:` lists under it.")
        return []
    secrets = []
    ctx = Context(doc, problems, config.languages)
    for slug, entry in doc.data.items():
        checked = REGISTER_SCHEMA.check(entry, (str(slug),), ctx)
        if checked is INVALID:
            continue
        secrets += [Secret(str(slug), "real name", v) for v in checked["real_names"]]
        secrets += [Secret(str(slug), "identifier", v) for v in checked["identifiers"]]
    return [s for s in secrets if len(s.folded) >= 3]


def find_secrets(text: str, secrets: list[Secret]) -> list[Secret]:
    folded = fold(text)
    return [s for s in secrets if s.folded in folded]


def scan_register(where: str, text: str, secrets: list[Secret], problems: Problems, *,
                  field: str | None = None, line: int | None = None) -> None:
    for secret in find_secrets(text, secrets):
        problems.error(where, f"contains a {secret.kind} from the private register "
                       f"({mask(secret.value)}, story {secret.slug})", field=field, line=line,
                       tip="Remove it or replace it with her pseudonym; the register lists what "
                           "must never be published.")


def published_fields(story: Story, langs: list[str]) -> list[tuple[str, str, str]]:
    """(file, field, value) of everything of a story that is published besides its texts."""
    fields = [(story.yml, "slug", story.slug.replace("-", " ")), (story.yml, "slug", story.slug)]
    if story.narrator.byline():
        fields.append((story.yml, "narrator.display_name", story.narrator.byline() or ""))
    for lang in langs:
        fields.append((story.texts[lang].path, "title", story.title(lang)))
    for i, medium in enumerate(story.media):
        fields.append((story.yml, f"media[{i}].file", medium.file))
        for lang in langs:
            for name, values in (("alt", medium.alt), ("caption", medium.caption)):
                if lang in values:
                    fields.append((story.yml, f"media[{i}].{name}.{lang}", values[lang]))
    return fields


def scan_story_fields(story: Story, langs: list[str], secrets: list[Secret],
                      problems: Problems) -> None:
    """Titles, bylines, alt text, captions, file names and the slug: published, so scanned."""
    for file, field_name, value in published_fields(story, langs):
        scan_register(file, value, secrets, problems, field=field_name)
        for _, kind, found in find_identifiers(value):
            problems.error(file, f"contains {kind} ({mask(found)})", field=field_name,
                           tip="Remove it: it could identify her or her family.")
