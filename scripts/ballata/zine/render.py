"""Zines and handouts as PDF: HTML from theme/zine/, laid out by WeasyPrint in worker processes.

WeasyPrint loads nothing by itself: every font, picture and chart is handed over by address under
:data:`VIRTUAL_ROOT` and served by :class:`SealedFetcher`; any other address (a file next to the
sources, ``file:``, ``data:``, another server, an attachment) is refused and stops the build."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .. import charts, images, links, sanitize, sources, urls
from ..build import Outputs
from ..config import CONFIG_FILE
from ..editions import Edition
from ..errors import BallataError, Problem, Problems
from ..figures import Figure, add_figures, in_text
from ..model import Attribution, Text
from ..publish import EditionContent, PageVersion, PublicView, StoryVersion
from ..strings import STRINGS_FILE, Strings
from .fetcher import VIRTUAL_ROOT, SealedFetcher
from .impose import impose
from .qr import svg as qr_svg
from .tagging import finish as finish_tags
from .tagging import install as install_tagging

log = logging.getLogger(__name__)

THEME = Path("theme") / "zine"
PRINT_NOTE = "how-to-print.txt"
"""Template of build/print/<edition>-<lang>-HOW-TO-PRINT.txt, in theme/zine/."""
PADDING_PAGES = '<section class="blank"></section>'
"""One blank page with no footer (theme/zine/zine.css: .blank)."""
SCREEN_DPI, PRINT_DPI = 150, 300
MM_PER_INCH = 25.4
IGNORED_CHARACTERS = set(" \n\t\r\u00ad\u200b\u200c\u200d\ufeff")
SCREEN, PRINT = "screen", "print"
"""The two media of an edition: the print master carries no link, the screen PDF is tagged."""
PULL_QUOTE_MAX = 220
"""Characters of the opening pull quote; a longer first sentence is cut at a word."""
HEADING_SHIFT = 2
"""Levels a text's own headings move down in an edition: edition (h1) > part (h2) > story or
guide (h3) > its sections (h4), so the bookmarks nest as the pages do."""
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL)
_HREF = re.compile(r'\bhref="([^"]*)"')
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_QUOTE_LINE = re.compile(r"^>\s?(.*)$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’]?\s+")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[*_`]+|<[^>]+>")
_FIRST_PARAGRAPH = re.compile(r"(<blockquote>\s*)?<p>")
_PUNCTUATION = ",.;:!?…"
OPENING_WORDS = 4
"""Words of a story's typographic opening: her first words, up to the first punctuation."""
PICTURE_WIDTH = 1080
"""Handout pages as pictures for a phone screen (shared on WhatsApp), in pixels."""
HANDOUT_TYPE_PT = tuple(14 - 0.25 * step for step in range(21))
"""Body type of a handout, tried from 14 pt down to 9 pt: the largest at which the guide fits on
its one page is kept, so a short checklist fills its page as well as a long guide does.
theme/zine/zine.css sizes everything in a handout in ``rem``, relative to it."""


@dataclass(frozen=True)
class Pictures:
    """Where a handout's pages go as PNG pictures: at their site paths under ``root``."""

    root: str
    guide: str
    lang: str


