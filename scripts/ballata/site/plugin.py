"""The MkDocs plugin: brings sources in through the consent gate. Every hook calls the core."""

from __future__ import annotations

import logging
import posixpath
from collections import Counter
import re
import shutil
from pathlib import Path
from typing import Any
from collections.abc import Callable
from urllib.parse import urlsplit

from markupsafe import Markup
import jinja2
from jinja2 import Environment
from jinja2.sandbox import SandboxedEnvironment
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .. import images, links, sanitize, urls
from ..build import desk_for_preview, gate_for_mkdocs, resolve_build_date
from ..errors import BallataError
from ..figures import Figure, add_figures
from . import desk as preview
from . import offline, og, search
from .build import handed_downloads, handed_view, template_problem
from .config import check_mkdocs_config
from .views import SiteBuilder, SitePage, licence_url


log = logging.getLogger("mkdocs.plugins.ballata")
MATERIAL_UNUSED = ("assets/javascripts/", "assets/stylesheets/", "assets/images/")
"""Material's files that no page loads (theme/overrides/main.html): never published."""
MARK = "assets/ballata-mark.svg"
"""The organisation's mark (theme/overrides/assets/): logo and favicon."""


class BallataPluginConfig(base.Config):
    search = c.Type(bool, default=True)
    """Index the built site with Pagefind."""


def _problems_text(problems: list[Any]) -> str:
    lines = []
    for p in problems:
        lines.append(str(p))
        if p.tip:
            lines.append(f"  TIP {p.tip}")
    return "\n".join(lines)


