"""The editors' desk of the live preview (`ballata serve` only, never a build): view models of the
desk page, of withheld and draft story pages, and of the page that lists source errors.

Everything here comes from :func:`ballata.build.desk_for_preview`; a normal build never calls it.
"""

from __future__ import annotations

import html
from typing import Any

from .. import consent, urls
from ..errors import Problem
from ..model import Channel
from ..publish import StoryVersion
from .views import SiteBuilder, SitePage

DESK_URL = "_desk/"
"""Site path of the desk: a folder no source can make (slugs and sections start with a letter)."""


def fix_for(reason: str, slug: str, lang: str, *, published_elsewhere: bool = False) -> str:
    """What an editor does about one reason (the README's table of reasons, as commands)."""
    if reason in (consent.NOT_APPROVED, consent.CHANGED):
        return f"Read it with her, then: ballata consent approve {slug} {lang}"
    if reason.startswith(consent.NOT_READY):
        detail = reason.split(":", 1)[-1].strip()
        if detail.startswith("no title"):
            return (f"Give it a title: title.{lang} in stories/{slug}/story.yml (or title: in the "
                    f"front matter of index.{lang}.md), then: ballata consent approve {slug} {lang}")
        return f"Finish it ({detail}), then: ballata consent approve {slug} {lang}"
    if reason == "pending":
        return (f"When she gives her consent: ballata consent set {slug} --status given "
                "--channels web,print")
    if reason == "withdrawn":
        return "Nothing: she withdrew her consent."
    if reason == "expired":
        return f"Ask her whether she renews it; then update consent.expires in stories/{slug}/story.yml."
    if reason.startswith("no consent for"):
        return "Nothing: she chose " + ("the other channel." if published_elsewhere else
                                        "where her story appears.")
    if reason == f"no {lang} text":
        return f"Translate it into stories/{slug}/index.{lang}.md and read it with her."
    if reason == "story.yml has errors":
        return "Fix the errors listed at the top of this page."
    if reason.startswith("consent date"):
        return f"Check consent.date in stories/{slug}/story.yml."
    return "See \"Reasons a version is left out\" in the README."


def _problems(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"level": "error" if p.level.value == "error" else "warning", "where": p.location(),
             "message": p.message, "tip": p.tip or ""} for p in problems]


def desk_page(desk: dict[str, Any], builder: SiteBuilder) -> SitePage:
    """Every story and version: where it is published, why not, and the command that fixes it."""
    config = builder.config
    lang = config.default_language
    report = desk["report"]
    rows = []
    for story in report["stories"]:
        slug = story["id"]
        excluded = {(e["channel"], e["language"]): e["reason"] for e in story["excluded"]}
        for version_lang in config.languages:
            web = excluded.get((Channel.WEB.value, version_lang))
            printed = excluded.get((Channel.PRINT.value, version_lang))
            reason = web or printed or ""
            rows.append({
                "story": slug, "lang": version_lang,
                "web": "published" if web is None else "no",
                "print": "published" if printed is None else "no",
                "why": "; ".join(sorted({r for r in (web, printed) if r})),
                "fix": fix_for(reason, slug, version_lang,
                               published_elsewhere=(web is None) != (printed is None))
                if reason else "",
                "url": urls.relative(urls.story(config, version_lang, slug), DESK_URL),
            })
    return SitePage(
        src_uri=urls.source_of(DESK_URL), url=DESK_URL, lang=lang, kind="desk",
        title="Editors' desk", description="", markdown="", content_lang="en",
        switch=builder._switch(lang, {}),
        data={"rows": rows, "build_date": report["build_date"],
              "problems": _problems(desk["problems"]), "editors": desk["editors"]})


def withheld_page(entry: dict[str, Any], builder: SiteBuilder) -> SitePage:
    """At the address of a story version the gate excludes: the reason, not a bare 404."""
    url, lang = entry["url"], entry["lang"]
    return SitePage(
        src_uri=urls.source_of(url), url=url, lang=lang, kind="withheld",
        title=f"Not published: {entry['slug']} ({lang})", description="", markdown="",
        content_lang="en", switch=builder._switch(lang, {}),
        data={"slug": entry["slug"], "reason": entry["reason"],
              "fix": fix_for(entry["reason"], entry["slug"], lang),
              "desk": urls.relative(DESK_URL, url)})


def draft_page(entry: dict[str, Any], builder: SiteBuilder) -> SitePage:
    """Her text as it would be published, with a band that says it is not."""
    story, text, lang = entry["story"], entry["text"], entry["lang"]
    page = builder.story_page(StoryVersion(story, lang, text, entry["url"]))
    page.title = page.title or story.slug
    page.data["draft"] = {"reason": entry["reason"], "fix": fix_for(entry["reason"], story.slug, lang),
                          "desk": urls.relative(DESK_URL, entry["url"])}
    return page


def error_page(problems: list[Problem]) -> SitePage:
    """Shown at every address while the sources have errors: the preview keeps serving."""
    return SitePage(src_uri="index.md", url="", lang="en", kind="errors",
                    title="The preview cannot be built", description="", markdown="",
                    content_lang="en", data={"problems": _problems(problems)})


def plain_error_page(problems: list[Problem]) -> str:
    """The page of errors without the theme, for when a template itself is broken. MkDocs' live
    reload adds its script to it, so the tab reloads when the template is fixed."""
    items = "".join(
        f"<li><strong>{html.escape(p['level'].upper())}</strong> <code>{html.escape(p['where'])}</code> "
        f"{html.escape(p['message'])}" + (f"<br>TIP {html.escape(p['tip'])}" if p["tip"] else "") + "</li>"
        for p in _problems(problems))
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>The preview cannot be built</title></head>"
            "<body style=\"font: 1rem/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; "
            "padding: 0 1rem\"><h1>The preview cannot be built</h1>"
            "<p role=\"alert\">Fix the template below and save: this page reloads by itself. A build "
            "would stop here and publish nothing.</p>"
            f"<ul>{items}</ul></body></html>\n")