def write_pictures(pdf: Path, to: Pictures) -> int:
    """Each page of a PDF as a PNG PICTURE_WIDTH wide (poppler's pdftoppm), written again by
    Pillow from its pixels alone: no text chunk, no resolution, nothing else. Returns the count."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="ballata-png-") as tmp:
        subprocess.run(["pdftoppm", "-png", "-scale-to-x", str(PICTURE_WIDTH), "-scale-to-y", "-1",
                        str(pdf), f"{tmp}/page"], check=True, capture_output=True)
        pages = sorted(Path(tmp).glob("page-*.png"), key=lambda f: int(f.stem.rsplit("-", 1)[1]))
        for n, page in enumerate(pages, 1):
            with Image.open(page) as image:
                bare = Image.frombytes(image.mode, image.size, image.tobytes())
            bare.save(Path(to.root) / urls.handout_png(to.guide, to.lang, n), "PNG", optimize=True)
    return len(pages)


@dataclass(frozen=True)
class Job:
    """One PDF to lay out; plain data so it can travel to a worker process."""

    label: str
    html: str
    base_url: str
    """A virtual address (under VIRTUAL_ROOT): relative references resolve to nothing real."""
    css: tuple[str, ...]
    out: str
    resources: dict[str, bytes | str] = field(default_factory=dict)
    """Virtual address -> bytes, or the path of a theme file: all WeasyPrint may load."""
    options: dict[str, Any] = field(default_factory=dict)
    pad_to_four: bool = False
    impose_to: str | None = None
    """Also write the booklet imposed from this PDF here."""
    source: str = ""
    """The source folder or file that messages about this PDF name."""
    pictures: Pictures | None = None
    """Also write its pages as pictures (a handout)."""
    fit: tuple[str, ...] = ()
    """Last stylesheets to choose from, roomiest first: the roomiest at which the document fits
    on one page is used (the last one when none does)."""


def run_job(job: Job) -> tuple[str, int, list[str]]:
    """Lay out one PDF; returns its label, page count and the addresses that were refused (then
    nothing is written)."""
    from weasyprint import CSS, HTML
    from weasyprint.pdf import metadata
    from weasyprint.text.fonts import FontConfiguration

    # PDF/X-4 metadata carries a random document id: derive it from the PDF's name so builds repeat.
    metadata.uuid4 = lambda: uuid.uuid5(uuid.NAMESPACE_URL, job.label)
    fetcher = SealedFetcher(job.resources)
    fonts = FontConfiguration()
    sheets = [CSS(string=css, font_config=fonts, url_fetcher=fetcher, base_url=job.base_url)
              for css in job.css]

    def layout(html: str, last: str | None = None) -> Any:
        extra = [CSS(string=last, font_config=fonts, url_fetcher=fetcher,
                     base_url=job.base_url)] if last else []
        return HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
            stylesheets=sheets + extra, font_config=fonts)

    tagged = str(job.options.get("pdf_variant", "")).startswith("pdf/ua")
    if tagged:
        install_tagging()
    document = fit_one_page(lambda css: layout(job.html, css), job.fit) if job.fit \
        else layout(job.html)
    padding = -len(document.pages) % 4 if job.pad_to_four else 0
    if padding:
        # Blank pages go before the back cover, so it stays last; laying them out alone is much
        # cheaper than laying out the whole zine again.
        blanks = layout(PADDING_PAGES * padding).pages[:padding]
        document = document.copy(document.pages[:-1] + blanks + document.pages[-1:])
    data = document.write_pdf(finisher=finish_tags if tagged else None, **job.options)
    if fetcher.refused:
        return job.label, len(document.pages), fetcher.refused
    Path(job.out).parent.mkdir(parents=True, exist_ok=True)
    Path(job.out).write_bytes(data)
    if job.impose_to:
        Path(job.impose_to).write_bytes(impose(data))
    if job.pictures:
        write_pictures(Path(job.out), job.pictures)
    return job.label, len(document.pages), []


def fit_one_page(layout: Callable[[str], Any], choices: tuple[str, ...]) -> Any:
    """The layout with the roomiest of ``choices`` (ordered roomiest first) that fits on one page,
    found by bisection: a handful of layouts instead of one per choice."""
    low, high = 0, len(choices) - 1
    best = None
    while low <= high:
        middle = (low + high) // 2
        document = layout(choices[middle])
        if len(document.pages) <= 1:
            best, high = document, middle - 1
        else:
            low = middle + 1
    return best if best is not None else layout(choices[-1])


def pull_quote(body: str) -> str:
    """The opening pull quote of a story: the first quotation of her text (a ``> `` line) when
    there is one, otherwise her first sentence; plain text, at most PULL_QUOTE_MAX characters."""
    lines = body.splitlines()
    starts = [i for i, line in enumerate(lines) if _QUOTE_LINE.match(line)]
    if starts:
        quoted = []
        for line in lines[starts[0]:]:
            match = _QUOTE_LINE.match(line)
            if not match or not match.group(1).strip():
                break
            quoted.append(match.group(1))
        text = " ".join(quoted)
    else:
        paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()
                      and not p.lstrip().startswith(("#", "!", "-", "*", "|", "<", "1."))]
        text = _SENTENCE_END.split(paragraphs[0].strip(), maxsplit=1)[0] if paragraphs else ""
    text = " ".join(_MARKUP.sub(lambda m: m.group(1) or "", text).split())
    text = text.strip(" \"“”'‘’")
    if len(text) > PULL_QUOTE_MAX:
        text = text[:PULL_QUOTE_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def opening(html: str, words: int = OPENING_WORDS) -> str:
    """Her first words, at most ``words`` and up to the first punctuation, in a ``<span
    class="opening">`` that theme/zine/zine.css sets in small caps: an opening that suits a short
    first line as well as a long one, and keeps every word whole in the text layer (a drop cap,
    a floated first letter, reads as "H ari"). Only her first paragraph counts, from its first
    word to its first tag; a paragraph that starts with a tag opens plainly."""
    for match in _FIRST_PARAGRAPH.finditer(html):
        if match.group(1):
            continue  # a quotation is not her opening line
        start = match.end()
        end = html.find("<", start)
        text = html[start:end if end >= 0 else len(html)]
        first = last = len(text) - len(text.lstrip())
        for n, word in enumerate(re.finditer(r"\S+", text)):
            bare = word.group().rstrip(_PUNCTUATION)
            if re.search(r"&#?\w+$", bare):
                bare = word.group()  # an entity's own semicolon is not punctuation
            if n == words or not bare:
                break
            last = word.start() + len(bare)
            if bare != word.group():
                break
        if last == first:
            return html
        at, to = start + first, start + last
        return f'{html[:at]}<span class="opening">{html[at:to]}</span>{html[to:]}'
    return html


def shift_headings(html: str, levels: int = HEADING_SHIFT) -> str:
    """Move a text's headings down ``levels`` (never below h6)."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", html)


