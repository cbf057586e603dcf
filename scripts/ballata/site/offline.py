"""Reading without a connection: the web app manifest, the icons, the offline page and the service
worker (SPEC §7).

The service worker (theme/offline/sw.js, filled in here) keeps the site's shell, every guide and
the pages a reader opened; it asks the network first, so a page that was withdrawn is dropped from
her phone the next time she is online (a 404 deletes it, and a new build empties every cache).
It never asks any other server. Everything here is made from the public view's page list and
ballata.yml: no text of a story is written into these files."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from .. import sources, urls
from ..config import Config
from .og import BACKGROUND, FOREGROUND
from .views import SiteBuilder, SitePage

SW_TEMPLATE = Path("theme") / "offline" / "sw.js"
THEME_COLOR = "#7a3b12"
"""The site's primary colour (theme/overrides/assets/ballata.css)."""
ICON_SIZES = (192, 512)


def icon(size: int) -> bytes:
    """The organisation's mark (the ring and dot of the share pictures) on its brown, inside the
    central 80 % that a round or squircle launcher icon keeps ("maskable"). A bare PNG."""
    scale = 4  # drawn large, then reduced: smooth edges without anti-aliasing support
    big = size * scale
    image = Image.new("RGB", (big, big), BACKGROUND)
    draw = ImageDraw.Draw(image)
    centre, ring = big / 2, big * 0.26
    draw.ellipse((centre - ring, centre - ring, centre + ring, centre + ring), outline=FOREGROUND,
                 width=round(big * 0.055))
    dot = big * 0.085
    draw.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=FOREGROUND)
    out = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).quantize(16).save(out, "PNG", optimize=True)
    return out.getvalue()


def manifest(config: Config, lang: str) -> bytes:
    """The web app manifest of one language: its name, its home as the start, the icons. Every
    address is relative to the manifest, so the site works under any base URL."""
    here = urls.manifest(config, lang)

    def link(target: str) -> str:
        return posixpath.relpath("/" + target, "/" + posixpath.dirname(here)) + (
            "/" if target.endswith("/") or not target else "")
    name = config.site_name.get(lang, "")
    data = {
        "name": name, "short_name": name, "lang": lang,
        "description": config.site_description.get(lang, ""),
        "start_url": link(urls.home(config, lang)), "scope": link(""),
        "display": "standalone", "background_color": "#ffffff", "theme_color": THEME_COLOR,
        "icons": [{"src": link(urls.app_icon(size)), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any maskable"} for size in ICON_SIZES],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def files(config: Config) -> dict[str, bytes]:
    """Site path -> bytes of the manifests and icons."""
    out = {urls.app_icon(size): icon(size) for size in ICON_SIZES}
    for lang in config.languages:
        out[urls.manifest(config, lang)] = manifest(config, lang)
    return out


def pages(builder: SiteBuilder) -> list[SitePage]:
    """The offline page of each language: what the service worker shows for a page it has not
    kept. Served at other addresses, so it carries a <base> of its own address."""
    config, out = builder.config, []
    root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    for lang in config.languages:
        url = urls.offline_page(config, lang)
        alternates = {other: urls.offline_page(config, other) for other in config.languages}
        out.append(SitePage(
            src_uri=urls.source_of(url), url=url, lang=lang, kind="offline",
            title=builder.strings.get("offline_title", lang), description="", markdown="",
            content_lang=lang, alternates=alternates,
            switch={other: alternates[other] for other in config.languages},
            data={"base": root + url,
                  "guides": urls.relative(urls.page(config, lang, "guides"), url)
                  if urls.page(config, lang, "guides") in builder.page_urls else None}))
    return out


def shell(site_dir: Path, config: Config, site_pages: Iterable[SitePage]) -> list[str]:
    """What is kept on install, relative to the site root: each language's home, offline page and
    guides, the style sheets, the icons and the manifests."""
    keep = {p.url for p in site_pages if p.kind in ("home", "guide", "offline")
            or p.url in {urls.page(config, lang, "guides") for lang in config.languages}}
    keep |= {p.relative_to(site_dir).as_posix() for p in (site_dir / "assets").rglob("*.css")}
    keep |= set(files(config)) | {"assets/images/favicon.png"}
    present = {k for k in keep if (site_dir / (k + "index.html" if k.endswith("/") or not k else k)).is_file()}
    return sorted("./" + k if k else "./" for k in present)


def service_worker(site_dir: Path, config: Config, site_pages: Iterable[SitePage]) -> str:
    """sw.js from theme/offline/sw.js: the shell to keep, the offline page of each language, and a
    version that changes whenever a page comes or goes (a new version empties every cache)."""
    listed = list(site_pages)
    template = sources.read_theme_file(config.root / SW_TEMPLATE, config.root)
    shell_urls = shell(site_dir, config, listed)
    offline = {("./" + urls.home(config, lang)): "./" + urls.offline_page(config, lang)
               for lang in config.languages}
    # Longest prefix first: "./en/" before "./".
    fallbacks = sorted(offline.items(), key=lambda item: -len(item[0]))
    version = hashlib.sha256(json.dumps([sorted(p.url for p in listed), shell_urls,
                                         template]).encode()).hexdigest()[:16]
    return (template.replace("/*VERSION*/", json.dumps(version))
            .replace("/*SHELL*/", json.dumps(shell_urls))
            .replace("/*OFFLINE*/", json.dumps(fallbacks)))


def write_service_worker(site_dir: Path, config: Config, site_pages: Iterable[SitePage]) -> None:
    (site_dir / urls.SERVICE_WORKER).write_text(service_worker(site_dir, config, site_pages),
                                                encoding="utf-8")
