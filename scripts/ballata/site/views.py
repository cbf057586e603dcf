"""Site pages as view models built from the publish set. No MkDocs import: the plugin wraps these."""

from __future__ import annotations

import datetime as dt
import html
import math
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import charts, figures, links, sanitize, urls
from ..model import Attribution, Channel, Dataset
from ..publish import PageVersion, PublicView, StoryVersion, media_path
from ..strings import STRINGS_FILE, Strings

STORIES_PER_PAGE = 24
SUMMARY_CHARS = 180

@dataclass
class SitePage:
    src_uri: str
    """Where MkDocs thinks the page's Markdown lives, e.g. ``en/stories/x/index.md``."""
    url: str
    lang: str
    kind: str
    """home, page, guide, story, story-index, search."""
    title: str
    description: str
    markdown: str
    content_lang: str
    """Language of the text itself: differs from ``lang`` when a page is not yet translated."""
    alternates: dict[str, str] = field(default_factory=dict)
    """Language -> URL of each version in that language (hreflang)."""
    switch: dict[str, str] = field(default_factory=dict)
    """Language -> where the language switcher leads."""
    data: dict[str, Any] = field(default_factory=dict)
    image: str | None = None
    """Site path of the picture shown when the link is shared."""
    updated: dt.date | None = None
    """The content's own date, for the sitemap's lastmod: a story's, never the build's."""

    @property
    def listed(self) -> bool:
        """In the sitemap: every page a search engine should show, not search, offline or 404."""
        return self.kind not in ("search", "offline", "404", "errors", "desk", "withheld")


def plain_summary(markdown: str, limit: int = SUMMARY_CHARS) -> str:
    """First paragraph as plain text, cut at a word boundary: rendered with the site's Markdown,
    so entities and inline HTML read as they do on the page (the summary is escaped as text)."""
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block[0] in "#!<>|-*" and not block.startswith("**"):
            continue
        text = " ".join(html.unescape(re.sub(r"<[^>]*>", "", sanitize.render(block))).split())
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
        return text
    return ""


def human_date(day: dt.date, lang: str, strings: Strings) -> str:
    """"14 Juni 2025" / "14 June 2025": month names and order from theme/strings.yml."""
    months = strings.get("months", lang).split()
    return strings.get("date_format", lang, day=day.day, month=months[day.month - 1], year=day.year)


_QUOTE = re.compile(r"^> ?(\S.*(?:\n> ?\S.*)*)", re.MULTILINE)


def pull_quote(markdown: str, limit: int = 220) -> str:
    """Her words to set large: the text's first quotation (a `>` block), else its first sentence."""
    found = _QUOTE.search(markdown)
    if found:
        text = " ".join(line.lstrip(">").strip() for line in found.group(1).splitlines())
        return plain_summary(text, limit)
    summary = plain_summary(markdown, limit * 2)
    sentence = re.match(r"(.+?[.!?])(\s|$)", summary)
    text = sentence.group(1) if sentence else summary
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


_TASK = re.compile(r"^[-*+] \[([ xX])\] (.*)$")


def checklists(markdown: str) -> str:
    """A task list (`- [ ] ...`) as a list of plain items in a checklist block, so the page shows
    boxes to tick on paper and never a disabled, unlabelled checkbox."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.extend(["", '<div class="ballata-checklist" markdown="1">', "", *run, "", "</div>", ""])
            run.clear()
    for line in markdown.split("\n"):
        task = _TASK.match(line)
        if task:
            run.append(f"- {'✓ ' if task.group(1) != ' ' else ''}{task.group(2)}")
        elif run and line.startswith(("  ", "\t")) and line.strip():
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


_CC = re.compile(r"\bCC (BY(?:-(?:NC|ND|SA))*) (\d\.\d)\b")


def licence_url(licence: str, lang: str) -> str | None:
    """The deed of a Creative Commons licence named in the licence line, in the reader's language."""
    found = _CC.search(licence)
    if not found:
        return None
    return (f"https://creativecommons.org/licenses/{found.group(1).lower()}/{found.group(2)}/"
            f"deed.{lang}")


