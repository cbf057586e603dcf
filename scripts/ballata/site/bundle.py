"""The offline bundle: the website in one language as a zip that works opened from the file system,
for sharing by USB or Bluetooth at trainings and events (SPEC §7).

Made from the staged site (only what the public view published, already written by the website
renderer), never from the sources: every page of that language, with its links rewritten to end in
``index.html``, and the pictures, style sheets and PDFs those pages use. Search cannot run from
``file://``, so the search page becomes the list of every story and guide. Links to pages outside
the bundle (the other languages) lead to the site online."""

from __future__ import annotations

import html
import logging
import posixpath
import re
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

from .. import urls
from ..build import Outputs
from ..errors import Problems
from ..model import Channel
from ..publish import PublicView
from ..strings import STRINGS_FILE, Strings

log = logging.getLogger(__name__)

_REFERENCE = re.compile(r"""(\s(?:href|src|action|srcset)=)"([^"]*)\"""", re.IGNORECASE)
_SERVICE_WORKER = re.compile(r"<script>[^<]*serviceWorker[^<]*</script>\s*")
_MANIFEST = re.compile(r'<link rel="(?:manifest|apple-touch-icon)" href="[^"]*">\s*')
_ARTICLE = re.compile(r"(<article\b[^>]*>).*?(</article>)", re.DOTALL)
LEFT_OUT = ("search/", "offline/")
"""Pages of the site a bundle does without: search needs a server, the offline page a service worker."""


def site_slug(public: PublicView) -> str:
    """The site's name as a file name: ``Balla'ta Migran`` -> ``ballata-migran``."""
    name = public.config.site_name.get(public.config.default_language, "") or "site"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "")).strip("-") or "site"


def _language_of(path: str, public: PublicView) -> str:
    for lang in public.config.languages:
        prefix = urls.prefix(public.config, lang)
        if prefix and path.startswith(prefix):
            return lang
    return public.config.default_language


def _as_file(site_path: str) -> str:
    """A site path as the file a browser opens from disk: folders end in index.html."""
    return site_path + "index.html" if site_path.endswith("/") or not site_path else site_path