class BallataPlugin(BasePlugin[BallataPluginConfig]):
    """Pages in, HTML out. Under `ballata build` the core hands over the public view and audits
    afterwards; under plain `mkdocs build` / `mkdocs serve` the plugin asks the core for the same
    gate and runs the core's output audit on what MkDocs wrote."""

    command: str | None = None
    """How MkDocs was started (build, serve, gh-deploy); None when `ballata build` drives it."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    builder: SiteBuilder | None = None
    pages: dict[str, SitePage] = {}
    failed: list[Any] = []
    """Under `ballata serve`: the errors of the sources, shown at every address until fixed."""

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path).resolve().parent
        public = handed_view()
        self.audit: Callable[[Path], list[Any]] | None = None
        self.renditions: dict[str, list[images.Rendition]] = {}
        self.preview_media: dict[str, Path] = {}
        # The PDFs and handout pictures the zine renderer made before MkDocs: published as made.
        self.downloads = dict(handed_downloads())
        # The desk, drafts and withheld pages exist in the live preview only: never in a build.
        self.preview = self.command == "serve" and public is None
        desk: dict[str, Any] | None = None
        try:
            if self.preview:
                # The preview shows drafts, so it is never audited; it is never published either.
                desk = desk_for_preview(root, resolve_build_date(None))
                public = desk["public"]
                if public is None:
                    raise BallataError([p for p in desk["problems"] if p.level.value == "error"])
            elif public is None:
                public, self.audit = gate_for_mkdocs(root, resolve_build_date(None))
            if handed_view() is None:  # `ballata build` checked mkdocs.yml before MkDocs started
                check_mkdocs_config(config, public.config, serving=self.command == "serve")
        except BallataError as exc:
            if self.preview:
                return self._show_errors(config, list(exc.problems))
            raise PluginError(_problems_text(exc.problems) + "\nNothing was published.") from None
        self.failed = []
        builder = self.builder = SiteBuilder(
            public, downloads={path: file.stat().st_size for path, file in self.downloads.items()})
        self.pages = {p.src_uri: p for p in builder.pages() + offline.pages(builder)}
        if desk is not None:
            self._add_preview_pages(desk, builder)
        self.site_config = public.config
        # Material's own words (menus, labels for screen readers): English for a language it lacks.
        default = public.config.default_language
        config.theme["language"] = default if any(
            (Path(folder) / "partials" / "languages" / f"{default}.html").is_file()
            for folder in config.theme.dirs) else "en"
        config.site_name = public.config.site_name[public.config.default_language]
        if self.command != "serve":
            config.site_url = public.config.site_url
        self.base_url = config.site_url or "/"
        return config

    def _add_preview_pages(self, desk: dict[str, Any], builder: SiteBuilder) -> None:
        extra = [preview.desk_page(desk, builder)]
        extra += [preview.withheld_page(entry, builder) for entry in desk["withheld"]]
        for entry in desk["drafts"]:
            extra.append(preview.draft_page(entry, builder))
            story = entry["story"]
            for m in story.media:
                self.preview_media[urls.story_medium(story.slug, m.file)] = \
                    Path(desk["config"].root) / story.folder / m.file
        for page in extra:
            self.pages.setdefault(page.src_uri, page)

    def _show_errors(self, config: Any, problems: list[Any]) -> Any:
        """The live preview keeps serving: one page lists the errors, at every address."""
        self.failed = problems
        self.builder = None
        page = preview.error_page(problems)
        self.pages = {page.src_uri: page}
        self.base_url = config.site_url or "/"
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        docs_dir = Path(config.docs_dir).resolve()
        # Nothing from docs_dir is published: every page and picture comes from the publish set.
        # Material's JavaScript is never loaded (see theme/overrides/main.html), so it is not shipped.
        # Nor are its stylesheets and favicon: the theme's own (theme/overrides/assets/) replace them.
        kept = [f for f in files if f.src_dir and Path(f.src_dir).resolve() != docs_dir
                and not f.src_uri.startswith(MATERIAL_UNUSED)]
        out = Files(kept)
        for page in self.pages.values():
            # An explicit (empty) front matter: otherwise MkDocs reads a first line such as
            # "Catatan: ..." as metadata and drops it from the text she approved.
            out.append(File.generated(config, page.src_uri,
                                      content="---\ngenerator: ballata\n---\n" + page.markdown))
        if self.builder is None:
            return out
        shared = og.cards(self.pages.values(), self.site_config.site_name, self.site_config.site_url)
        made = {**self.builder.downloads(), **shared, **offline.files(self.site_config)}
        for site_path, data in sorted(made.items()):
            out.append(File.generated(config, site_path, content=data))
        for site_path, file in sorted({**self.downloads, **self.builder.recording_files()}.items()):
            out.append(File.generated(config, site_path, abs_src_path=str(file)))
        media = {**self.preview_media, **self.builder.media_files()}
        for site_path, source in sorted(media.items()):
            self.renditions[site_path] = images.renditions(source, site_path)
        # A WebP copy never takes the name of another file (drawing.png beside drawing.webp or
        # drawing.jpg, a theme file), not even in another case: zips open on such systems too.
        taken = Counter(f.dest_uri.casefold() for f in out)
        taken.update(p.casefold() for sizes in self.renditions.values() for r in sizes
                     for p in (r.path, r.webp.path if r.webp else None) if p)
        for site_path, sizes in self.renditions.items():
            if any(r.webp and taken[r.webp.path.casefold()] > 1 for r in sizes):
                self.renditions[site_path] = [images.Rendition(r.path, r.width, r.height, r.data)
                                              for r in sizes]
            for r in self.renditions[site_path]:
                out.append(File.generated(config, r.path, content=r.data))
                if r.webp:
                    out.append(File.generated(config, r.webp.path, content=r.webp.data))
        return out

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        view = self.pages[page.file.src_uri]
        page.meta["title"] = view.title
        page.meta["description"] = view.description
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        view = self.pages[page.file.src_uri]
        # The allowlist once more, as the last line of defence; the sizes of pictures come after,
        # from the pipeline. Markup: the theme escapes every other value (see on_env).
        cleaned = links.unlink(sanitize.clean(html))
        if view.kind == "story":
            cleaned = _story_figures(cleaned, view)
        return Markup(_responsive_images(cleaned, view.url, self.renditions))

    def on_page_context(self, context: dict[str, Any], page: Any, config: Any,  # type: ignore[override]
                        nav: Any) -> dict[str, Any]:
        view = self.pages[page.file.src_uri]
        # MkDocs' prev/next follow its own page order, which mixes languages and sections.
        page.previous_page = page.next_page = None
        context["ballata"] = self._context(view, config, lambda target: urls.relative(target, view.url))
        return context

    def on_template_context(self, context: dict[str, Any], template_name: str,  # type: ignore[override]
                            config: Any) -> dict[str, Any]:
        if template_name == "404.html" and self.builder is None:
            context["ballata"] = self._error_context(self.pages["index.md"])
        elif template_name == "404.html" and self.builder is not None:
            # Served at any address, so its links start from the site root.
            root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
            context["ballata"] = self._context(self.builder.not_found_page(), config,
                                               lambda target: root + target)
        return context

    def _error_context(self, view: SitePage) -> dict[str, Any]:
        """The page of source errors: the theme's frame, without anything from the sources. Its
        links start from the site's root: it is shown at every address."""
        root = urlsplit(self.base_url).path.rstrip("/") + "/"
        return {"page": view, "lang": "en", "ui_lang": "en", "t": {}, "site_name": "ballata",
                "nav": [], "home": root, "search": root, "switch": [], "hreflang": [],
                "canonical": root, "image": None, "licence": "", "locale": "en_GB",
                "mark": root + MARK, "footer": None, "picture": lambda site_path: None}

    def _context(self, view: SitePage, config: Any, link: Callable[[str], str]) -> dict[str, Any]:
        """What the theme's templates see as ``ballata``: links already made for this page."""
        if self.builder is None:
            return self._error_context(view)
        ballata_config = self.site_config
        return {
            "page": view,
            "lang": view.lang,
            "ui_lang": view.lang if view.lang in self.material_languages else "en",
            "t": self.builder.strings.for_lang(view.lang),
            "site_name": ballata_config.site_name.get(view.lang, config.site_name),
            "nav": [dict(item, url=link(item["url"])) for item in self.builder.nav(view.lang, view.url)],
            "home": link(self.builder.home(view.lang)),
            "search": link(urls.search(ballata_config, view.lang)),
            "switch": [{"lang": other, "name": ballata_config.language_names[other],
                        "url": link(url), "current": other == view.lang,
                        "available": other == view.lang or other in view.alternates}
                       for other, url in view.switch.items()],
            "picture": lambda site_path: self._picture(site_path, view.url),
            "mark": link(MARK),
            "footer": self._footer(view, link),
            "hreflang": self._hreflang(view),
            "canonical": urls.absolute(self.base_url, view.url),
            "image": urls.absolute(self.base_url, view.image) if view.image else None,
            "share": og.share_link(view.title, urls.absolute(self.base_url, view.url))
            if view.kind in og.KINDS and urlsplit(self.base_url).scheme else None,
            "manifest": link(urls.manifest(ballata_config, view.lang)),
            "icon": link(urls.app_icon(offline.ICON_SIZES[0])),
            # Never in the preview: a browser must not keep drafts, nor an old desk.
            "sw": None if self.preview else link(urls.SERVICE_WORKER),
            "licence": ballata_config.licence.get(view.lang, ""),
            "locale": {"id": "id_ID", "en": "en_GB"}.get(view.lang, view.lang),
        }

    def _picture(self, site_path: str, page_url: str) -> dict[str, Any] | None:
        """A published picture as the theme lays it out: address, sizes and srcset from this page."""
        sizes = self.renditions.get(site_path)
        if not sizes:
            return None
        largest = sizes[-1]
        return {"src": urls.relative(site_path, page_url), "width": largest.width,
                "height": largest.height, "srcset": _srcset(sizes, page_url),
                "webp": _srcset([r.webp for r in sizes if r.webp], page_url)
                if all(r.webp for r in sizes) else None}

    def _footer(self, view: SitePage, link: Callable[[str], str]) -> dict[str, Any]:
        """What every page's footer links to: about and contact, the licence, the zine."""
        assert self.builder is not None
        lang, cfg = view.lang, self.site_config
        about = urls.page(cfg, lang, "about")
        has_about = about in self.builder.page_urls
        licence = cfg.licence.get(lang, "")
        return {
            "description": cfg.site_description.get(lang, ""),
            "about": link(about) if has_about else None,
            "contact": link(about) + "#kontak" if has_about else None,
            "licence": licence,
            "licence_url": licence_url(licence, lang),
            "zines": [dict(z, url=link(urls.screen_pdf(e.slug, lang)))
                      for e in self.builder.editions
                      for z in [{"title": e.title.get(lang, ""),
                                 "size": self.builder.size(urls.screen_pdf(e.slug, lang), lang)}]
                      if lang in self.builder.zine_languages[e.slug]],
        }

    def _hreflang(self, view: SitePage) -> list[dict[str, str]]:
        """The page's versions for hreflang, in the page head and the sitemap alike; x-default is
        the default language's version, or the page itself when there is none."""
        if not view.alternates:
            return []
        default = self.site_config.default_language
        links = [{"lang": lang, "url": urls.absolute(self.base_url, url)}
                 for lang, url in view.alternates.items()]
        links.append({"lang": "x-default",
                      "url": urls.absolute(self.base_url, view.alternates.get(default, view.url))})
        return links

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        # Titles, bylines, captions and descriptions are text: every template value is escaped
        # unless it is Markup (the cleaned page body). MkDocs' own environment does not escape.
        env = sandboxed(env)
        env.autoescape = True
        self.material_languages = {
            name.removeprefix("partials/languages/").removesuffix(".html")
            for name in env.list_templates() if name.startswith("partials/languages/")}
        env.globals["ballata_alternates"] = {page.url: self._hreflang(page)
                                             for page in self.pages.values()}
        # The sitemap lists what a search engine should show, dated by the content's own dates.
        env.globals["ballata_sitemap"] = {
            page.url: {"listed": page.listed,
                       "lastmod": page.updated.isoformat() if page.updated else None}
            for page in self.pages.values()}
        return env

    def on_post_build(self, config: Any) -> None:
        site_dir = Path(config.site_dir)
        if self.builder is None:
            return  # the page of source errors: nothing to index or audit
        if not self.preview:
            offline.write_service_worker(site_dir, self.site_config, self.pages.values())
        if self.config.search:
            search.index(site_dir)
        if self.audit is None:
            return  # `ballata build`: the core audits every output after every renderer
        found = self.audit(site_dir)
        if found:
            # Plain `mkdocs build` writes in place: a site that failed the audit must not stay.
            shutil.rmtree(site_dir, ignore_errors=True)
            raise PluginError(_problems_text(found) + "\nThe output audit failed: the site was removed.")

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        root = Path(config.config_file_path).resolve().parent
        for name in ("stories", "content", "ballata.yml", "theme"):
            if (root / name).exists():
                server.watch(str(root / name))
        # While the sources have errors, every address shows the page that lists them (200, with
        # MkDocs' live reload), so the tab neither hangs nor shows a bare 404.
        error_address = urlsplit(config.site_url or "/").path or "/"
        serve_request = server.serve_request

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            path = str(environ.get("PATH_INFO", ""))
            if self.failed and _is_page(path) and not path.startswith("/livereload/"):
                environ = dict(environ, PATH_INFO=error_address)
            return serve_request(environ, start_response)
        server.set_app(app)

        # A template broken while the preview runs cannot show the page of errors, which is laid
        # out by the same templates: a page without the theme says what to fix, and the tab
        # reloads once the template is fixed (MkDocs alone would leave it waiting).
        def build_or_show_template_error() -> None:
            try:
                builder()
            except jinja2.TemplateError as exc:
                self.failed = [template_problem(exc)]
                Path(server.root, "index.html").write_text(preview.plain_error_page(self.failed),
                                                           encoding="utf-8")
        server.builder = build_or_show_template_error
        return server


