"""The publish set: the consent gate and the source checks applied once, for every output.

Renderers receive a :class:`PublicView`: only what may be published. What must never be published
(excluded versions, invalid stories, the private register) stays in :class:`PublishSet`, which only
the core and the output audit read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import consent, links, privacy, urls
from .audio import Recording, voice_reason
from .config import Config
from .editions import Edition
from .errors import Problem, Problems
from .model import Channel, Dataset, Page, Project, Story, Text


@dataclass(frozen=True)
class StoryVersion:
    story: Story
    lang: str
    text: Text
    url: str
    """Site path, e.g. ``en/stories/paspor/``."""


@dataclass(frozen=True)
class PageVersion:
    page: Page
    lang: str
    """The language of the site section this page is published in."""
    text: Text
    """The text shown; in another language than ``lang`` when not yet translated."""
    url: str

    @property
    def translated(self) -> bool:
        return self.text.lang == self.lang

    @property
    def is_handout(self) -> bool:
        """A guide marked ``handout: true``, in a language it is written in."""
        return (self.page.section == "guides" and self.translated
                and bool(self.text.meta.get("handout")))


@dataclass(frozen=True)
class EditionContent:
    """One zine edition and, per language, the story versions each of its PDFs may carry."""

    edition: Edition
    screen: dict[str, list[StoryVersion]]
    """Published on the web and in print: the screen PDF is forwarded beyond recall."""
    print: dict[str, list[StoryVersion]]
    """Published in print: the print master and the booklet."""


@dataclass(frozen=True)
class PublicView:
    """Everything that may be published, and nothing else: what every renderer receives."""

    config: Config
    build_date: dt.date
    stories: dict[Channel, dict[str, list[StoryVersion]]]
    """Channel -> language -> published story versions."""
    pages: dict[str, list[PageVersion]]
    datasets: dict[str, Dataset]
    """Statistics whose tables passed the safety check: aggregated, so free of consent."""
    editions: list[EditionContent]
    """Zine editions to print; empty when this build makes no PDFs."""
    unlinked: frozenset[str] = frozenset()
    """Site paths that texts link to but that are not published (a withdrawn story, a page left
    out): renderers keep the link's words and drop the link, so a withdrawal never fails a build."""
    recordings: dict[str, Recording] = field(default_factory=dict)
    """Page address -> its recording, re-encoded: only those her consent and approval allow."""

    def web_urls(self) -> set[str]:
        urls_ = {v.url for versions in self.stories[Channel.WEB].values() for v in versions}
        urls_ |= {p.url for versions in self.pages.values() for p in versions}
        return urls_


@dataclass
class PublishSet:
    """The gate's decisions over all sources. Only the core and the output audit read it; renderers
    get :attr:`public`."""

    public: PublicView
    decisions: dict[str, dict[tuple[Channel, str], consent.Decision]]
    invalid_stories: dict[str, str]
    """Slug -> story.yml of stories that could not be read: none of their files is published."""
    problems: Problems = field(default_factory=Problems)
    secrets: list[privacy.Secret] = field(default_factory=list)
    """The private register: never published, used by the scans and the output audit."""
    all_stories: dict[str, Story] = field(default_factory=dict)
    """Every valid story, published or not: only the output audit reads it, to look for leaks."""
    invalid_reasons: dict[str, str] = field(default_factory=dict)
    """Slug -> why an invalid story is left out, when the reader knows (``withdrawn``)."""

    @property
    def config(self) -> Config:
        return self.public.config

    @property
    def build_date(self) -> dt.date:
        return self.public.build_date

    @property
    def stories(self) -> dict[Channel, dict[str, list[StoryVersion]]]:
        return self.public.stories

    @property
    def pages(self) -> dict[str, list[PageVersion]]:
        return self.public.pages

    @property
    def datasets(self) -> dict[str, Dataset]:
        return self.public.datasets

    def published_in(self, slug: str, lang: str, channels: tuple[Channel, ...]) -> bool:
        """Whether a story version is published on every one of ``channels`` (a screen PDF
        needs both web and print)."""
        decided = self.decisions.get(slug, {})
        return all(decided.get((ch, lang), consent.Decision(False)).published for ch in channels)

    def excluded(self, slug: str) -> list[tuple[Channel, str, str]]:
        return [(channel, lang, d.reason or "")
                for (channel, lang), d in self.decisions.get(slug, {}).items() if not d.published]


