"""What must not appear in an output: word runs, titles, addresses and pictures of excluded versions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import sources
from ..canonical import words
from ..errors import Problems
from ..schema import parse_yaml
from ..model import Channel
from .. import urls
from ..publish import PublishSet

WINDOW = 8
"""A run of this many consecutive canonical words of an excluded version may not be published."""
QUOTE_WORDS = 15
"""A page in content/ may share at most this many consecutive words with an excluded version (the
title of a law, an office's name); a longer shared run is the story itself and is found."""
MIN_TITLE_WORDS = 3
"""Shorter titles ('Jalan Pulang') are ordinary phrases: only their word runs in the text count."""
MIN_BYLINE_WORDS = 2

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
_LINK_TARGET = re.compile(r"(\]\s*)\([^)]*\)|^\s{0,3}\[[^\]]+\]:.*$", re.MULTILINE)
_TAG = re.compile(r"<[^>]*>")
_RENDITION = re.compile(r"-\d+(?=\.[^.]+$)")


def plain(markdown: str) -> str:
    """The words of a Markdown text as a reader sees them: link targets and tags left out, so
    that sources and rendered outputs give the same word runs."""
    text = _LINK_TARGET.sub(lambda m: m.group(1) or " ", _FRONT_MATTER.sub("", markdown))
    return _TAG.sub(" ", text)


def window_hashes(tokens: list[str]) -> Iterator[tuple[int, int]]:
    """(position, hash) of every run of ``WINDOW`` tokens."""
    for i in range(len(tokens) - WINDOW + 1):
        yield i, hash(tuple(tokens[i:i + WINDOW]))


def candidate_windows(tokens: list[str], vocabulary: frozenset[str] | set[str]
                      ) -> Iterator[tuple[int, int]]:
    """(position, hash) of the word runs that could be forbidden. Linear: only stretches of
    ``WINDOW`` or more words of ``vocabulary`` are hashed."""
    if len(tokens) < WINDOW or not vocabulary:
        return
    flags = "".join(["1" if t in vocabulary else "0" for t in tokens])
    for stretch in re.finditer("1{%d,}" % WINDOW, flags):
        for i in range(stretch.start(), stretch.end() - WINDOW + 1):
            yield i, hash(tuple(tokens[i:i + WINDOW]))


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    """Canonical words of a source text; the web and the screen-PDF rules read the same sources."""
    return tuple(words(text))


def picture_name(name: str) -> str:
    """A picture's file name without folder and without the width of a rendition (tangan-480.jpg)."""
    return _RENDITION.sub("", name.rsplit("/", 1)[-1]).casefold()


@dataclass
class Exclusions:
    """Everything one audit looks for. Labels say which excluded version a finding comes from
    (``the en version of the excluded story 'x'``), never the text itself."""

    windows: dict[int, str] = field(default_factory=dict)
    """Hash of a run of ``WINDOW`` canonical words -> label."""
    vocabulary: frozenset[str] = frozenset()
    """Every word of ``windows``: a run of text with a word not in it cannot match, so it is
    never hashed."""
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    """First word -> (words, description) of titles and bylines of excluded stories."""
    addresses: dict[str, str] = field(default_factory=dict)
    """Site path of an excluded version (``en/stories/x/``) -> label."""
    picture_names: dict[str, str] = field(default_factory=dict)
    picture_hashes: dict[str, str] = field(default_factory=dict)
    """SHA-256 of an excluded picture's file -> label."""
    recordings: frozenset[str] = frozenset()
    """SHA-256 of each recording published on the web: no other sound may appear."""
    recording_names: frozenset[str] = frozenset()
    """Site path and file name of each of them (casefolded): never in the search index."""

    def runs(self, tokens: list[str]) -> dict[str, int]:
        """Label -> how many forbidden word runs ``tokens`` holds."""
        found: dict[str, int] = {}
        for _, h in candidate_windows(tokens, self.vocabulary):
            label = self.windows.get(h)
            if label is not None:
                found[label] = found.get(label, 0) + 1
        return found

    def phrases_in(self, tokens: list[str]) -> set[str]:
        found: set[str] = set()
        if not self.phrases:
            return found
        firsts = self.phrases
        for i in [i for i, t in enumerate(tokens) if t in firsts]:
            for phrase, what in firsts[tokens[i]]:
                if tuple(tokens[i:i + len(phrase)]) == phrase:
                    found.add(what)
        return found

    def address(self, site_path: str) -> str | None:
        """Label of the excluded version ``site_path`` belongs to: the page, or anything under it.
        One lookup per folder of the path, however many versions are excluded."""
        path = site_path.casefold() + "/"
        at = path.find("/")
        while at != -1:
            label = self.addresses.get(path[:at + 1])
            if label is not None:
                return label
            at = path.find("/", at + 1)
        return None


@dataclass
class _Source:
    label: str
    texts: list[str]
    title: str = ""
    byline: str = ""


def _story_sources(ps: PublishSet, channels: tuple[Channel, ...]
                   ) -> tuple[list[_Source], list[_Source]]:
    """(published, excluded) versions of every story on ``channels``."""
    published: list[_Source] = []
    excluded: list[_Source] = []
    for slug, story in sorted(ps.all_stories.items()):
        byline = story.narrator.byline() or ""
        for lang, text in sorted(story.texts.items()):
            captions = [values[lang] for m in story.media for values in (m.alt, m.caption)
                        if lang in values]
            label = f"the {lang} version of the excluded story '{slug}'"
            source = _Source(label, [text.title + "\n" + plain(text.body), *captions],
                             text.title, byline)
            (published if ps.published_in(slug, lang, channels) else excluded).append(source)
    for slug, yml in sorted(ps.invalid_stories.items()):
        excluded.append(_invalid_source(ps.config.root / yml, slug))
    return published, excluded


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _read_capped(path: Path, limit: int) -> str:
    """Whatever text a file of an invalid story holds, however broken; never more than ``limit``."""
    if path.is_symlink() or not path.is_file():
        return ""
    with path.open("rb") as file:
        return file.read(limit).decode("utf-8", errors="replace")


def _invalid_source(yml: Path, slug: str) -> _Source:
    """A story whose story.yml could not be read is in no model: its files, read directly (with
    the same bounded YAML parser as every source, so no file can hang or crash the audit)."""
    label = f"the invalid story '{slug}'"
    texts = [plain(_read_capped(p, sources.MAX_TEXT_BYTES))
             for p in sorted(yml.parent.glob("index.*.md"))]
    titles: list[str] = []
    raw = _read_capped(yml, sources.MAX_YAML_BYTES)
    doc = parse_yaml(raw, slug, Problems())
    data = doc.data if doc is not None else None
    if isinstance(data, dict):
        texts += list(_strings(data))
        titles = list(_strings(data.get("title")))
    else:
        texts.append(raw)
    return _Source(label, texts, "\n".join(titles))


def build(ps: PublishSet, channels: tuple[Channel, ...]) -> Exclusions:
    """What may not appear in outputs published on every one of ``channels``."""
    published, excluded = _story_sources(ps, channels)
    ex = Exclusions()
    forbidden: dict[int, tuple[str, tuple[str, ...]]] = {}
    for source in excluded:
        for text in source.texts:
            tokens = list(_words(text))
            for i, h in window_hashes(tokens):
                forbidden.setdefault(h, (source.label, tuple(tokens[i:i + WINDOW])))
    vocabulary = {t for _, run in forbidden.values() for t in run}
    # Published stories may share any run with an excluded one; a page only a short quotation.
    for source in published:
        for text in source.texts:
            for _, h in candidate_windows(list(_words(text)), vocabulary):
                forbidden.pop(h, None)
    page_tokens = [list(_words(plain(p.text.body))) for versions in ps.pages.values() for p in versions]
    for tokens in page_tokens:
        for h in _short_quotes(tokens, forbidden, vocabulary):
            forbidden.pop(h, None)
    ex.windows = {h: label for h, (label, _) in forbidden.items()}
    ex.vocabulary = frozenset(t for _, run in forbidden.values() for t in run)

    # Titles and bylines, unless published material says the same words.
    public = [list(_words(text)) for s in published for text in (s.title, s.byline, *s.texts)]
    public += page_tokens
    candidates: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for source in excluded:
        for value, minimum, what in ((source.title, MIN_TITLE_WORDS, "the title of"),
                                     (source.byline, MIN_BYLINE_WORDS, "the byline of")):
            for line in value.split("\n"):
                phrase = tuple(words(line))
                if len(phrase) >= minimum:
                    candidates.setdefault(phrase[0], []).append((phrase, f"{what} {source.label}"))
    probe = Exclusions(phrases=candidates)
    said = {phrase for tokens in public for phrase in _phrases_said(probe, tokens)}
    ex.phrases = {}
    for first, entries in candidates.items():
        kept = [(p, what) for p, what in entries if p not in said]
        if kept:
            ex.phrases[first] = kept

    # Addresses exist on the web: a version not published there has none to link to.
    for slug in sorted(ps.all_stories):
        for lang in ps.config.languages:
            if not ps.published_in(slug, lang, (Channel.WEB,)):
                ex.addresses[urls.story(ps.config, lang, slug).casefold()] = \
                    f"the {lang} version of the excluded story '{slug}'"
    for slug in sorted(ps.invalid_stories):
        for lang in ps.config.languages:
            ex.addresses[urls.story(ps.config, lang, slug).casefold()] = f"the invalid story '{slug}'"
    _pictures(ps, channels, ex)
    if channels == (Channel.WEB,):
        ex.recordings = frozenset(r.digest for r in ps.public.recordings.values())
        ex.recording_names = frozenset(name.casefold() for r in ps.public.recordings.values()
                                       for name in (r.site_path, r.site_path.rsplit("/", 1)[-1]))
    return ex


def _short_quotes(tokens: list[str], forbidden: dict[int, tuple[str, tuple[str, ...]]],
                  vocabulary: set[str]) -> list[int]:
    """Hashes of forbidden runs ``tokens`` shares only in stretches of at most ``QUOTE_WORDS``."""
    hits = [(i, h) for i, h in candidate_windows(tokens, vocabulary) if h in forbidden]
    out: list[int] = []
    start = 0
    for k in range(1, len(hits) + 1):
        if k == len(hits) or hits[k][0] != hits[k - 1][0] + 1:
            if hits[k - 1][0] - hits[start][0] + WINDOW <= QUOTE_WORDS:
                out += [h for _, h in hits[start:k]]
            start = k
    return out


def _phrases_said(probe: Exclusions, tokens: list[str]) -> Iterable[tuple[str, ...]]:
    for i in [i for i, t in enumerate(tokens) if t in probe.phrases]:
        for phrase, _ in probe.phrases[tokens[i]]:
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                yield phrase


def _pictures(ps: PublishSet, channels: tuple[Channel, ...], ex: Exclusions) -> None:
    """An excluded story's pictures, by content and by name; a name that a published story or
    page also uses is no sign of the excluded picture."""
    shown: set[str] = set()
    hidden: list[tuple[str, str, Path]] = []
    for slug, story in sorted(ps.all_stories.items()):
        visible = any(ps.published_in(slug, lang, channels) for lang in story.texts)
        for medium in story.media:
            if visible:
                shown.add(picture_name(medium.file))
            else:
                hidden.append((picture_name(medium.file), f"a picture of the excluded story '{slug}'",
                               ps.config.root / story.folder / medium.file))
    for slug, yml in sorted(ps.invalid_stories.items()):
        folder = (ps.config.root / yml).parent
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}:
                hidden.append((picture_name(path.name), f"a picture of the invalid story '{slug}'", path))
    shown |= {picture_name(a) for versions in ps.pages.values() for p in versions for a in p.page.assets}
    for name, label, path in hidden:
        if name not in shown:
            ex.picture_names[name] = label
        if path.is_file():
            ex.picture_hashes[hashlib.sha256(path.read_bytes()).hexdigest()] = label