def _is_page(path: str) -> bool:
    """An address of a page (not of a stylesheet or picture the page loads)."""
    last = path.rsplit("/", 1)[-1]
    return not last or last.endswith(".html") or "." not in last


def sandboxed(env: Environment) -> SandboxedEnvironment:
    """The same templates, filters and translations in Jinja's sandbox: theme/ may be written by
    anyone, and a template must be able to lay out the values it is given, never reach Python
    (and through it the private register)."""
    box = SandboxedEnvironment(loader=env.loader, extensions=[type(e) for e in env.extensions.values()],
                               auto_reload=False)
    box.filters.update(env.filters)
    box.tests.update(env.tests)
    box.globals.update(env.globals)
    box.policies.update(env.policies)
    return box


def _story_figures(html: str, view: SitePage) -> str:
    """Her pictures in the text as figures, with the caption and alt text of story.yml."""
    pictures = {str(m["src"]): Figure(str(m["alt"]), str(m["caption"]))
                for m in view.data.get("media", [])}
    return add_figures(html, pictures, lambda src: _site_path(src, view.url))


def _site_path(src: str, page_url: str) -> str:
    return posixpath.normpath(posixpath.join("/" + page_url, src)).lstrip("/")


_IMG = re.compile(r"<img\b([^>]*?)\ssrc=\"([^\"]+)\"([^>]*)>")