def build_publish_set(project: Project, config: Config, build_date: dt.date,
                      problems: Problems, secrets: list[privacy.Secret] | None = None,
                      editions: dict[str, Edition] | None = None,
                      left_out: frozenset[str] = frozenset()) -> PublishSet:
    """The gate applied to every story; ``left_out`` are addresses of pages the core took out
    of this build (they quote a withdrawn story): links to them are dropped, with a warning."""
    stories: dict[Channel, dict[str, list[StoryVersion]]] = {
        channel: {lang: [] for lang in config.languages} for channel in Channel}
    decisions: dict[str, dict[tuple[Channel, str], consent.Decision]] = {}
    for slug, story in sorted(project.stories.items()):
        decisions[slug] = {}
        for channel in Channel:
            for lang in config.languages:
                decision = consent.decide(story, channel, lang, build_date)
                decisions[slug][(channel, lang)] = decision
                if decision.published:
                    stories[channel][lang].append(
                        StoryVersion(story, lang, story.texts[lang], urls.story(config, lang, slug)))
    pages: dict[str, list[PageVersion]] = {lang: [] for lang in config.languages}
    for key, page in sorted(project.pages.items()):
        for lang in config.languages:
            # An untranslated general page is shown in another language, with a notice;
            # a story never is (its consent is per language).
            text = page.texts.get(lang) or next(
                page.texts[other] for other in config.languages if other in page.texts)
            pages[lang].append(PageVersion(page, lang, text, urls.page(config, lang, key)))
    public = PublicView(config, build_date, stories, pages, dict(project.datasets), [])
    published = PublishSet(public, decisions, dict(project.invalid_stories), problems,
                           secrets or [], dict(project.stories), dict(project.invalid_reasons))
    _warn_old_approvals(published, problems)
    unlinked = _check_published(published, project, problems, left_out)
    published.public = PublicView(config, build_date, stories, pages, dict(project.datasets),
                                  [_edition_content(e, published, problems)
                                   for e in (editions or {}).values()], frozenset(unlinked))
    return published


def _warn_old_approvals(ps: PublishSet, problems: Problems) -> None:
    """A version approved before ``approved_meta`` existed stays published, with a warning: she
    approved the text, but nobody recorded which title and captions she saw with it."""
    for slug, story in sorted(ps.all_stories.items()):
        langs = [lang for lang in ps.config.languages
                 if consent.approved_before_meta(story, lang)
                 and any(d.published for (_, lg), d in ps.decisions[slug].items() if lg == lang)]
        if langs:
            problems.warning(
                story.yml, f"approved ({', '.join(langs)}) before the title, byline and captions "
                "became part of the approval: still published; ask her to approve again",
                field="consent.approved_meta",
                tip="Read the title, byline and captions with her, then run "
                    + " and ".join(f"`ballata consent approve {slug} {lang}`" for lang in langs)
                    + ".")


def approve_again(ps: PublishSet) -> list[dict[str, Any]]:
    """Versions left out because something changed since she approved them: each with what
    changed and the command that records her new approval."""
    out = []
    for slug, story in sorted(ps.all_stories.items()):
        for lang in ps.config.languages:
            if any(d.reason == consent.CHANGED for (_, lg), d in ps.decisions[slug].items()
                   if lg == lang):
                out.append({"story": slug, "language": lang,
                            "changed": consent.changes_since_approval(story, lang),
                            "command": f"ballata consent approve {slug} {lang}"})
    return out


