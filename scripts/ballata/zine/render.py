"""Zines and handouts as PDF: HTML from theme/zine/, laid out by WeasyPrint in worker processes."""

from __future__ import annotations

import base64
import logging
import os
import re
import tempfile
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown
import yaml
from markupsafe import Markup

from .. import charts, images, links
from ..errors import BallataError, Problem, Problems
from ..model import Attribution, Channel, Text
from ..publish import PublishSet, StoryVersion, media_path
from ..strings import STRINGS_FILE, Strings
from .edition import Edition, build_date_iso, handout_pdf, is_handout, screen_pdf, stories_for
from .impose import impose

log = logging.getLogger("ballata.progress")

THEME = Path("theme") / "zine"
PADDING_PAGES = '<section class="blank"></section>'
"""One blank page with no footer (theme/zine/zine.css: .blank)."""
SCREEN_DPI, PRINT_DPI = 150, 300
MM_PER_INCH = 25.4
IGNORED_CHARACTERS = set(" \n\t\r\u00ad\u200b\u200c\u200d\ufeff")


@dataclass(frozen=True)
class Job:
    """One PDF to lay out; plain data so it can travel to a worker process."""

    label: str
    html: str
    base_url: str
    css: tuple[str, ...]
    out: str
    options: dict[str, Any] = field(default_factory=dict)
    pad_to_four: bool = False
    impose_to: str | None = None
    """Also write the booklet imposed from this PDF here."""


def run_job(job: Job) -> tuple[str, int]:
    """Lay out one PDF; returns its label and page count."""
    from weasyprint import CSS, HTML
    from weasyprint.pdf import metadata
    from weasyprint.text.fonts import FontConfiguration

    # PDF/X-4 metadata carries a random document id: derive it from the PDF's name so builds repeat.
    metadata.uuid4 = lambda: uuid.uuid5(uuid.NAMESPACE_URL, job.label)  # type: ignore[attr-defined]
    fonts = FontConfiguration()
    sheets = [CSS(string=css, font_config=fonts) for css in job.css]

    document = HTML(string=job.html, base_url=job.base_url).render(stylesheets=sheets,
                                                                    font_config=fonts)
    padding = -len(document.pages) % 4 if job.pad_to_four else 0
    if padding:
        # Blank pages go before the back cover, so it stays last; laying them out alone is much
        # cheaper than laying out the whole zine again.
        blanks = HTML(string=PADDING_PAGES * padding, base_url=job.base_url).render(
            stylesheets=sheets, font_config=fonts).pages[:padding]
        document = document.copy(document.pages[:-1] + blanks + document.pages[-1:])
    data = document.write_pdf(**job.options)
    Path(job.out).parent.mkdir(parents=True, exist_ok=True)
    Path(job.out).write_bytes(data)
    if job.impose_to:
        Path(job.impose_to).write_bytes(impose(data))
    return job.label, len(document.pages)


def _font_css(fonts: list[dict[str, Any]]) -> tuple[str, list[Path]]:
    rules, files, missing = [], [], []
    styles = {"normal": ("normal", "normal"), "bold": ("bold", "normal"),
              "italic": ("normal", "italic"), "bold-italic": ("bold", "italic")}
    for font in fonts:
        for style, path in font["files"].items():
            file = Path(path)
            if not file.is_file():
                missing.append(font["package"])
                continue
            files.append(file)
            weight, slant = styles[style]
            rules.append(f'@font-face {{ font-family: "{font["family"]}"; src: url("{file.as_uri()}"); '
                         f"font-weight: {weight}; font-style: {slant}; }}")
    if missing:
        raise BallataError([Problem("theme/zine/fonts.yml", "the zine's fonts are not installed",
                                    tip=f"Install them: apt-get install {' '.join(sorted(set(missing)))}"
                                        " (make build does this).")])
    return "\n".join(rules), files