class _Bundle:
    def __init__(self, site_dir: Path, public: PublicView, lang: str) -> None:
        self.site_dir, self.public, self.lang = site_dir, public, lang
        self.config = public.config
        self.pages = {p.relative_to(site_dir).as_posix()[: -len("index.html")]
                      for p in site_dir.rglob("index.html")}
        self.pages = {p for p in self.pages if _language_of(p, public) == lang
                      and not any(p == urls.prefix(self.config, lang) + x for x in LEFT_OUT)}
        self.assets: set[str] = set()

    def link(self, value: str, page: str) -> str:
        """One address of the page at ``page``, as it must read in the bundle."""
        if not value or value.startswith(("#", "//")) or re.match(r"[a-zA-Z][\w+.-]*:", value):
            return value
        path, hash_, fragment = value.partition("#")
        path, _, _ = path.partition("?")
        target = posixpath.normpath(posixpath.join("/" + page, path or ".")).lstrip("/")
        if (path.endswith("/") or path in ("", ".", "..") or (self.site_dir / target).is_dir()) \
                and target not in ("", "."):
            target += "/"
        target = "" if target in (".", "./", "/") else target
        search = urls.search(self.config, self.lang)
        if target in self.pages or target == search:
            rel = posixpath.relpath("/" + _as_file(target), "/" + page)
        elif not target.endswith("/") and (self.site_dir / target).is_file():
            self.assets.add(target)
            rel = posixpath.relpath("/" + target, "/" + page)
        elif self.config.site_url:
            return urls.absolute(self.config.site_url, target) + hash_ + fragment
        else:
            return "#"
        return rel + hash_ + fragment

    def page_html(self, page: str, text: str) -> str:
        text = _MANIFEST.sub("", _SERVICE_WORKER.sub("", text))

        def change(match: re.Match[str]) -> str:
            attribute, value = match.groups()
            raw = html.unescape(value)
            if attribute.strip().lower().startswith("srcset"):
                parts = []
                for candidate in raw.split(","):
                    address, _, width = candidate.strip().partition(" ")
                    parts.append(f"{self.link(address, page)} {width}".strip())
                new = ", ".join(parts)
            else:
                new = self.link(raw, page)
            return f'{attribute}"{html.escape(new, quote=True)}"'
        return _REFERENCE.sub(change, text)

    def lists_page(self) -> tuple[str, str] | None:
        """The search page with the lists of stories and guides in place of the search."""
        search = urls.search(self.config, self.lang)
        source = self.site_dir / search / "index.html"
        if not source.is_file():
            return None
        stories = [(v.text.title, v.url) for v in self.public.stories[Channel.WEB][self.lang]]
        guides = [(p.text.title, p.url) for p in self.public.pages[self.lang]
                  if p.page.section == "guides" and "/" in p.page.key]
        strings = Strings(self.config.root / STRINGS_FILE)
        parts = []
        for key, entries in (("stories", stories), ("guides", guides)):
            if not entries:
                continue
            parts.append(f"<h2>{html.escape(strings.get(key, self.lang))}</h2><ul>")
            parts += [f'<li><a href="{html.escape(urls.relative(url, search))}">'
                      f"{html.escape(title)}</a></li>" for title, url in sorted(entries)]
            parts.append("</ul>")
        body = "<h1>" + html.escape(strings.get("search_title", self.lang)) + "</h1>" + "".join(parts)
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"<script\b[^>]*>.*?</script>\s*", "", _ARTICLE.sub(
            lambda m: m.group(1) + body + m.group(2), text, count=1), flags=re.DOTALL)
        text = re.sub(r'<link rel="stylesheet" href="[^"]*pagefind[^"]*">\s*', "", text)
        return search, text

    def files(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        listed = self.lists_page()
        if listed is not None:
            search, text = listed
            self.pages.add(search)
            out[_as_file(search)] = self.page_html(search, text).encode("utf-8")
        for page in sorted(self.pages - ({listed[0]} if listed else set())):
            text = (self.site_dir / _as_file(page)).read_text(encoding="utf-8")
            out[_as_file(page)] = self.page_html(page, text).encode("utf-8")
        for asset in sorted(self.assets):
            out[asset] = (self.site_dir / asset).read_bytes()
        home = urls.home(self.config, self.lang)
        if home:
            # The bundle opens at its index.html, whatever the language's folder.
            target = html.escape(_as_file(home))
            out["index.html"] = (f'<!doctype html><html lang="{html.escape(self.lang)}"><meta '
                                 f'charset="utf-8"><meta http-equiv="refresh" content="0; url={target}">'
                                 f'<title>{html.escape(self.config.site_name.get(self.lang, ""))}'
                                 f'</title><a href="{target}">{target}</a></html>\n').encode("utf-8")
        return out


def bundle(site_dir: Path, public: PublicView, lang: str) -> bytes:
    """The zip of one language: one folder named like the zip, the same bytes for the same site."""
    files = _Bundle(site_dir, public, lang).files()
    folder = urls.offline_bundle(site_slug(public), lang).removesuffix(".zip")
    stamp = (max(public.build_date.year, 1980), public.build_date.month, public.build_date.day,
             0, 0, 0)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return out.getvalue()


def size_label(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


class BundleRenderer:
    """The offline bundles, one zip per language, from the staged website: it runs after the
    website renderer (and after the zine, so the PDFs its pages link are in it)."""

    name = "offline bundle"
    makes_pdfs = False

    def render(self, public: PublicView, outputs: Outputs) -> Problems:
        if outputs.offline is None:
            return Problems()
        for lang in public.config.languages:
            name = urls.offline_bundle(site_slug(public), lang)
            data = bundle(outputs.site, public, lang)
            (outputs.offline / name).write_bytes(data)
            log.info("build/offline/%s: %s", name, size_label(len(data)))
        return Problems()