def _edition_stories(edition: Edition, ps: PublishSet, lang: str, channels: tuple[Channel, ...],
                     problems: Problems) -> list[StoryVersion]:
    """The story versions one PDF may carry: allowed on every one of ``channels``; a story the
    edition lists but the gate excludes is left out with a warning."""
    allowed = {v.story.slug: v for v in ps.stories[channels[0]][lang]
               if ps.published_in(v.story.slug, lang, channels)}
    if edition.stories is None:
        return sorted(allowed.values(), key=lambda v: (v.story.recorded, v.story.slug))
    out = []
    for slug in edition.stories:
        if slug in allowed:
            out.append(allowed[slug])
            continue
        reasons = sorted({d.reason or "" for (ch, lg), d in ps.decisions.get(slug, {}).items()
                          if lg == lang and ch in channels and not d.published}) or [
                              _invalid_reason(ps, problems, slug) if slug in ps.invalid_stories
                              else "not a story"]
        problems.warning(f"{edition.folder}/zine.yml", f"the story {slug!r} is left out of the {lang} "
                         f"{'+'.join(c.value for c in channels)} PDF ({', '.join(reasons)})",
                         field="stories")
    return out


def _edition_content(edition: Edition, ps: PublishSet, problems: Problems) -> EditionContent:
    return EditionContent(
        edition,
        {lang: _edition_stories(edition, ps, lang, (Channel.WEB, Channel.PRINT), problems)
         for lang in edition.languages},
        {lang: _edition_stories(edition, ps, lang, (Channel.PRINT,), problems)
         for lang in edition.languages})


def _published_texts(ps: PublishSet) -> list[tuple[Text, str, Story | None]]:
    """Every published text with its URL and, for a story version, its story."""
    seen: dict[tuple[str, str], tuple[Text, str, Story | None]] = {}
    for channel in Channel:
        for versions in ps.stories[channel].values():
            for v in versions:
                seen.setdefault((v.text.path, v.url), (v.text, v.url, v.story))
    for page_versions in ps.pages.values():
        for p in page_versions:
            seen.setdefault((p.text.path, p.url), (p.text, p.url, None))
    return list(seen.values())


def media_path(story: Story, target: str) -> str | None:
    """Site path of a story's own image named in its text; every language version shares it."""
    if target in {m.file for m in story.media}:
        return urls.story_medium(story.slug, target)
    return None


def _asset_paths(ps: PublishSet) -> set[str]:
    """Site paths of the images that published web pages carry."""
    paths = {urls.story_medium(v.story.slug, m.file) for versions in ps.stories[Channel.WEB].values()
             for v in versions for m in v.story.media}
    paths |= {urls.page_asset(p.page.key, a.rsplit("/", 1)[-1]) for versions in ps.pages.values()
              for p in versions for a in p.page.assets}
    return paths


def _check_published(ps: PublishSet, project: Project, problems: Problems,
                     left_out: frozenset[str]) -> set[str]:
    """Source checks on what is about to be published: links, raw HTML, identifiers. Returns
    the addresses whose links renderers drop: a story version her consent excludes, or a page
    the core left out. They are warnings, not errors: taking something down must always be
    possible, whoever links to it; the link's words go too, as they usually name it."""
    reachable = ps.public.web_urls() | _asset_paths(ps)
    story_urls = {urls.story(ps.config, lang, slug): (slug, lang)
                  for slug in list(project.stories) + list(project.invalid_stories)
                  for lang in ps.config.languages}
    for slug, candidate in sorted(project.stories.items()):
        langs = sorted({lang for (_, lang), d in ps.decisions[slug].items() if d.published})
        if langs:
            privacy.scan_story_fields(candidate, langs, ps.secrets, problems, ps.config.root)
    scanned: set[str] = set()
    reported: set[tuple[str, int, str]] = set()
    unlinked: set[str] = set()
    for text, url, story in _published_texts(ps):
        # A text published under several addresses (an untranslated page) is scanned once;
        # its links are checked from every address, since relative links resolve differently.
        if text.path not in scanned:
            scanned.add(text.path)
            privacy.scan_text(text, story is not None, ps.config, ps.secrets, problems)
        for link in links.find_links(text.body):
            if not urls.is_internal(link.target):
                continue
            if story is not None and media_path(story, link.target):
                # Her own picture travels with her text on every channel it is published on.
                continue
            target = urls.resolve(link.target, url)
            line = text.body_line + link.line - 1
            if target in reachable or (text.path, line, link.target) in reported:
                continue
            reported.add((text.path, line, link.target))
            if target in story_urls:
                slug, lang = story_urls[target]
                decision = ps.decisions.get(slug, {}).get((Channel.WEB, lang))
                if decision is None and ps.invalid_reasons.get(slug) != "withdrawn":
                    # Said once per story by the CLI, which groups the pages linking to it.
                    problems.error(text.path, f"links to the story {slug!r}, which is left out "
                                   f"because its own files have errors (shown with "
                                   f"{ps.invalid_stories[slug]})", field="link", line=line,
                                   tip="Fix that story, or use --exclude-invalid to publish the "
                                       "rest without it and without the pages linking to it.")
                    continue
                reason = decision.reason if decision else "withdrawn"
                unlinked.add(target)
                problems.warning(text.path, f"links to the {lang} version of the story {slug!r}, "
                                 f"which is not published on the web ({reason}): the link and its "
                                 "words are left out", field="link", line=line,
                                 tip="Remove the link, or link to the story index instead.")
            elif target in left_out:
                unlinked.add(target)
                problems.warning(text.path, f"links to /{target}, which is left out of this build: "
                                 "the link and its words are left out", field="link", line=line,
                                 tip="See the warning about that page; the link comes back when "
                                     "it is published again.")
            else:
                problems.error(text.path, f"links to /{target}, which is not a published page",
                               field="link", line=line,
                               tip="Check the address; pages are linked as /section/slug/ and "
                                   "English ones as /en/section/slug/.")
    return unlinked