def _covered(files: list[Path]) -> set[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for file in files:
        with TTFont(str(file), lazy=True) as font:
            covered |= set(font.getBestCmap())
    return covered


class Renderer:
    """Builds every PDF job for one build; all text comes from the publish set."""

    def __init__(self, ps: PublishSet, work: Path) -> None:
        self.ps = ps
        self.config = ps.config
        self.work = work
        """Scratch space of this build (the booklets' trimmed pages)."""
        root = self.config.root
        self.strings = Strings(root / STRINGS_FILE)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root / THEME)),
                                      autoescape=True)
        self.css = (root / THEME / "zine.css").read_text(encoding="utf-8")
        fonts = yaml.safe_load((root / THEME / "fonts.yml").read_text(encoding="utf-8"))
        self.font_css, font_files = _font_css(fonts)
        self.covered = _covered(font_files)
        self.exceptions = yaml.safe_load(
            (root / THEME / "hyphenation.yml").read_text(encoding="utf-8")) or {}
        self.problems = Problems()
        self.site_url = (self.config.site_url or "").rstrip("/")

    # Text --------------------------------------------------------------------------------------
    def _check_glyphs(self, source: str, text: str) -> None:
        missing = sorted({c for c in text if ord(c) not in self.covered} - IGNORED_CHARACTERS)
        if missing:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:5])
            self.problems.error(source, f"the zine's fonts have no glyph for {shown}",
                                tip="Replace the character, or add a font that has it to "
                                    "theme/zine/fonts.yml.")

    def _hyphenate(self, html: str, lang: str) -> str:
        """Apply theme/zine/hyphenation.yml: soft hyphens where breaks are allowed, in any case."""
        for entry in self.exceptions.get(lang, []):
            word = entry.replace("-", "")
            breaks = [i - n for n, i in enumerate(i for i, c in enumerate(entry) if c == "-")]

            def mark(match: re.Match[str], breaks: list[int] = breaks) -> str:
                found = match.group(1)
                if not breaks:
                    return f'<span class="nohyphen">{found}</span>'
                return "".join("\u00ad" + c if i in breaks else c for i, c in enumerate(found))

            # Only in text between tags, never inside an attribute.
            html = re.sub(rf"(?<![\w\u00ad])({re.escape(word)})(?![\w\u00ad])(?=[^<>]*(?:<|$))",
                          mark, html, flags=re.IGNORECASE)
        return html

    def _html(self, text: Text, url: str, version: StoryVersion | None, image_width: int) -> str:
        def change(target: str) -> str:
            if not links.is_internal(target):
                return target
            if version and media_path(version.story, target):
                return self._image(self.config.root / version.story.folder / target, image_width)
            return f"{self.site_url}/{links.resolve(target, url)}"
        self._check_glyphs(text.path, text.title + text.body)
        body = links.rewrite(text.body, change)
        rendered = markdown.markdown(body, extensions=["attr_list", "tables", "md_in_html",
                                                       "pymdownx.tasklist"])
        # Sources were checked for scripts and handlers before they got here.
        return Markup(self._hyphenate(rendered, text.lang))

    def _image(self, source: Path, width: int) -> str:
        """A metadata-free copy as a data: URI: WeasyPrint names images after their address, so
        an address with a temporary folder in it would change the PDF from build to build."""
        data, suffix = images.cleaned(source, width)
        kind = {".jpg": "jpeg", ".webp": "webp"}.get(suffix, "png")
        return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"

    # Editions ----------------------------------------------------------------------------------
    def _page_css(self, edition_size: str, bleed_mm: float, marks: bool) -> str:
        rules = [f"size: {edition_size}"]
        if bleed_mm:
            rules.append(f"bleed: {bleed_mm}mm")
        if marks:
            rules.append("marks: crop")
        return "@page { " + "; ".join(rules) + "; }"

    def edition_html(self, edition: Edition, lang: str, channels: tuple[Channel, ...],
                     dpi: int) -> str:
        t = self.strings.for_lang(lang)
        width_mm = edition.size_mm[0] - 32
        image_width = round(width_mm / MM_PER_INCH * dpi)
        stories = []
        for v in stories_for(edition, self.ps, lang, channels, self.problems):
            n = v.story.narrator
            stories.append({
                "id": f"story-{v.story.slug}", "lang": v.lang, "title": v.text.title,
                "byline": n.byline(), "pseudonym": n.attribution is Attribution.PSEUDONYM,
                "anonymous": n.attribution is Attribution.ANONYMOUS,
                "from_to": self.strings.get("from_to", lang, region=v.story.region,
                                            destination=v.story.destination),
                "recorded": v.story.recorded.isoformat(),
                "html": self._html(v.text, v.url, v, image_width)})
        guides = []
        for slug in edition.guides:
            page = next(p for p in self.ps.pages[lang] if p.page.key == f"guides/{slug}")
            guides.append({"id": f"guide-{slug}", "lang": page.text.lang, "title": page.text.title,
                           "html": self._html(page.text, page.url, None, image_width)})
        datasets = []
        for slug in edition.statistics:
            dataset = self.ps.datasets[f"statistics/{slug}"]
            view = charts.dataset_view(dataset, lang, self.strings)
            chart = base64.b64encode(view["chart"].encode("utf-8")).decode("ascii")
            datasets.append(dict(view, id=f"data-{slug}", chart=None,
                                 chart_file=f"data:image/svg+xml;base64,{chart}"))
        toc = ([{"kind": "story", "id": s["id"], "title": s["title"]} for s in stories]
               + [{"kind": "guide", "id": g["id"], "title": g["title"]} for g in guides]
               + [{"kind": "dataset", "id": d["id"], "title": d["caption"]} for d in datasets])
        intro = edition.intro.get(lang)
        title = edition.title.get(lang) or edition.title[next(iter(edition.title))]
        subtitle = edition.subtitle.get(lang, "")
        self._check_glyphs(f"{edition.folder}/zine.yml", title + subtitle)
        cover_width = round((edition.size_mm[0] + 2 * edition.bleed_mm) / MM_PER_INCH * dpi)
        return self.env.get_template("zine.html").render(
            lang=lang, t=t, title=title, subtitle=subtitle, edition=edition.slug,
            cover=self._image(edition.cover, cover_width) if edition.cover else None,
            intro=self._html(intro, self.config.prefix(lang), None, image_width) if intro else "",
            intro_lang=intro.lang if intro else lang, toc=toc, stories=stories, guides=guides,
            datasets=datasets, created=build_date_iso(self.ps.build_date),
            build_date=self.ps.build_date.isoformat(), licence=self.config.licence.get(lang, ""),
            site_url=self.config.site_url or "")

    def edition_jobs(self, edition: Edition, site_dir: Path, print_dir: Path) -> list[Job]:
        jobs = []
        base = str(self.config.root / edition.folder) + "/"
        for lang in edition.languages:
            size = edition.page_size
            screen_html = self.edition_html(edition, lang, (Channel.WEB, Channel.PRINT), SCREEN_DPI)
            print_html = self.edition_html(edition, lang, (Channel.PRINT,), PRINT_DPI)
            jobs.append(Job(
                f"{edition.slug}-{lang} screen", screen_html, base,
                (self.font_css, self.css, self._page_css(size, 0, False)),
                str(site_dir / screen_pdf(edition.slug, lang)),
                {"pdf_variant": "pdf/ua-1", "dpi": SCREEN_DPI, "jpeg_quality": 72,
                 "optimize_images": True}))
            jobs.append(Job(
                f"{edition.slug}-{lang} print", print_html, base,
                (self.font_css, self.css, self._page_css(size, edition.bleed_mm, edition.crop_marks)),
                str(print_dir / f"{edition.slug}-{lang}-print.pdf"),
                {"pdf_variant": "pdf/x-4", "output_intent": "srgb", "dpi": PRINT_DPI,
                 "jpeg_quality": 92}, pad_to_four=True))
            jobs.append(Job(
                f"{edition.slug}-{lang} booklet", print_html, base,
                (self.font_css, self.css, self._page_css(size, 0, False)),
                str(self.work / f"{edition.slug}-{lang}-trim.pdf"),
                {"dpi": PRINT_DPI, "jpeg_quality": 92}, pad_to_four=True,
                impose_to=str(print_dir / f"{edition.slug}-{lang}-booklet.pdf")))
        return jobs

    def handout_jobs(self, site_dir: Path) -> list[Job]:
        jobs = []
        for lang in self.config.languages:
            for p in self.ps.pages[lang]:
                if not is_handout(p):
                    continue
                html = self.env.get_template("handout.html").render(
                    lang=lang, title=p.text.title, description=p.text.meta.get("description", ""),
                    html=self._html(p.text, p.url, None, 900),
                    created=build_date_iso(self.ps.build_date),
                    build_date=self.ps.build_date.isoformat(),
                    licence=self.config.licence.get(lang, ""), site_url=self.config.site_url or "")
                jobs.append(Job(f"guide {p.page.slug}-{lang}", html,
                                str(self.config.root / "content" / p.page.key) + "/",
                                (self.font_css, self.css, "@page { size: A4; margin: 16mm; }"),
                                str(site_dir / handout_pdf(p.page.slug, lang)),
                                {"pdf_variant": "pdf/ua-1", "dpi": SCREEN_DPI,
                                 "optimize_images": True}))
        return jobs


def render_all(ps: PublishSet, editions: dict[str, Edition], site_dir: Path, print_dir: Path,
               workers: int | None = None) -> Problems:
    """Every edition (screen, print, booklet) and every handout, in parallel processes."""
    with tempfile.TemporaryDirectory(prefix="ballata-zine-") as tmp:
        renderer = Renderer(ps, Path(tmp))
        jobs = [job for edition in editions.values()
                for job in renderer.edition_jobs(edition, site_dir, print_dir)]
        jobs += renderer.handout_jobs(site_dir)
        if renderer.problems.errors:
            return renderer.problems
        log.info("laying out %d PDFs", len(jobs))
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            for label, pages in pool.map(run_job, jobs):
                log.info("  %s: %d pages", label, pages)
    return renderer.problems
