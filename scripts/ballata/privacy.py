"""The privacy scan of sources: HTML outside the allowlist, and identifiers that could expose her.

Everything is compared in the one canonical form of :mod:`ballata.canonical`, so a name or a
number is found however it is encoded, disguised or split; and every string that is published is
scanned: texts with every attribute and address in them, front matter, story.yml, zine.yml,
dataset.yml and table.csv.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import phonenumbers

from . import canonical, sanitize, sources
from .config import Config
from .errors import Problems
from .model import Dataset, Story, Text
from .schema import (INVALID, Context, Field, Group, ListOf, Text as TextType, YamlDoc, dotted,
                     parse_yaml)

_PHONE_REGIONS = ("ID", "MY")
_Hit = TypeVar("_Hit")
MIN_REGISTER_CHARS = 3
"""A register entry shorter than this (letters and digits) would match ordinary words."""

# Identifiers are searched in the canonical text, line by line joined with "\n", so that a number
# broken over two lines or spelled with odd separators is still one number.
_SEPARATOR = r"[\s\-./_()\u2010-\u2015\u2212]{1,3}"
_NUMBER = re.compile(rf"\+?\d+(?:{_SEPARATOR}\d+)*")
_SIX_DIGITS = re.compile(r"\d{6}")
_PASSPORT = re.compile(r"(?<![\w])([a-z]{1,2})[\s\-.]?(\d{6,8})(?![\d])")
_NOT_PASSPORT = {"rp", "rm", "us", "sg", "ke", "di", "se"}
"""Currencies and prepositions that come before a sum or a count ('Rp 1500000', 'ke 150000')."""
_AT = r"(?:\s?@\s?|\s?[(\[{<]\s?(?:at|@)\s?[)\]}>]\s?|\s(?:at)\s)"
_DOT = r"(?:\.|\s?[(\[{<]\s?(?:dot|titik|\.)\s?[)\]}>]\s?|\s(?:dot|titik)\s)"
_EMAIL = re.compile(
    rf"(?<![\w.+\-])([\w][\w.+\-]*?){_AT}([a-z0-9][a-z0-9\-]*(?:{_DOT}[a-z0-9][a-z0-9\-]*)*)"
    rf"{_DOT}([a-z]{{2,}})(?![a-z0-9])")
_EMAIL_DOT = re.compile(_DOT)
_AT_ANYWHERE = re.compile(_AT)
EMAIL_WINDOW = 128
"""Characters searched either side of an @ (or 'at') for the address around it."""
_CURRENCY_BEFORE = re.compile(r"(?:rp|rm|idr|myr|usd|sgd|us\$|s\$|\$)\s?\.?\s?$")
_MONEY = re.compile(r"[1-9]\d{0,2}(?:([. ])\d{3})(?:\1\d{3})*")
"""Thousands groups: 'Rp 1.500.000', '1 500 000'."""

LONG_NUMBER = 10
"""Digits from which a number that is not a date or a sum is treated as an identifier (a bank
account, a BPJS or family-card number)."""


def mask(value: str) -> str:
    """Enough of a value to find it again, never the whole of it."""
    keep = 2 if len(value) > 6 else 1
    return value[:keep] + "•" * max(len(value) - 2 * keep, 3) + value[-keep:]


# Identifiers

@dataclass(frozen=True)
class Identifier:
    """An identifier-like value found in a text."""

    line: int
    """0-based line in the scanned text."""
    kind: str
    value: str
    """As found, in canonical form."""
    key: str
    """Its digits (or the e-mail address): what ``public_identifiers`` are compared with."""


def _date_piece(part: str) -> bool:
    if len(part) <= 2:
        return True
    if len(part) == 4:
        return part[:2] in ("19", "20")
    if len(part) == 8:      # 20250614, as in camera file names
        return part[:2] in ("19", "20") and "01" <= part[4:6] <= "12" and "01" <= part[6:] <= "31"
    if len(part) == 6:      # 143059, the time after it
        return part[:2] <= "23" and part[2:4] <= "59" and part[4:] <= "59"
    return False


def _phone(group: str, digits: str) -> bool:
    international = group.lstrip().startswith("+") or digits.startswith(("62", "60"))
    if not (international or digits.startswith("0")):
        return False      # numbers are written with 0 or +62/+60 in front; '259 orang' is a count
    for region in _PHONE_REGIONS:
        try:
            number = phonenumbers.parse(("+" if international else "") + digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def _ordinary_number(group: str, before: str) -> bool:
    """A date, a year, a time, a count or a sum of money: not an identifier."""
    parts = re.findall(r"\d+", group)
    digits = "".join(parts)
    if len(digits) < 6 or all(_date_piece(p) for p in parts):
        return True
    money = _MONEY.fullmatch(group.strip()) is not None or _CURRENCY_BEFORE.search(before)
    return bool(money) and len(digits) <= 12


def _number_kind(group: str, before: str) -> str | None:
    if _ordinary_number(group, before):
        return None
    digits = re.sub(r"\D", "", group)
    if _phone(group, digits):
        return "a phone number"
    if len(digits) == 16:
        return "an Indonesian NIK (16 digits)"
    if len(digits) == 12:
        return "a Malaysian MyKad number (12 digits)"
    if len(digits) >= LONG_NUMBER:
        return f"a number of {len(digits)} digits (an ID, account or card number?)"
    return None


def find_identifiers(text: str) -> list[Identifier]:
    """Every identifier-like value in ``text``: phone numbers (Indonesia, Malaysia), NIK, MyKad,
    passport numbers, long ID or account numbers and e-mail addresses, found in the canonical
    form so that entities, full-width or other-script digits, odd separators, line breaks and
    written-out e-mail addresses ('nama [at] gmail [dot] com') do not hide them."""
    joined = "\n".join(canonical.canon(line) for line in text.split("\n"))
    found: dict[tuple[int, str], Identifier] = {}

    def add(offset: int, kind: str, value: str, key: str) -> None:
        line = joined.count("\n", 0, offset)
        if not any(key in seen.key or seen.key in key for (at, _), seen in found.items()
                   if at == line):
            found[(line, key)] = Identifier(line, kind, value.strip(), key)

    for match in _NUMBER.finditer(joined):
        kind = _number_kind(match.group(), joined[max(0, match.start() - 6):match.start()])
        if kind:
            add(match.start(), kind, match.group(), re.sub(r"\D", "", match.group()))
    for region in _PHONE_REGIONS:
        for hit in phonenumbers.PhoneNumberMatcher(joined, region,
                                                   leniency=phonenumbers.Leniency.VALID):
            if not _ordinary_number(hit.raw_string, joined[max(0, hit.start - 6):hit.start]):
                add(hit.start, "a phone number", hit.raw_string, re.sub(r"\D", "", hit.raw_string))
    if _SIX_DIGITS.search(joined):
        for match in _PASSPORT.finditer(joined):
            if match.group(1) not in _NOT_PASSPORT:
                add(match.start(), "a passport number", match.group(),
                    match.group(1) + match.group(2))
    # The address regex is costly at every position: it is tried only around each @ or 'at'.
    searched = 0
    for at in _AT_ANYWHERE.finditer(joined):
        start = max(searched, at.start() - EMAIL_WINDOW)
        for match in _EMAIL.finditer(joined, start, at.end() + EMAIL_WINDOW):
            local, domain, tld = match.groups()
            address = f"{local}@{_EMAIL_DOT.sub('.', domain)}.{tld}"
            add(match.start(), "an e-mail address", match.group(), address)
            searched = max(searched, match.end())
    return sorted(found.values(), key=lambda i: i.line)


def _digit_forms(key: str) -> set[str]:
    """A number with and without its trunk 0 or country code, so +62 812… matches 0812…."""
    forms = {key, key.lstrip("0")}
    if key.startswith(("62", "60")):
        forms.add(key[2:])
    return forms


def _public_keys(config_values: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for value in config_values:
        digits = re.sub(r"\D", "", canonical.canon(value))
        keys |= _digit_forms(digits) if len(digits) >= 6 else {canonical.canon(value).replace(" ", "")}
    return keys


def _is_public(found: Identifier, public: set[str]) -> bool:
    if not public:
        return False
    if _digit_forms(found.key) & public:
        return True
    # A public number run together with a short count or an hour ('0800-1000-0000 / 24 jam').
    rest = found.key
    for key in sorted(public, key=len, reverse=True):
        if len(key) >= 6:
            rest = rest.replace(key, "")
    return rest != found.key and len(rest) < 6


def _identifier_tip(is_story: bool) -> str:
    if is_story:
        return "Remove it from the story: it could identify her or her family."
    return ("Remove it, or, if it is a public hotline or office, list it under public_identifiers "
            "in ballata.yml.")


# The private register

@dataclass(frozen=True)
class Secret:
    """One string from the private register that must never be published."""

    slug: str
    kind: str
    """'real name' or 'identifier'."""
    value: str
    line: int | None = field(default=None, compare=False)
    """Its line in private/register.yml."""

    @property
    def described(self) -> str:
        """'a real name' or 'an identifier', for messages."""
        return ("an " if self.kind[0] in "aeiou" else "a ") + self.kind


REGISTER_FILE = "private/register.yml"
REGISTER_SCHEMA = Group({
    "real_names": Field(ListOf(TextType()), required=False, default=[]),
    "identifiers": Field(ListOf(TextType()), required=False, default=[]),
})


def load_register(config: Config, problems: Problems) -> list[Secret]:
    """The private register (optional, never committed): real names and identifiers per story.
    An entry too short to search for is an error, never left out in silence."""
    path = config.root / REGISTER_FILE
    if not path.is_file():
        return []
    doc = sources.read_yaml(path, config.root, problems)
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
        for kind, key in (("real name", "real_names"), ("identifier", "identifiers")):
            for i, value in enumerate(checked[key]):
                path_ = (str(slug), key, i)
                if len(canonical.squash(value)) < MIN_REGISTER_CHARS:
                    problems.error(
                        REGISTER_FILE, f"this {kind} has fewer than {MIN_REGISTER_CHARS} letters or "
                        "digits once spaces, accents and punctuation are set aside, so it cannot "
                        "be searched for without matching ordinary words", field=dotted(path_),
                        line=doc.line(path_),
                        tip="Write it in full (first and last name together, the whole number), "
                            "or delete it if it identifies no one on its own.")
                    continue
                secrets.append(Secret(str(slug), kind, value, doc.line(path_)))
    return secrets


@lru_cache(maxsize=8)
def _matcher(secrets: tuple[Secret, ...]) -> canonical.Matcher[Secret]:
    return canonical.Matcher(secrets, key=lambda s: s.value)


def find_secrets(text: str, secrets: list[Secret]) -> list[Secret]:
    """Register entries found in ``text`` (raw text, HTML included), each once: in the text as it
    is (attributes, addresses and file names included) and as it reads with tags removed."""
    if not secrets:
        return []
    return _as_written_and_read(text, _matcher(tuple(secrets)).find)


def _secret_lines(text: str, secrets: list[Secret]) -> list[tuple[Secret, int]]:
    if not secrets:
        return []
    found = _as_written_and_read(text, _matcher(tuple(secrets)).find_lines)
    return sorted(set(found), key=lambda hit: (hit[1], secrets.index(hit[0])))


def _as_written_and_read(text: str, find: Callable[[str], list[_Hit]]) -> list[_Hit]:
    """What ``find`` finds in the text as it is, and in the text as it reads with tags removed
    (a name split by ``<b></b>``), each once."""
    found = find(text)
    if "<" in text or "&" in text:
        found += [hit for hit in find(canonical.strip_tags(text)) if hit not in found]
    return found


def _register_error(problems: Problems, where: str, secret: Secret, field_name: str | None,
                    line: int | None) -> None:
    problems.error(where, f"contains {secret.described} from the private register "
                   f"({mask(secret.value)}, story {secret.slug})", field=field_name, line=line,
                   tip="Remove it or replace it with her pseudonym; the register lists what must "
                       "never be published, in any spelling, address or file name.")


def scan_register(where: str, text: str, secrets: list[Secret], problems: Problems, *,
                  field: str | None = None, line: int | None = None) -> None:
    for secret in find_secrets(text, secrets):
        _register_error(problems, where, secret, field, line)


# Fields and files

FieldValue = tuple[str | None, int | None, str]
"""(field, line, value) of one string that is published."""


def yaml_strings(doc: YamlDoc, skip: Collection[str] = ()) -> list[FieldValue]:
    """Every string of a YAML document, keys included (a category written as a key is
    published too), with its field and line; top-level fields in ``skip`` are left out."""
    out: list[FieldValue] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            out.append((dotted(path), doc.line(path), value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if not path and str(key) in skip:
                    continue
                if isinstance(key, str):
                    out.append((dotted(path + (key,)), doc.line(path + (key,)), key))
                walk(item, path + (str(key),))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(doc.data, ())
    return out


def scan_fields(file: str, fields: Iterable[FieldValue], secrets: list[Secret], problems: Problems,
                *, public: Collection[str] | None = None) -> None:
    """Register entries and identifiers in published strings of ``file``. ``public`` is None for
    a story (no identifier at all) or the numbers a page may show (``public_identifiers``)."""
    allowed = _public_keys(public or ())
    for field_name, line, value in fields:
        for secret in find_secrets(value, secrets):
            _register_error(problems, file, secret, field_name, line)
        for found in find_identifiers(value):
            if public is not None and _is_public(found, allowed):
                continue
            problems.error(file, f"contains {found.kind} ({mask(found.value)})", field=field_name,
                           line=line + found.line if line else None,
                           tip=_identifier_tip(public is None))


def scan_yaml_file(root: Path, file: str, secrets: list[Secret], problems: Problems, *,
                   public: Collection[str] | None = None, skip: Collection[str] = ()) -> None:
    """Every string field of a YAML file that is published (zine.yml, dataset.yml)."""
    path = root / file
    if not path.is_file():
        return
    doc = sources.read_yaml(path, root, Problems())
    if doc is not None:
        scan_fields(file, yaml_strings(doc, skip), secrets, problems, public=public)


def scan_dataset(config: Config, dataset: Dataset, secrets: list[Secret],
                 problems: Problems) -> None:
    """dataset.yml (title, source, every label and category) and table.csv, line by line."""
    public = config.public_identifiers
    scan_yaml_file(config.root, f"{dataset.folder}/dataset.yml", secrets, problems, public=public)
    csv_file = f"{dataset.folder}/table.csv"
    for secret, line in _secret_lines(dataset.csv_text, secrets):
        _register_error(problems, csv_file, secret, "table", line + 1)
    allowed = _public_keys(public)
    for found in find_identifiers(dataset.csv_text):
        if not _is_public(found, allowed):
            problems.error(csv_file, f"contains {found.kind} ({mask(found.value)})", field="table",
                           line=found.line + 1, tip=_identifier_tip(False))


def _front_matter(text: Text) -> list[FieldValue]:
    raw = text.raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    if not raw.startswith("---\n"):
        return []
    end = raw.find("\n---", 3)
    doc = parse_yaml(raw[4:end + 1], text.path, Problems(), line_offset=1) if end != -1 else None
    return yaml_strings(doc, skip={"translated_from"}) if doc is not None else []


def scan_text(text: Text, is_story: bool, config: Config, secrets: list[Secret],
              problems: Problems) -> None:
    """Everything the source scan looks for in one published text: the HTML allowlist, and
    register entries and identifiers in its front matter and its body. The body is read twice:
    as written, so every attribute, link address, title and image file name is scanned, and with
    its tags removed, as a reader sees it ('Nur<b></b>hayati')."""
    sanitize.check(text, problems)
    public = None if is_story else config.public_identifiers
    scan_fields(text.path, _front_matter(text), secrets, problems, public=public)
    if not is_story:
        # A page's folder is its address, and the pictures next to it are published by name.
        folder = text.path.rsplit("/", 1)[0]
        names = [("address", None, folder)]
        if (config.root / folder).is_dir():
            names += [("file name", None, p.name)
                      for p in sorted((config.root / folder).iterdir()) if not p.name.endswith(".md")]
        scan_fields(text.path, names, secrets, problems)
    for secret, line in _secret_lines(text.body, secrets):
        _register_error(problems, text.path, secret, "text", text.body_line + line)
    scan_identifiers(text, is_story, config, problems)


def scan_identifiers(text: Text, is_story: bool, config: Config, problems: Problems) -> None:
    """Stories may carry no identifier; pages only those listed as public in ballata.yml."""
    allowed = _public_keys(config.public_identifiers)
    for found in find_identifiers(text.body):
        if not is_story and _is_public(found, allowed):
            continue
        problems.error(text.path, f"contains {found.kind} ({mask(found.value)})", field="text",
                       line=text.body_line + found.line, tip=_identifier_tip(is_story))


def published_fields(story: Story, langs: list[str]) -> list[tuple[str, str, str]]:
    """(file, field, value) of everything of a story that is published besides its texts."""
    fields = [(story.yml, "slug", story.slug), (story.yml, "region", story.region),
              (story.yml, "destination", story.destination)]
    fields += [(story.yml, "tags", tag) for tag in story.tags]
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


STORY_UNPUBLISHED = ("consent", "recorded", "original_language")
"""Fields of story.yml that are never published (the consent record stays with the team)."""


def _story_yml_fields(story: Story, root: Path) -> list[FieldValue] | None:
    path = root / story.yml
    if not path.is_file():
        return None
    doc = sources.read_yaml(path, root, Problems())
    return yaml_strings(doc, STORY_UNPUBLISHED) if doc is not None else None


def scan_story_fields(story: Story, langs: list[str], secrets: list[Secret],
                      problems: Problems, root: Path | None = None) -> None:
    """Every published string of a story besides its texts: every field of story.yml but the
    consent record (with its line, when ``root`` is given), titles, the slug."""
    from_yml = _story_yml_fields(story, root) if root is not None else None
    fields: dict[str, list[FieldValue]] = {}
    for file, field_name, value in published_fields(story, langs):
        # With story.yml at hand, its fields come from it, with lines; a text's title is in its
        # front matter or first heading, which scan_text reads.
        if from_yml is not None and field_name != "slug":
            continue
        fields.setdefault(file, []).append((field_name, None, value))
    if from_yml is not None:
        fields.setdefault(story.yml, []).extend(from_yml)
    for file, values in fields.items():
        scan_fields(file, values, secrets, problems)