def _in_folder(problem: Problem, yml: str) -> bool:
    return problem.file.startswith(yml.rsplit("/", 1)[0] + "/")


def _invalid_reason(ps: PublishSet, problems: Problems, slug: str) -> str:
    """Why a story that could not be published is left out: withdrawn, or its first error (with
    --exclude-invalid, the errors are warnings starting with 'excluded: ')."""
    if slug in ps.invalid_reasons:
        return ps.invalid_reasons[slug]
    yml = ps.invalid_stories[slug]
    found = [p for p in problems.errors if _in_folder(p, yml)] or [
        p for p in problems.warnings if _in_folder(p, yml) and p.message.startswith("excluded: ")]
    if not found or found[0].file == yml:
        return "invalid story.yml"
    first = found[0]
    return f"error in {first.file.rsplit('/', 1)[-1]}" + (f":{first.line}" if first.line else "")


def report(ps: PublishSet, problems: Problems) -> dict[str, Any]:
    """The publication report (build/report.json)."""
    stories = []
    for slug, decisions in sorted(ps.decisions.items()):
        yml = ps.all_stories[slug].yml
        stories.append({
            "id": slug,
            "published": {channel.value: [lang for lang in ps.config.languages
                                          if decisions[(channel, lang)].published]
                          for channel in Channel},
            # Her recording, heard on the web page of that language.
            "voice": [lang for lang in ps.config.languages
                      if decisions[(Channel.WEB, lang)].published
                      and voice_reason(ps.all_stories[slug], lang) is None],
            "excluded": [{"channel": channel.value, "language": lang, "reason": reason}
                         for channel, lang, reason in ps.excluded(slug)],
            # A story is never shown as published while an error of its own stops the build.
            "errors": [p.location() for p in problems.errors if _in_folder(p, yml)],
        })
    for slug in sorted(ps.invalid_stories):
        reason = _invalid_reason(ps, problems, slug)
        stories.append({
            "id": slug,
            "published": {channel.value: [] for channel in Channel},
            "voice": [],
            "excluded": [{"channel": channel.value, "language": lang, "reason": reason}
                         for channel in Channel for lang in ps.config.languages],
            "errors": [p.location() for p in problems.errors
                       if _in_folder(p, ps.invalid_stories[slug])],
        })
    stories.sort(key=lambda s: str(s["id"]))
    return {
        "build_date": ps.build_date.isoformat(),
        "languages": list(ps.config.languages),
        "stories": stories,
        "approve_again": approve_again(ps),
        "errors": [p.as_dict() for p in problems.errors],
        "warnings": [p.as_dict() for p in problems.warnings],
    }
