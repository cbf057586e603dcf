"""Site pages as view models built from the publish set. No MkDocs import: the plugin wraps these."""

from __future__ import annotations

import html
import math
import posixpath
import re
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


class SiteBuilder:
    """Turns one publish set into the list of site pages."""

    def __init__(self, ps: PublicView, strings: Strings | None = None) -> None:
        self.ps = ps
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
        return links.rewrite(body, change)

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
        return SitePage(
            src_uri=urls.source_of(v.url), url=v.url, lang=lang, kind="story", title=v.text.title,
            description=plain_summary(v.text.body), markdown=self._markdown(v.text.body, v.url, v),
            content_lang=lang, alternates=alternates, switch=self._switch(lang, alternates),
            image=urls.og_image(v.url),  # drawn from the title and text: never her photo
            data={
                "byline": byline,
                "pseudonym": narrator.attribution is Attribution.PSEUDONYM,
                "anonymous": narrator.attribution is Attribution.ANONYMOUS,
                "from_to": self.strings.get("from_to", lang, region=story.region,
                                            destination=story.destination),
                "recorded": story.recorded.isoformat(),
                "tags": [{"label": self.config.tag_label(t, lang),
                          "url": urls.relative(self._tag_url(lang, t), v.url)} for t in story.tags],
                "media": media,
            })

    def general_page(self, p: PageVersion) -> SitePage:
        page, lang = p.page, p.lang
        translated = {other: urls.page(self.config, other, page.key)
                      for other in self.config.languages if other in page.texts}
        dataset = self.ps.datasets.get(page.key)
        kind = ("home" if not page.key else "dataset" if dataset else
                "guide" if page.section == "guides" and "/" in page.key else "page")
        data: dict[str, Any] = {"translated": p.translated,
                                "children": self._children(page.key, lang, p.url)}
        if self.editions and p.is_handout:
            data["handout"] = urls.relative(urls.handout_pdf(page.slug, lang), p.url)
        if kind == "home":
            data["zines"] = [{"title": e.title.get(lang, ""),
                              "url": urls.relative(urls.screen_pdf(e.slug, lang), p.url)}
                             for e in self.editions if lang in self.zine_languages[e.slug]]
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
        view = charts.dataset_view(dataset, lang, self.strings)
        view["csv"] = urls.relative(urls.dataset_csv(dataset.key), from_url)
        return view

    def _tag_url(self, lang: str, tag: str) -> str:
        return urls.stories_index(self.config, lang, tag=tag)

    def _card(self, v: StoryVersion, from_url: str) -> dict[str, Any]:
        narrator = v.story.narrator
        return {"title": v.text.title, "url": urls.relative(v.url, from_url),
                "byline": narrator.byline(),
                "pseudonym": narrator.attribution is Attribution.PSEUDONYM,
                "summary": plain_summary(v.text.body),
                "from_to": self.strings.get("from_to", v.lang, region=v.story.region,
                                            destination=v.story.destination)}

    def listing(self, lang: str, versions: list[StoryVersion], title: str,
                intro: PageVersion | None, tag: str | None) -> list[SitePage]:
        """A paginated list of story cards; the first page carries the editors' intro, if any."""
        versions = sorted(versions, key=lambda v: (v.story.recorded, v.story.slug), reverse=True)
        total = max(1, math.ceil(len(versions) / STORIES_PER_PAGE))
        tags = sorted({t for v in self.web[lang] for t in v.story.tags})
        out = []
        for n in range(1, total + 1):
            url = urls.stories_index(self.config, lang, n, tag)
            chunk = versions[(n - 1) * STORIES_PER_PAGE: n * STORIES_PER_PAGE]
            pager = {"n": n, "total": total,
                     "previous": urls.relative(urls.stories_index(self.config, lang, n - 1, tag), url)
                     if n > 1 else None,
                     "next": urls.relative(urls.stories_index(self.config, lang, n + 1, tag), url)
                     if n < total else None}
            # Tag pages exist in one language each; switching language leads to the story index.
            alternates = ({other: urls.page(self.config, other, "stories")
                           for other in self.config.languages} if not tag and n == 1 else {})
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
                      "tags": [{"label": self.config.tag_label(t, lang),
                                "url": urls.relative(self._tag_url(lang, t), url),
                                "current": t == tag} for t in tags]}))
        return out

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
        lang = self.config.default_language
        return SitePage(src_uri="404.html", url="404.html", lang=lang, kind="404",
                        title="404", description="", markdown="", content_lang=lang,
                        switch=self._switch(lang, {}))

    def downloads(self) -> dict[str, bytes]:
        """Site path -> bytes of the published (checked, aggregated) tables."""
        return {urls.dataset_csv(key): d.csv_text.encode("utf-8") for key, d in self.ps.datasets.items()}

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
