"""The one canonical form every privacy comparison uses, for sources and outputs alike.

A name must be found however it is disguised: entity-encoded, with invisible characters inside,
with accents or look-alike letters from another script, in capitals, or with its words joined by
hyphens, dots, underscores or nothing. :func:`canon` makes the text form, :func:`words` its tokens,
and :class:`Matcher` finds register entries among the tokens in time linear in the text.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import unquote

T = TypeVar("T")

MAX_DECODE_ROUNDS = 4
"""`&amp;#78;` needs two rounds; more than a few is an attempt to hide something, and stays encoded."""

CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
"""Indonesian suffixes written glued to a name ('Nurhayatinya'): the name is still there."""

_IGNORABLE_RANGES = (
    # Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which Python does not
    # expose: soft hyphen, combining grapheme joiner, Hangul fillers, Mongolian and other
    # variation selectors, zero-width characters, bidi controls, word joiner, tag characters.
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
_BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI_MARKUP = ("rtl", "bdo", "bidi")
"""dir="rtl", <bdo>, unicode-bidi: bidi-override: markup that can show text right to left."""
_TAG = re.compile(r"<[^<>]*>")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _ignorable(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _IGNORABLE_RANGES)


@lru_cache(maxsize=1)
def _confusables() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letter or digit it looks like (Unicode TR39 data).

    The package's table lists look-alikes in both directions; only the direction towards ASCII
    letters and digits is kept, and ASCII itself is never folded, so '0' and 'O' or 'l' and '1'
    stay apart (numbers must stay numbers for the identifier scan)."""
    import confusable_homoglyphs

    data_file = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    data: dict[str, list[dict[str, str]]] = json.loads(data_file.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for char, lookalikes in data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = {e["c"].replace("\u200e", "") for e in lookalikes}
        targets = {t.lower() for t in targets if t.isascii() and t.isalnum() and len(t) <= 3}
        if targets:
            # A letter before a digit, a single character before a sequence: 'ο' is o, not 0.
            out[char] = min(targets, key=lambda t: (len(t), t.isdigit(), t))
    return out


class _Table(dict[int, "int | str | None"]):
    """str.translate table filled on first sight of each character, so it costs nothing up front
    and one dict lookup per character after."""

    def __missing__(self, cp: int) -> int | str | None:
        self[cp] = value = _fold_char(cp)
        return value


def _fold_char(cp: int) -> int | str | None:
    char = chr(cp)
    category = unicodedata.category(char)
    if category[0] == "M" or category == "Cf" or _ignorable(cp):
        return None
    if category == "Nd":
        return str(unicodedata.digit(char))
    if category[0] == "Z":
        return " "
    confusables = _confusables()
    # Look-alikes are folded before case, as TR39 defines them: Greek capital Ν looks like N,
    # its lower case ν like v.
    lower = char.casefold()
    target = confusables.get(char) or (confusables.get(lower) if len(lower) == 1 else None)
    if target == "l" and char.isupper():
        return "i"     # TR39 folds I to l; a capital that looks like l is an I (Cyrillic І, Greek Ι)
    return target or cp


_TABLE = _Table()


class _Separators(dict[int, int]):
    """Every character that is not a letter or a digit becomes a space (faster than a regex)."""

    def __missing__(self, cp: int) -> int:
        self[cp] = value = cp if chr(cp).isalnum() else 32
        return value


_SEPARATORS = _Separators()


def _fold_run(match: re.Match[str]) -> str:
    # Only runs of non-ASCII characters go through the table: most text is ASCII, and
    # str.translate looks every character up.
    return match.group().translate(_TABLE)


def decode(text: str) -> str:
    """HTML entities and %-escapes decoded until nothing changes (a bounded number of rounds)."""
    for _ in range(MAX_DECODE_ROUNDS):
        before = text
        if "&" in text:
            text = html.unescape(text)
        if "%" in text:
            text = unquote(text, errors="replace")
        if text == before:
            break
    return text


def _fold(text: str) -> str:
    """Canonical form of already decoded text."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = _NON_ASCII.sub(_fold_run, unicodedata.normalize("NFKD", text)).casefold()
    return " ".join(text.split())


def canon(text: str) -> str:
    """The canonical form: decoded, NFKC, invisible characters and accents removed, look-alike
    letters folded to Latin, case folded, whitespace runs made one space.

    >>> canon("S&#237;tti\\u00ad R\\u0430hmawati")
    'sitti rahmawati'
    """
    return _fold(decode(text))


def words(text: str) -> list[str]:
    """Canonical tokens: every character that is not a letter or a digit separates words."""
    return canon(text).translate(_SEPARATORS).split()


def squash(text: str) -> str:
    """The canonical form with every separator removed: how a register entry is compared."""
    return "".join(words(text))


def strip_tags(text: str) -> str:
    """Decoded text with HTML tags removed and nothing put in their place (so 'Nur<b></b>hayati'
    reads as it is shown), keeping line breaks so lines still count."""
    return _TAG.sub(lambda m: "\n" * m.group().count("\n"), decode(text))


def maybe_reversed(text: str) -> bool:
    """Whether ``text`` has a bidi control, or a dir=rtl / <bdo> / bidi-override that could show
    a name written backwards as the name."""
    decoded = decode(text)
    return _reversible(decoded, _fold(decoded))


def _reversible(decoded: str, folded: str) -> bool:
    return (any(marker in folded for marker in _BIDI_MARKUP)
            or (not decoded.isascii() and _BIDI_CONTROLS.search(decoded) is not None))


class Matcher(Generic[T]):
    """Finds entries (register names) in text at word boundaries, whatever separates their words.

    An entry matches where the concatenation of consecutive whole tokens equals the entry with
    its separators removed, optionally followed by a glued clitic: 'Ladang Sinar Jaya' matches
    'ladang-sinar-jaya.jpg', 'LadangSinarJaya' and 'ladang_sinar.jaya'; 'Sari' matches 'Sarinya'
    but not 'Saripah'. Every start token costs one set lookup unless it begins an entry, so the
    scan is linear in the text.

    Text that can be shown right to left (:func:`maybe_reversed`) is also searched for each entry
    written backwards. Doing that only then keeps short names from matching ordinary words that
    happen to spell them backwards ('Edi' and 'ide', 'Nur' and 'run').
    """

    def __init__(self, entries: Iterable[T], key: Callable[[T], str] = str) -> None:
        self.entries = list(entries)
        self._forward: dict[str, list[T]] = {}
        self._backward: dict[str, list[T]] = {}
        for entry in self.entries:
            squashed = squash(key(entry))
            if not squashed:
                continue
            for form in (squashed, *(squashed + c for c in CLITICS)):
                self._forward.setdefault(form, []).append(entry)
            self._backward.setdefault(squashed[::-1], []).append(entry)
        self._forward_prefixes = _prefixes(self._forward)
        self._backward_prefixes = _prefixes(self._backward)

    def __bool__(self) -> bool:
        return bool(self._forward)

    def find(self, text: str) -> list[T]:
        """Every entry found in ``text`` (raw text: it is canonicalised here), once each, in the
        order of the entries."""
        if not self._forward:
            return []
        decoded = decode(text)
        folded = _fold(decoded)
        tokens = folded.translate(_SEPARATORS).split()
        found = {id(entry) for _, entry in self._scan(tokens, _reversible(decoded, folded))}
        return [entry for entry in self.entries if id(entry) in found]

    def find_in_words(self, tokens: list[str], backward: bool = False) -> list[T]:
        """Like :meth:`find`, for a caller that already has the text's :func:`words` (so the
        text is canonicalised once); ``backward``: the text may be shown right to left
        (:func:`maybe_reversed`)."""
        found = {id(entry) for _, entry in self._scan(tokens, backward)}
        return [entry for entry in self.entries if id(entry) in found]

    def find_lines(self, text: str) -> list[tuple[T, int]]:
        """(entry, 0-based line) of every occurrence; an entry split over a line break counts on
        the line where it starts."""
        if not self._forward:
            return []
        tokens: list[str] = []
        line_of: list[int] = []
        for number, line in enumerate(text.split("\n")):
            line_tokens = words(line)
            tokens += line_tokens
            line_of += [number] * len(line_tokens)
        out: dict[tuple[int, int], tuple[T, int]] = {}
        for start, entry in self._scan(tokens, maybe_reversed(text)):
            out.setdefault((id(entry), line_of[start]), (entry, line_of[start]))
        return sorted(out.values(), key=lambda pair: pair[1])

    def _scan(self, tokens: list[str], backward: bool) -> Iterator[tuple[int, T]]:
        tables = [(self._forward, self._forward_prefixes)]
        if backward:
            tables.append((self._backward, self._backward_prefixes))
        for forms, prefixes in tables:
            for start, token in enumerate(tokens):
                joined, end = token, start
                while joined in prefixes:
                    for entry in forms.get(joined, ()):
                        yield start, entry
                    end += 1
                    if end == len(tokens):
                        break
                    joined += tokens[end]


def _prefixes(forms: dict[str, list[T]]) -> frozenset[str]:
    return frozenset(form[:i] for form in forms for i in range(1, len(form) + 1))