def file_size(size: int, lang: str, strings: Strings) -> str:
    """A download's size for people: "1,2 MB" / "1.2 MB", "180 kB" (theme/strings.yml)."""
    if size >= 999_500:
        whole, tenth = f"{size / 1_000_000:.1f}".split(".")
        return strings.get("size_mb", lang, whole=whole, tenth=tenth)
    return strings.get("size_kb", lang, kb=max(1, round(size / 1000)))


class SiteBuilder:
    """Turns one publish set into the list of site pages."""

    def __init__(self, ps: PublicView, strings: Strings | None = None,
                 downloads: Mapping[str, int] | None = None) -> None:
        self.ps = ps
        self.sizes = dict(downloads or {})
        """Site path -> bytes of each PDF and handout picture made for this build (none without)."""
        self.editions = [e.edition for e in ps.editions]
        """Editions whose PDFs this build makes, to link them; empty when there are no PDFs."""
        self.zine_languages = {e.edition.slug: {lang for lang in e.edition.languages if e.print[lang]}
                               for e in ps.editions}
        """The languages each edition is made in: those with at least one of its stories."""
        self.config = ps.config
        self.strings = strings or Strings(ps.config.root / STRINGS_FILE)
        self.web = ps.stories[Channel.WEB]
        self.page_urls = {p.url for versions in ps.pages.values() for p in versions}

    def home(self, lang: str) -> str:
        return urls.home(self.config, lang)

    def size(self, site_path: str, lang: str) -> str | None:
        """The size of a download made for this build, for people; None when it was not made."""
        found = self.sizes.get(site_path)
        return None if found is None else file_size(found, lang, self.strings)

    def handout_pictures(self, slug: str, lang: str, from_url: str) -> list[dict[str, Any]]:
        """The pages of a guide's handout as pictures (for WhatsApp), with their sizes."""
        out: list[dict[str, Any]] = []
        while (png := urls.handout_png(slug, lang, len(out) + 1)) in self.sizes:
            out.append({"url": urls.relative(png, from_url), "size": self.size(png, lang),
                        "label": self.strings.get("handout_page", lang, n=len(out) + 1)})
        return out

    # Links -----------------------------------------------------------------------------------
    def _markdown(self, body: str, url: str, version: StoryVersion | None) -> str:
        """Rewrite site-absolute and media links so they work from this page under any base URL."""
        def change(target: str) -> str:
            if not urls.is_internal(target):
                return target
            site_path = (version and media_path(version.story, target)) or urls.resolve(target, url)
            if site_path in self.ps.unlinked:
                return links.UNLINKED
            fragment = target[target.index("#"):] if "#" in target else ""
            if site_path.endswith("/") or site_path == "":
                return posixpath.relpath("/" + urls.source_of(site_path), "/" + url) + fragment
            return posixpath.relpath("/" + site_path, "/" + url)
        return links.rewrite(checklists(body), change)

    def recording(self, url: str, lang: str, title_key: str) -> dict[str, str] | None:
        """The player of the page at ``url``: its address, title and what it costs to hear."""
        found = self.ps.recordings.get(url)
        if found is None:
            return None
        return {"url": urls.relative(found.site_path, url), "title": self.strings.get(title_key, lang),
                "note": self.strings.get("listen_note", lang, minutes=max(1, round(found.seconds / 60)),
                                         size=file_size(found.size, lang, self.strings))}

    # Pages -----------------------------------------------------------------------------------
    def _switch(self, lang: str, alternates: dict[str, str]) -> dict[str, str]:
        return {other: alternates.get(other, self.home(other)) for other in self.config.languages}

    def story_page(self, v: StoryVersion) -> SitePage:
        story, lang = v.story, v.lang
        alternates = {other: urls.story(self.config, other, story.slug)
                      for other in self.config.languages
                      if any(x.story.slug == story.slug for x in self.web[other])}
        narrator = story.narrator
        byline = narrator.byline()
        shown = figures.in_text(v.text.body, {m.file for m in story.media})
        media = [{"src": urls.story_medium(story.slug, m.file), "alt": m.alt.get(lang, ""),
                  "caption": m.caption.get(lang, ""),
                  "url": urls.relative(urls.story_medium(story.slug, m.file), v.url),
                  "in_text": m.file in shown} for m in story.media]
        ordered = self._ordered(lang)
        # A draft shown in the preview is in no list: it has no neighbours.
        at = next((i for i, x in enumerate(ordered) if x.story.slug == story.slug), None)
        related = [x for x in ordered if x.story.slug != story.slug
                   and set(x.story.tags) & set(story.tags)][:3]
        return SitePage(
            src_uri=urls.source_of(v.url), url=v.url, lang=lang, kind="story", title=v.text.title,
            description=plain_summary(v.text.body), markdown=self._markdown(v.text.body, v.url, v),
            content_lang=lang, alternates=alternates, switch=self._switch(lang, alternates),
            image=urls.og_image(v.url),  # drawn from the title and text: never her photo
            updated=max(story.recorded, story.consent.date or story.recorded),
            data={
                "date": human_date(story.recorded, lang, self.strings),
                "quote": pull_quote(v.text.body),
                "topic": self.config.tag_label(story.tags[0], lang) if story.tags else "",
                "related": [self._card(x, v.url) for x in related],
                "newer": self._link(ordered[at - 1], v.url) if at else None,
                "older": self._link(ordered[at + 1], v.url)
                if at is not None and at + 1 < len(ordered) else None,
                "byline": byline,
                "pseudonym": narrator.attribution is Attribution.PSEUDONYM,
                "anonymous": narrator.attribution is Attribution.ANONYMOUS,
                "from_to": self.strings.get("from_to", lang, region=story.region,
                                            destination=story.destination),
                "recorded": story.recorded.isoformat(),
                "tags": [{"label": self.config.tag_label(t, lang),
                          "url": urls.relative(self._tag_url(lang, t), v.url)} for t in story.tags],
                "media": media,
                "recording": self.recording(v.url, lang, "listen_story"),
            })

    def general_page(self, p: PageVersion) -> SitePage:
        page, lang = p.page, p.lang
        translated = {other: urls.page(self.config, other, page.key)
                      for other in self.config.languages if other in page.texts}
        dataset = self.ps.datasets.get(page.key)
        kind = ("home" if not page.key else "dataset" if dataset else
                "guide" if page.section == "guides" and "/" in page.key else "page")
        data: dict[str, Any] = {"translated": p.translated,
                                "children": self._children(page.key, lang, p.url),
                                "recording": self.recording(p.url, lang, "listen_page")}
        if self.editions and p.is_handout:
            data["handout"] = urls.relative(urls.handout_pdf(page.slug, lang), p.url)
            data["handout_size"] = self.size(urls.handout_pdf(page.slug, lang), lang)
            data["handout_pictures"] = self.handout_pictures(page.slug, lang, p.url)
        if kind == "home":
            data["zines"] = self.zines(lang, p.url)
            featured = self.featured(lang)
            data["featured"] = [self._card(v, p.url) for v in featured]
            data["cover"] = next(({"src": urls.story_medium(v.story.slug, m.file),
                                   "alt": m.alt.get(lang, ""), "caption": m.caption.get(lang, "")}
                                  for v in featured for m in v.story.media[:1]), None)
            data["ways"] = [
                {"title": self.strings.get(key, lang), "text": self.strings.get(f"way_{key}", lang),
                 "url": urls.relative(urls.page(self.config, lang, key), p.url), "key": key}
                for key in ("stories", "guides", "statistics")
                if key == "stories" or urls.page(self.config, lang, key) in self.page_urls]
        if dataset:
            data["dataset"] = self._dataset(dataset, lang, p.url)
        return SitePage(
            src_uri=urls.source_of(p.url), url=p.url, lang=lang, kind=kind, title=p.text.title,
            description=str(p.text.meta.get("description") or plain_summary(p.text.body)),
            markdown=self._markdown(p.text.body, p.url, None), content_lang=p.text.lang,
            alternates=translated, switch=self._switch(lang, translated), data=data,
            image=urls.og_image(p.url) if kind in ("guide", "dataset") else None)

    def _children(self, key: str, lang: str, from_url: str) -> list[dict[str, str]]:
        """The pages one level below a section index (guides, statistics), for its list."""
        if key not in ("guides", "statistics"):
            return []
        return [{"title": p.text.title, "url": urls.relative(p.url, from_url),
                 "description": str(p.text.meta.get("description") or plain_summary(p.text.body))}
                for p in self.ps.pages[lang] if p.page.key.startswith(key + "/")]

    def _dataset(self, dataset: Dataset, lang: str, from_url: str) -> dict[str, Any]:
        view = charts.dataset_view(dataset, lang, self.strings, phone=True)
        view["csv"] = urls.relative(urls.dataset_csv(dataset.key), from_url)
        return view

    def _tag_url(self, lang: str, tag: str) -> str:
        return urls.stories_index(self.config, lang, tag=tag)

    def _card(self, v: StoryVersion, from_url: str) -> dict[str, Any]:
        narrator, lang = v.story.narrator, v.lang
        picture = next(({"src": urls.story_medium(v.story.slug, m.file), "alt": m.alt.get(lang, "")}
                        for m in v.story.media[:1]), None)
        return {"title": v.text.title, "url": urls.relative(v.url, from_url),
                "byline": narrator.byline(),
                "pseudonym": narrator.attribution is Attribution.PSEUDONYM,
                "summary": plain_summary(v.text.body),
                "quote": pull_quote(v.text.body, 160),
                "picture": picture,
                "topic": self.config.tag_label(v.story.tags[0], lang) if v.story.tags else "",
                "date": human_date(v.story.recorded, lang, self.strings),
                "from_to": self.strings.get("from_to", lang, region=v.story.region,
                                            destination=v.story.destination)}

    def _link(self, v: StoryVersion, from_url: str) -> dict[str, str]:
        return {"title": v.text.title, "url": urls.relative(v.url, from_url)}

    def _ordered(self, lang: str) -> list[StoryVersion]:
        """The stories of one language, newest first: the order of the index and of next/previous."""
        return sorted(self.web[lang], key=lambda v: (v.story.recorded, v.story.slug), reverse=True)

    def featured(self, lang: str, n: int = 3) -> list[StoryVersion]:
        """The home page's stories: those with a picture first, then the newest."""
        return sorted(self._ordered(lang), key=lambda v: not v.story.media)[:n]

    def zines(self, lang: str, from_url: str) -> list[dict[str, str | None]]:
        """The editions made in this language, to download."""
        return [{"title": e.title.get(lang, ""),
                 "url": urls.relative(urls.screen_pdf(e.slug, lang), from_url),
                 "size": self.size(urls.screen_pdf(e.slug, lang), lang)}
                for e in self.editions if lang in self.zine_languages[e.slug]]

    def listing(self, lang: str, versions: list[StoryVersion], title: str,
                intro: PageVersion | None, tag: str | None) -> list[SitePage]:
        """A paginated list of story cards; the first page carries the editors' intro, if any."""
        versions = sorted(versions, key=lambda v: (v.story.recorded, v.story.slug), reverse=True)
        total = max(1, math.ceil(len(versions) / STORIES_PER_PAGE))
        counts = self._tag_counts(lang)
        out = []
        for n in range(1, total + 1):
            url = urls.stories_index(self.config, lang, n, tag)
            chunk = versions[(n - 1) * STORIES_PER_PAGE: n * STORIES_PER_PAGE]
            pager = {"n": n, "total": total,
                     "previous": urls.relative(urls.stories_index(self.config, lang, n - 1, tag), url)
                     if n > 1 else None,
                     "next": urls.relative(urls.stories_index(self.config, lang, n + 1, tag), url)
                     if n < total else None}
            # A list exists in another language when that language has as many pages of it.
            alternates = {other: urls.stories_index(self.config, other, n, tag)
                          for other in self.config.languages
                          if other == lang or self._pages_of(other, tag) >= n}
            out.append(SitePage(
                src_uri=urls.source_of(url), url=url, lang=lang, kind="story-index", title=title,
                description=plain_summary(intro.text.body) if intro else title,
                markdown=self._markdown(intro.text.body, url, None) if intro and n == 1 else "",
                content_lang=intro.text.lang if intro else lang, alternates=alternates,
                switch=self._switch(lang, alternates),
                data={"cards": [self._card(v, url) for v in chunk], "pager": pager,
                      "translated": intro.translated if intro else True,
                      "all_url": urls.relative(urls.page(self.config, lang, "stories"), url),
                      "tag": self.config.tag_label(tag, lang) if tag else None,
                      "count": len(versions),
                      "tags": [{"label": self.config.tag_label(t, lang), "count": count,
                                "url": urls.relative(self._tag_url(lang, t), url),
                                "current": t == tag} for t, count in counts.items()]},
                updated=max((max(v.story.recorded, v.story.consent.date or v.story.recorded)
                             for v in chunk), default=None)))
        return out

    def _tag_counts(self, lang: str) -> dict[str, int]:
        tags = sorted({t for v in self.web[lang] for t in v.story.tags})
        return {t: sum(t in v.story.tags for v in self.web[lang]) for t in tags}

    def _pages_of(self, lang: str, tag: str | None) -> int:
        """How many pages a list of stories has in a language (0: it does not exist there)."""
        n = len(self.web[lang]) if tag is None else self._tag_counts(lang).get(tag, 0)
        return math.ceil(n / STORIES_PER_PAGE) if n or tag else 1

    def search_page(self, lang: str) -> SitePage:
        url = urls.search(self.config, lang)
        alternates = {other: urls.search(self.config, other) for other in self.config.languages}
        return SitePage(src_uri=urls.source_of(url), url=url, lang=lang, kind="search",
                        title=self.strings.get("search_title", lang),
                        description=self.strings.get("search_placeholder", lang), markdown="",
                        content_lang=lang, alternates=alternates,
                        switch=self._switch(lang, alternates))

    def pages(self) -> list[SitePage]:
        out: list[SitePage] = []
        for lang in self.config.languages:
            intro = None
            for p in self.ps.pages[lang]:
                if p.page.key == "stories":
                    intro = p
                else:
                    out.append(self.general_page(p))
            title = intro.text.title if intro else self.strings.get("stories", lang)
            out += self.listing(lang, self.web[lang], title,
                                intro, None)
            for tag in sorted({t for v in self.web[lang] for t in v.story.tags}):
                tagged = [v for v in self.web[lang] if tag in v.story.tags]
                out += self.listing(lang, tagged,
                                    f"{self.strings.get('stories_tagged', lang)}: "
                                    f"{self.config.tag_label(tag, lang)}", None, tag)
            out += [self.story_page(v) for v in self.web[lang]]
            out.append(self.search_page(lang))
        return out

    def nav(self, lang: str, current_url: str) -> list[dict[str, Any]]:
        """The few sections every page links to (site paths): it does not grow with the stories."""
        items = []
        for key, label in (("", "home"), ("stories", "stories"), ("guides", "guides"),
                           ("statistics", "statistics"), ("about", "about")):
            url = urls.page(self.config, lang, key)
            if key and url not in self.page_urls and key != "stories":
                continue
            active = current_url == url if not key else current_url.startswith(url)
            items.append({"title": self.strings.get(label, lang), "url": url, "active": active})
        return items

    def not_found_page(self) -> SitePage:
        """One page for every address that is not there: in every language, each with its home."""
        lang = self.config.default_language
        return SitePage(src_uri="404.html", url="404.html", lang=lang, kind="404",
                        title=self.strings.get("not_found_title", lang), description="",
                        markdown="", content_lang=lang, switch=self._switch(lang, {}),
                        data={"languages": [
                            {"lang": other, "title": self.strings.get("not_found_title", other),
                             "text": self.strings.get("not_found", other),
                             "home": urls.home(self.config, other),
                             "home_label": self.strings.get("home", other)}
                            for other in self.config.languages]})

    def downloads(self) -> dict[str, bytes]:
        """Site path -> bytes of the published (checked, aggregated) tables."""
        return {urls.dataset_csv(key): d.csv_text.encode("utf-8") for key, d in self.ps.datasets.items()}

    def recording_files(self) -> dict[str, Path]:
        """Site path -> the re-encoded file of every published recording (never the one on disk)."""
        return {r.site_path: r.file for r in self.ps.recordings.values()}

    def media_files(self) -> dict[str, Path]:
        """Site path -> source file of every image a published web page carries."""
        out: dict[str, Path] = {}
        for versions in self.web.values():
            for v in versions:
                for m in v.story.media:
                    out[urls.story_medium(v.story.slug, m.file)] = self.config.root / v.story.folder / m.file
        for page_versions in self.ps.pages.values():
            for p in page_versions:
                for asset in p.page.assets:
                    out[urls.page_asset(p.page.key, Path(asset).name)] = self.config.root / asset
        return out