def cross_references(html: str, medium: str, page_word: str) -> str:
    """Links inside the edition (``#story-…``, ``#guide-…``) show the page they lead to; in
    print, no link stays a link (a print master carries no link annotation): only its words."""
    word = escape(page_word)

    def change(match: re.Match[str]) -> str:
        attributes, words = match.group(1), match.group(2)
        href = _HREF.search(attributes)
        target = href.group(1) if href else ""
        if target.startswith("#"):
            marks = f'class="xref" data-target="{target}" data-page-word="{word}"'
            if medium == PRINT:
                return f"<span {marks}>{words}</span>"
            return f'<a href="{target}" {marks}>{words}</a>'
        if medium != PRINT:
            return match.group(0)
        # A telephone number stays marked, so it is never broken over two lines either.
        kind = ' class="tel"' if target.startswith("tel:") else ""
        return f"<span{kind}>{words}</span>"
    return _ANCHOR.sub(change, html)


def site_host(site_url: str) -> str:
    """The website's address as people say it: ``ballata.example.org`` (or with its path)."""
    return re.sub(r"^https?://", "", site_url).rstrip("/")


def build_date_iso(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00+00:00"


FONTS_FILE = "theme/zine/fonts.yml"
SYSTEM_FONTS = Path("/usr/share/fonts")
"""The only place fonts are loaded from: a font list cannot point WeasyPrint at any other file."""


def _is_system_font(file: Path) -> bool:
    resolved = file.resolve()
    return resolved.suffix.lower() in (".ttf", ".otf") and resolved.is_relative_to(SYSTEM_FONTS)


def _font_css(fonts: list[dict[str, Any]]) -> tuple[str, list[Path], dict[str, bytes | str]]:
    rules, files, missing = [], [], []
    styles = {"normal": ("normal", "normal"), "bold": ("bold", "normal"),
              "italic": ("normal", "italic"), "bold-italic": ("bold", "italic")}
    for font in fonts:
        for style, path in font["files"].items():
            file = Path(path)
            if not _is_system_font(file):
                raise BallataError([Problem(FONTS_FILE, f"{path!r} is not a font file under "
                                            f"{SYSTEM_FONTS}", field="files",
                                            tip="Name fonts installed from Debian packages "
                                                "(.ttf or .otf files under /usr/share/fonts/).")])
            if not file.is_file():
                missing.append(font["package"])
                continue
            files.append(file)
            weight, slant = styles[style]
            rules.append(f'@font-face {{ font-family: "{font["family"]}"; '
                         f'src: url("{VIRTUAL_ROOT}fonts/{file.name}"); '
                         f"font-weight: {weight}; font-style: {slant}; }}")
    if missing:
        raise BallataError([Problem(FONTS_FILE, "the zine's fonts are not installed",
                                    tip=f"Install them: apt-get install {' '.join(sorted(set(missing)))}"
                                        " (make build does this).")])
    return "\n".join(rules), files, {f"{VIRTUAL_ROOT}fonts/{f.name}": str(f) for f in files}


def _covered(files: list[Path]) -> set[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for file in files:
        with TTFont(str(file), lazy=True) as font:
            covered |= set(font.getBestCmap())
    return covered


class Renderer:
    """Builds every PDF job for one build; all text comes from the publish set."""

    def __init__(self, ps: PublicView, work: Path) -> None:
        self.ps = ps
        self.config = ps.config
        self.work = work
        """Scratch space of this build (the booklets' trimmed pages)."""
        root = self.config.root
        self.strings = Strings(root / STRINGS_FILE)
        # Sandboxed: a template in theme/ can lay out the values it is given, never reach Python.
        self.env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(root / THEME)),
                                        autoescape=True)
        self.css = sources.read_theme_file(root / THEME / "zine.css", root)
        fonts = sources.read_theme_yaml(root / THEME / "fonts.yml", root)
        self.font_css, font_files, self.font_resources = _font_css(fonts)
        self.covered = _covered(font_files)
        self.problems = Problems()
        self.site_url = self.config.site_url or "/"
        self.resources: dict[str, bytes | str] = {}
        """Pictures and charts of the PDF being prepared, by virtual address."""
        self.booklets: dict[str, tuple[Edition, str]] = {}
        """Label of each booklet job -> its edition and language, for the how-to-print note."""

    # Text --------------------------------------------------------------------------------------
    def _check_glyphs(self, source: str, text: str) -> None:
        missing = sorted({c for c in text if ord(c) not in self.covered} - IGNORED_CHARACTERS)
        if missing:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:5])
            self.problems.error(source, f"the zine's fonts have no glyph for {shown}",
                                tip="Replace the character, or add a font that has it to "
                                    "theme/zine/fonts.yml.")

    def _html(self, text: Text, url: str, pictures: dict[str, Path], image_width: int,
              captions: dict[str, Figure] | None = None,
              anchors: dict[str, str] | None = None) -> str:
        """The text as cleaned HTML; ``pictures`` are the files next to it that it may show (by
        the name it uses), handed over to the sealed fetcher; other links go to the website, or,
        listed in ``anchors`` (site path -> ``#id``), to a story or guide of the same edition.
        ``captions``: story.yml's alt text and caption of each picture, by name."""
        handed: dict[str, Figure] = {}

        def change(target: str) -> str:
            if not urls.is_internal(target):
                return target
            if target in pictures:
                address = self._image(pictures[target], image_width)
                if captions and target in captions:
                    handed[address] = captions[target]
                return address
            site_path = urls.resolve(target, url)
            if site_path in self.ps.unlinked:
                return links.UNLINKED
            if anchors and site_path in anchors:
                return anchors[site_path]
            return urls.absolute(self.site_url, site_path)
        self._check_glyphs(text.path, text.title + text.body)
        body = links.rewrite(text.body, change)
        # The site's Markdown and allowlist; sources were checked against it, this is the last
        # line of defence. Pictures are the ones handed over to the sealed fetcher.
        rendered = links.unlink(sanitize.clean(sanitize.render(body),
                                               own_pictures=f"{VIRTUAL_ROOT}media/"))
        return Markup(add_figures(rendered, handed))

    def _figures(self, version: StoryVersion, image_width: int) -> tuple[dict[str, Figure],
                                                                        list[dict[str, str]]]:
        """story.yml's words for each of her pictures, and the pictures her text does not show
        (printed after it, each handed to the sealed fetcher like those in the text)."""
        story, lang = version.story, version.lang
        captions = {m.file: Figure(m.alt.get(lang, ""), m.caption.get(lang, "")) for m in story.media}
        shown = in_text(version.text.body, set(captions))
        pictures = self._story_pictures(version)
        extra = [{"src": self._image(pictures[m.file], image_width), "alt": m.alt.get(lang, ""),
                  "caption": m.caption.get(lang, "")} for m in story.media if m.file not in shown]
        for m in story.media:
            self._check_glyphs(story.yml, m.alt.get(lang, "") + m.caption.get(lang, ""))
        return captions, extra

    def _story_pictures(self, version: StoryVersion) -> dict[str, Path]:
        story = version.story
        return {m.file: self.config.root / story.folder / m.file for m in story.media}

    def _page_pictures(self, version: PageVersion) -> dict[str, Path]:
        return {Path(asset).name: self.config.root / asset for asset in version.page.assets}

    def _image(self, source: Path, width: int) -> str:
        """A metadata-free copy, handed to WeasyPrint under an address made of its hash:
        WeasyPrint names images after their address, so the PDF repeats from build to build."""
        data, suffix = images.cleaned(source, width)
        return self._hand_over(data, suffix)

    def _hand_over(self, data: bytes, suffix: str) -> str:
        address = f"{VIRTUAL_ROOT}media/{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
        self.resources[address] = data
        return address

    def _qr(self, site_path: str) -> str | None:
        """A QR code to the online version at ``site_path``, handed over like a picture; None
        when ballata.yml has no site_url (no address to lead to)."""
        if not self.config.site_url:
            return None
        return self._hand_over(qr_svg(urls.absolute(self.site_url, site_path)), ".svg")

    # Editions ----------------------------------------------------------------------------------
    def _page_css(self, edition_size: str, bleed_mm: float, marks: bool) -> str:
        rules = [f"size: {edition_size}"]
        if bleed_mm:
            rules.append(f"bleed: {bleed_mm}mm")
        if marks:
            rules.append("marks: crop")
        return "@page { " + "; ".join(rules) + "; }"

    def _cover(self, edition: Edition, dpi: int, bleed_mm: float) -> dict[str, Any] | None:
        """The cover picture and where it goes: scaled to cover the page and its bleed on all
        four sides (a page background is placed on the trimmed page, so it is sized here)."""
        if not edition.cover:
            return None
        from PIL import Image

        width_mm, height_mm = (size + 2 * bleed_mm for size in edition.size_mm)
        address = self._image(edition.cover, round(width_mm / MM_PER_INCH * dpi))
        data = self.resources[address]
        with Image.open(io.BytesIO(data if isinstance(data, bytes) else b"")) as picture:
            pixels_w, pixels_h = picture.size
        scale = max(width_mm / pixels_w, height_mm / pixels_h)
        shown_w, shown_h = pixels_w * scale, pixels_h * scale
        return {"src": address, "width": f"{shown_w:.2f}", "height": f"{shown_h:.2f}",
                "x": f"{-bleed_mm - (shown_w - width_mm) / 2:.2f}",
                "y": f"{-bleed_mm - (shown_h - height_mm) / 2:.2f}"}

    def hotlines(self) -> list[str]:
        """The public numbers printed on the back cover, as ballata.yml lists them."""
        return list(self.config.public_identifiers)

    def edition_html(self, edition: Edition, lang: str, versions: list[StoryVersion],
                     dpi: int, medium: str = SCREEN) -> str:
        t = self.strings.for_lang(lang)
        page_word = self.strings.get("page_abbrev", lang)
        width_mm = edition.size_mm[0] - 32
        image_width = round(width_mm / MM_PER_INCH * dpi)
        published = {p.page.key: p for p in self.ps.pages[lang]}
        pages = [published[f"guides/{slug}"] for slug in edition.guides
                 if f"guides/{slug}" in published]  # others are left out by the core, with a warning
        # Links to a story or guide printed in this edition lead to its page, not the website.
        anchors = {v.url: f"#story-{v.story.slug}" for v in versions}
        anchors |= {p.url: f"#guide-{p.page.slug}" for p in pages}

        def html(text: Text, url: str, pictures: dict[str, Path],
                 captions: dict[str, Figure] | None = None) -> str:
            rendered = self._html(text, url, pictures, image_width, captions, anchors)
            return Markup(cross_references(shift_headings(rendered), medium, page_word))

        stories = []
        for v in versions:
            n = v.story.narrator
            captions, extra = self._figures(v, image_width)
            stories.append({
                "id": f"story-{v.story.slug}", "lang": v.lang, "title": v.text.title,
                "byline": n.byline(), "pseudonym": n.attribution is Attribution.PSEUDONYM,
                "anonymous": n.attribution is Attribution.ANONYMOUS,
                "from_to": self.strings.get("from_to", lang, region=v.story.region,
                                            destination=v.story.destination),
                "recorded": v.story.recorded.isoformat(),
                "pullquote": pull_quote(v.text.body),
                "html": Markup(opening(html(v.text, v.url, self._story_pictures(v), captions))),
                "figures": extra})
        guides = [{"id": f"guide-{page.page.slug}", "lang": page.text.lang,
                   "title": page.text.title,
                   "html": html(page.text, page.url, self._page_pictures(page))}
                  for page in pages]
        datasets = []
        for slug in edition.statistics:
            dataset = self.ps.datasets.get(f"statistics/{slug}")
            if dataset is None:
                continue  # left out with --exclude-invalid: its errors are in the report
            view = charts.dataset_view(dataset, lang, self.strings)
            datasets.append(dict(view, id=f"data-{slug}", chart=None,
                                 chart_file=self._hand_over(view["chart"].encode("utf-8"), ".svg")))
        parts: list[tuple[str, list[dict[str, Any]], str]] = [
            (t["stories"], stories, "title"), (t["guides"], guides, "title"),
            (t["statistics"], datasets, "caption")]
        toc = [{"title": name, "entries": [{"id": e["id"], "title": e[key]} for e in entries]}
               for name, entries, key in parts if entries]
        intro = edition.intro.get(lang)
        title = edition.title.get(lang) or edition.title[next(iter(edition.title))]
        subtitle = edition.subtitle.get(lang, "")
        self._check_glyphs(f"{edition.folder}/zine.yml", title + subtitle)
        site_url = self.config.site_url or ""
        return self.env.get_template("zine.html").render(
            lang=lang, t=t, title=title, subtitle=subtitle, edition=edition.slug, medium=medium,
            cover=self._cover(edition, dpi, edition.bleed_mm if medium == PRINT else 0),
            intro=html(intro, urls.home(self.config, lang), {}) if intro else "",
            intro_lang=intro.lang if intro else lang, toc=toc, stories=stories, guides=guides,
            datasets=datasets, created=build_date_iso(self.ps.build_date),
            build_date=self.ps.build_date.isoformat(), licence=self.config.licence.get(lang, ""),
            site_url=site_url, site_host=site_host(site_url), hotlines=self.hotlines(),
            qr=self._qr(urls.screen_pdf(edition.slug, lang)))

    def _take_resources(self) -> dict[str, bytes | str]:
        """What the PDF just prepared may load: its pictures and charts, and the fonts."""
        taken, self.resources = self.resources, {}
        return {**self.font_resources, **taken}

    def edition_jobs(self, content: EditionContent, site_dir: Path, print_dir: Path) -> list[Job]:
        jobs = []
        edition = content.edition
        base = f"{VIRTUAL_ROOT}{edition.folder}/"
        for lang in edition.languages:
            if not content.print[lang]:
                self.problems.warning(f"{edition.folder}/zine.yml", f"no {lang} edition is made: "
                                      f"none of its stories is published in print in {lang}",
                                      field="languages",
                                      tip="Translate and approve a story in that language, or list "
                                          "the edition's languages under languages:.")
                continue
            size = edition.page_size
            screen_html = self.edition_html(edition, lang, content.screen[lang], SCREEN_DPI, SCREEN)
            screen_resources = self._take_resources()
            print_html = self.edition_html(edition, lang, content.print[lang], PRINT_DPI, PRINT)
            print_resources = self._take_resources()
            jobs.append(Job(
                f"{edition.slug}-{lang} screen", screen_html, base,
                (self.font_css, self.css, self._page_css(size, 0, False)),
                str(site_dir / urls.screen_pdf(edition.slug, lang)), screen_resources,
                {"pdf_variant": "pdf/ua-1", "dpi": SCREEN_DPI, "jpeg_quality": 72,
                 "optimize_images": True}, source=edition.folder))
            jobs.append(Job(
                f"{edition.slug}-{lang} print", print_html, base,
                (self.font_css, self.css, self._page_css(size, edition.bleed_mm, edition.crop_marks)),
                str(print_dir / urls.print_pdf(edition.slug, lang)), print_resources,
                {"pdf_variant": "pdf/x-4", "output_intent": "srgb", "dpi": PRINT_DPI,
                 "jpeg_quality": 92}, pad_to_four=True, source=edition.folder))
            self.booklets[f"{edition.slug}-{lang} booklet"] = (edition, lang)
            jobs.append(Job(
                f"{edition.slug}-{lang} booklet", print_html, base,
                (self.font_css, self.css, self._page_css(size, 0, False)),
                str(self.work / f"{edition.slug}-{lang}-trim.pdf"), print_resources,
                {"dpi": PRINT_DPI, "jpeg_quality": 92}, pad_to_four=True,
                impose_to=str(print_dir / urls.booklet_pdf(edition.slug, lang)),
                source=edition.folder))
        return jobs

    def print_note(self, edition: Edition, lang: str, pages: int) -> str:
        """How to print one edition, in its language: which file goes to the print shop, and how
        to print, fold and staple the booklet at home. Made from the edition alone."""
        sheets = pages // 4
        width, height = edition.size_mm
        get = self.strings.get
        values = {"sheets": sheets, "sides": pages // 2}
        env = SandboxedEnvironment(loader=self.env.loader, autoescape=False)  # plain text
        return env.get_template(PRINT_NOTE).render(
            t=self.strings.for_lang(lang), title=edition.title.get(lang) or "",
            language=self.config.language_names.get(lang, lang),
            shop=get("print_shop", lang, file=urls.print_pdf(edition.slug, lang),
                     size=edition.page_size, width=width, height=height,
                     bleed=f"{edition.bleed_mm:g}", pages=pages,
                     marks=get("print_marks", lang) if edition.crop_marks else ""),
            home=get("print_home", lang, file=urls.booklet_pdf(edition.slug, lang), **values),
            steps=[get(key, lang, **values) for key in ("print_step_sheets", "print_step_duplex",
                                                        "print_step_fold", "print_step_staple",
                                                        "print_step_test")])

    def handout_jobs(self, site_dir: Path) -> list[Job]:
        jobs = []
        for lang in self.config.languages:
            for p in self.ps.pages[lang]:
                if not p.is_handout:
                    continue
                site_url = self.config.site_url or ""
                html = self.env.get_template("handout.html").render(
                    lang=lang, title=p.text.title, description=p.text.meta.get("description", ""),
                    html=Markup(cross_references(
                        self._html(p.text, p.url, self._page_pictures(p), 900), SCREEN,
                        self.strings.get("page_abbrev", lang))),
                    created=build_date_iso(self.ps.build_date),
                    build_date=self.ps.build_date.isoformat(),
                    licence=self.config.licence.get(lang, ""), site_url=site_url,
                    site_host=site_host(site_url), qr=self._qr(p.url),
                    online=site_host(urls.absolute(site_url, p.url)) if site_url else "",
                    t=self.strings.for_lang(lang))
                jobs.append(Job(f"guide {p.page.slug}-{lang}", html,
                                f"{VIRTUAL_ROOT}content/{p.page.key}/",
                                (self.font_css, self.css, "@page { size: A5; }"),
                                str(site_dir / urls.handout_pdf(p.page.slug, lang)),
                                self._take_resources(),
                                {"pdf_variant": "pdf/ua-1", "dpi": SCREEN_DPI,
                                 "optimize_images": True}, source=p.text.path,
                                pictures=Pictures(str(site_dir), p.page.slug, lang),
                                fit=tuple(f"html {{ font-size: {size:g}pt; }}"
                                          for size in HANDOUT_TYPE_PT)))
        return jobs


def render_all(ps: PublicView, site_dir: Path, print_dir: Path,
               workers: int | None = None) -> Problems:
    """Every edition (screen, print, booklet) and every handout with its pages as pictures, in
    parallel processes. ``site_dir``: where the screen PDFs and handouts go, at their site paths."""
    with tempfile.TemporaryDirectory(prefix="ballata-zine-") as tmp:
        renderer = Renderer(ps, Path(tmp))
        try:
            jobs = [job for content in ps.editions
                    for job in renderer.edition_jobs(content, site_dir, print_dir)]
            jobs += renderer.handout_jobs(site_dir)
        except jinja2.TemplateError as exc:
            # A sandbox refusal or a broken template in theme/zine: the design's problem.
            name = getattr(exc, "name", None) or ""
            renderer.problems.error(f"{THEME.as_posix()}/{name}".rstrip("/"),
                                    f"a template could not be used: {exc}",
                                    line=getattr(exc, "lineno", None),
                                    tip="Templates may only lay out the values they are given.")
            return renderer.problems
        if any(job.pictures for job in jobs) and shutil.which("pdftoppm") is None:
            renderer.problems.error("content/guides", "handouts cannot be made as pictures: "
                                    "pdftoppm is not installed",
                                    tip="Install it: apt-get install poppler-utils (make build "
                                        "does this).")
        if renderer.problems.errors:
            return renderer.problems
        log.info("laying out %d PDFs", len(jobs))
        try:
            _lay_out(renderer, jobs, print_dir, workers)
        except subprocess.CalledProcessError as exc:
            # pdftoppm failed on a handout: say so, never a traceback.
            renderer.problems.error(f"{THEME.as_posix()}/handout.html", "the handout's pictures "
                                    f"could not be made: {exc.stderr or exc}",
                                    tip="Check that poppler-utils is installed and works "
                                        "(make build installs it).")
    return renderer.problems


def _lay_out(renderer: Renderer, jobs: list[Job], print_dir: Path, workers: int | None) -> None:
    """Every job in worker processes; what they refused becomes an error naming the source."""
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        for job, (label, pages, refused) in zip(jobs, pool.map(run_job, jobs)):
            if label in renderer.booklets:
                # The booklet file has two pages on each side of a sheet, four per sheet.
                edition, lang = renderer.booklets[label]
                log.info("  %s: %d sheets of A4, printed on both sides", label, pages // 4)
                if not refused:
                    _write_note(renderer, edition, lang, pages, print_dir)
            else:
                log.info("  %s: %d pages", label, pages)
            for address in refused:
                renderer.problems.error(
                    job.source or label, f"the {label} PDF tried to load "
                    f"{address.removeprefix(VIRTUAL_ROOT)!r}, which the pipeline did not hand "
                    "over: nothing was written",
                    tip="PDFs may show only the pictures listed in story.yml or next to the "
                        "page; no file from elsewhere, no file:, data: or web address, no "
                        "attachment.")


def _write_note(renderer: Renderer, edition: Edition, lang: str, pages: int, print_dir: Path) -> None:
    try:
        text = renderer.print_note(edition, lang, pages)
    except jinja2.TemplateError as exc:
        renderer.problems.error(f"{THEME.as_posix()}/{PRINT_NOTE}",
                                f"a template could not be used: {exc}",
                                line=getattr(exc, "lineno", None),
                                tip="Templates may only lay out the values they are given.")
        return
    (print_dir / urls.print_note(edition.slug, lang)).write_text(text, encoding="utf-8")


class ZineRenderer:
    """The zine editions and guide handouts, as PDFs: screen PDFs, handouts and their pictures
    into the downloads the website then publishes, print masters and booklets into build/print/.
    It runs before the website, which links them with their sizes."""

    name = "zine"
    makes_pdfs = True

    def __init__(self, allow_placeholders: bool = False) -> None:
        self.allow_placeholders = allow_placeholders
        """Make print PDFs even with numbers not yet verified (a proof, never for the shop)."""

    def render(self, public: PublicView, outputs: Outputs) -> Problems:
        if outputs.print is None or outputs.downloads is None:
            return Problems()
        problems = placeholder_problems(public.config.placeholder_identifiers,
                                        self.allow_placeholders)
        if problems.errors:
            return problems
        problems.extend(render_all(public, outputs.downloads, outputs.print))
        return problems


def placeholder_problems(placeholders: tuple[str, ...], allowed: bool) -> Problems:
    """Printing a number marked ``placeholder: true`` is an error, unless allowed: a wrong hotline
    in a thousand copies cannot be taken back. (Every command already warns of it: config.py.)"""
    problems = Problems()
    if placeholders and not allowed:
        problems.error(CONFIG_FILE, "print PDFs are not made while a public number is a "
                       "placeholder: " + ", ".join(f'"{n}"' for n in placeholders),
                       field="public_identifiers",
                       tip="Verify the numbers and remove placeholder: true, or build a proof copy "
                           "with `ballata build --allow-placeholders` (not for the print shop).")
    return problems
