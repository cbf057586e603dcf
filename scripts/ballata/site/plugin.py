"""The MkDocs plugin: brings sources in through the consent gate. Every hook calls the core."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path
from typing import Any
from collections.abc import Callable
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .. import audit
from ..build import Gathered, gather, resolve_build_date
from ..errors import BallataError, Problems
from .. import images
from . import search
from .views import SiteBuilder, SitePage, rel_url


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
    gathered: Gathered | None = None
    """Set by `ballata build`, which has gathered already; plain `mkdocs build` gathers here."""
    audit_problems: list[Any] = []
    """What the output audit found in the last build."""
    print_dir: Path | None = None
    """Where `ballata build` wants the print PDFs; None (plain `mkdocs build`, --no-pdf): no PDFs."""

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path).resolve().parent
        if self.gathered is None:
            try:
                self.gathered = gather(root, resolve_build_date(None))
            except BallataError as exc:
                raise PluginError(_problems_text(exc.problems)) from None
        if not self.gathered.ok:
            raise PluginError(_problems_text(self.gathered.problems.errors)
                              + "\nNothing was published.")
        self.builder = SiteBuilder(self.gathered.publish_set,
                                   editions=self.gathered.editions if self.print_dir else None)
        self.pages: dict[str, SitePage] = {p.src_uri: p for p in self.builder.pages()}
        self.renditions: dict[str, list[images.Rendition]] = {}
        ballata_config = self.gathered.config
        config.theme["language"] = ballata_config.default_language
        config.site_name = ballata_config.site_name[ballata_config.default_language]
        if ballata_config.site_url and not config.site_url:
            config.site_url = ballata_config.site_url
        self.base_url = (config.site_url or "/").rstrip("/") + "/"
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        docs_dir = Path(config.docs_dir).resolve()
        # Nothing from docs_dir is published: every page and picture comes from the publish set.
        # Material's JavaScript is never loaded (see theme/overrides/main.html), so it is not shipped.
        kept = [f for f in files if f.src_dir and Path(f.src_dir).resolve() != docs_dir
                and not f.src_uri.startswith("assets/javascripts/")]
        out = Files(kept)
        for page in self.pages.values():
            # An explicit (empty) front matter: otherwise MkDocs reads a first line such as
            # "Catatan: ..." as metadata and drops it from the text she approved.
            out.append(File.generated(config, page.src_uri,
                                      content="---\ngenerator: ballata\n---\n" + page.markdown))
        for site_path, data in sorted(self.builder.downloads().items()):
            out.append(File.generated(config, site_path, content=data))
        for site_path, source in sorted(self.builder.media_files().items()):
            self.renditions[site_path] = images.renditions(source, site_path)
            for r in self.renditions[site_path]:
                out.append(File.generated(config, r.path, content=r.data))
        return out

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        view = self.pages[page.file.src_uri]
        page.meta["title"] = view.title
        page.meta["description"] = view.description
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        view = self.pages[page.file.src_uri]
        return _responsive_images(html, view.url, self.renditions)

    def on_page_context(self, context: dict[str, Any], page: Any, config: Any,  # type: ignore[override]
                        nav: Any) -> dict[str, Any]:
        view = self.pages[page.file.src_uri]
        # MkDocs' prev/next follow its own page order, which mixes languages and sections.
        page.previous_page = page.next_page = None
        context["ballata"] = self._context(view, config, lambda target: rel_url(target, view.url))
        return context

    def on_template_context(self, context: dict[str, Any], template_name: str,  # type: ignore[override]
                            config: Any) -> dict[str, Any]:
        if template_name == "404.html":
            # Served at any address, so its links start from the site root.
            root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
            context["ballata"] = self._context(self.builder.not_found_page(), config,
                                               lambda target: root + target)
        return context

    def _context(self, view: SitePage, config: Any, link: Callable[[str], str]) -> dict[str, Any]:
        """What the theme's templates see as ``ballata``: links already made for this page."""
        ballata_config = self.gathered.config  # type: ignore[union-attr]
        return {
            "page": view,
            "lang": view.lang,
            "ui_lang": view.lang if view.lang in self.material_languages else "en",
            "t": self.builder.strings.for_lang(view.lang),
            "site_name": ballata_config.site_name.get(view.lang, config.site_name),
            "nav": [dict(item, url=link(item["url"])) for item in self.builder.nav(view.lang, view.url)],
            "home": link(self.builder.home(view.lang)),
            "search": link(f"{ballata_config.prefix(view.lang)}search/"),
            "switch": [{"lang": other, "name": ballata_config.language_names[other],
                        "url": link(url), "current": other == view.lang}
                       for other, url in view.switch.items()],
            "hreflang": self._hreflang(view),
            "canonical": self.base_url + view.url,
            "image": self.base_url + view.image if view.image else None,
            "licence": ballata_config.licence.get(view.lang, ""),
            "locale": {"id": "id_ID", "en": "en_GB"}.get(view.lang, view.lang),
        }

    def _hreflang(self, view: SitePage) -> list[dict[str, str]]:
        """The page's versions for hreflang, in the page head and the sitemap alike; x-default is
        the default language's version, or the page itself when there is none."""
        if not view.alternates:
            return []
        default = self.gathered.config.default_language  # type: ignore[union-attr]
        links = [{"lang": lang, "url": self.base_url + url} for lang, url in view.alternates.items()]
        links.append({"lang": "x-default",
                      "url": self.base_url + view.alternates.get(default, view.url)})
        return links

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        self.material_languages = {
            name.removeprefix("partials/languages/").removesuffix(".html")
            for name in env.list_templates() if name.startswith("partials/languages/")}
        env.globals["ballata_alternates"] = {page.url: self._hreflang(page)
                                             for page in self.pages.values()}
        return env

    def on_post_build(self, config: Any) -> None:
        site_dir = Path(config.site_dir)
        if self.config.search:
            search.index(site_dir)
        ps = self.gathered.publish_set  # type: ignore[union-attr]
        self.audit_problems = []
        if self.print_dir is not None:
            from ..zine.render import render_all  # WeasyPrint loads only when PDFs are wanted

            rendered = render_all(ps, self.gathered.editions, site_dir, self.print_dir)  # type: ignore[union-attr]
            self.gathered.problems.extend(Problems(rendered.warnings))  # type: ignore[union-attr]
            self.audit_problems += rendered.errors
            if not rendered.errors:
                self.audit_problems += audit.audit_print(ps, self.print_dir)
        if not self.audit_problems:
            self.audit_problems = audit.audit_site(ps, site_dir)
        if self.audit_problems:
            # Plain `mkdocs build` writes in place: a site that failed the audit must not stay.
            shutil.rmtree(site_dir, ignore_errors=True)
            raise PluginError(_problems_text(self.audit_problems)
                              + "\nThe output audit failed: the site was removed.")

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        root = Path(config.config_file_path).resolve().parent
        for name in ("stories", "content", "ballata.yml", "theme"):
            if (root / name).exists():
                server.watch(str(root / name))
        return server


_IMG = re.compile(r"<img\b([^>]*?)\ssrc=\"([^\"]+)\"([^>]*)>")


def _responsive_images(html: str, page_url: str, renditions: dict[str, list[images.Rendition]]) -> str:
    """Width, height, srcset and lazy loading for every published picture in the page."""
    def attrs(match: re.Match[str]) -> str:
        before, src, after = match.groups()
        site_path = posixpath.normpath(posixpath.join("/" + page_url, src)).lstrip("/")
        sizes = renditions.get(site_path)
        if not sizes:
            return match.group(0)
        largest = sizes[-1]
        srcset = ", ".join(f"{posixpath.relpath('/' + r.path, '/' + page_url)} {r.width}w"
                           for r in sizes)
        extra = (f' width="{largest.width}" height="{largest.height}" loading="lazy" '
                 f'decoding="async" srcset="{srcset}" sizes="(max-width: 760px) 100vw, 760px"')
        return f"<img{before} src=\"{src}\"{extra}{after}>"
    return _IMG.sub(attrs, html)