def _responsive_images(html: str, page_url: str, renditions: dict[str, list[images.Rendition]]) -> str:
    """Width, height, srcset and lazy loading for every published picture in the page."""
    def attrs(match: re.Match[str]) -> str:
        before, src, after = match.groups()
        site_path = _site_path(src, page_url)
        sizes = renditions.get(site_path)
        if not sizes:
            return match.group(0)
        largest = sizes[-1]
        extra = (f' width="{largest.width}" height="{largest.height}" loading="lazy" '
                 f'decoding="async" srcset="{_srcset(sizes, page_url)}" sizes="{SIZES}"')
        img = f"<img{before} src=\"{src}\"{extra}{after}>"
        if not all(r.webp for r in sizes):
            return img
        webp = _srcset([r.webp for r in sizes if r.webp], page_url)
        return f'<picture><source type="image/webp" srcset="{webp}" sizes="{SIZES}">{img}</picture>'
    return _IMG.sub(attrs, html)


SIZES = "(max-width: 760px) 100vw, 760px"
"""How wide a picture in a text is drawn: the reading column, or the whole phone screen."""


def _srcset(sizes: list[images.Rendition], page_url: str) -> str:
    return ", ".join(f"{urls.relative(r.path, page_url)} {r.width}w" for r in sizes)
