"""Every address of every output: pages, media, downloads, PDFs. Nothing else formats a site path.

Site paths have no leading slash (``en/stories/paspor/``); a folder's path ends with ``/``, the
home page of the default language is ``""``. They become links with :func:`relative` (from one
page to another, so the site works under any base URL) or :func:`absolute` (canonical URLs).
"""

from __future__ import annotations

import posixpath
from typing import Protocol
from urllib.parse import unquote, urlsplit


class Languages(Protocol):
    """What addresses need to know of the configuration: which language is published at /."""

    @property
    def default_language(self) -> str: ...


def prefix(config: Languages, lang: str) -> str:
    """'' for the default language, 'en/' for English."""
    return "" if lang == config.default_language else f"{lang}/"


def home(config: Languages, lang: str) -> str:
    return prefix(config, lang)


def story(config: Languages, lang: str, slug: str) -> str:
    return f"{prefix(config, lang)}stories/{slug}/"


def story_folder(slug: str) -> str:
    """Where a story's pictures are published: one place for every language version."""
    return f"stories/{slug}/"


def story_medium(slug: str, file: str) -> str:
    return f"{story_folder(slug)}{file}"


def page(config: Languages, lang: str, key: str) -> str:
    """A page of content/ (``key`` is its folder under content/, '' for the home page)."""
    return f"{prefix(config, lang)}{key}/" if key else prefix(config, lang)


def page_asset(key: str, file: str) -> str:
    """A picture next to a page of content/: shared by every language version."""
    return f"{key}/{file}" if key else file


def og_image(url: str) -> str:
    """The picture shown when the page at ``url`` is shared (WhatsApp, Open Graph). In a folder of
    the page's own, so no picture of a story or page (never in a sub-folder) can share its name."""
    return f"{url}og/card.png"


def recording(url: str) -> str:
    """The published recording of the page at ``url`` (always Opus, whatever was recorded)."""
    return f"{url}recording.opus"


def manifest(config: Languages, lang: str) -> str:
    """The web app manifest of one language (its name, its home as the start)."""
    return f"{prefix(config, lang)}manifest.webmanifest"


def app_icon(size: int) -> str:
    return f"assets/icons/ballata-{size}.png"


def offline_page(config: Languages, lang: str) -> str:
    """What the service worker shows for a page it has not kept, in the page's language."""
    return f"{prefix(config, lang)}offline/"


def offline_bundle(site: str, lang: str) -> str:
    """File name under build/offline/: the website in one language, for file://."""
    return f"{site}-{lang}.zip"


SERVICE_WORKER = "sw.js"
"""At the site's root, so that it may look after every page of the site."""


def stories_index(config: Languages, lang: str, n: int = 1, tag: str | None = None) -> str:
    base = f"{prefix(config, lang)}stories/" + (f"tags/{tag}/" if tag else "")
    return base if n == 1 else f"{base}page/{n}/"


def search(config: Languages, lang: str) -> str:
    return f"{prefix(config, lang)}search/"


def dataset_csv(key: str) -> str:
    """The download of a dataset's (aggregated, checked) table."""
    return f"{key}/table.csv"


DOWNLOADS = "downloads/"
"""Site folder of every PDF: made by the zine renderer, left out by a --no-pdf build."""


def screen_pdf(edition: str, lang: str) -> str:
    return f"{DOWNLOADS}{edition}-{lang}.pdf"


def handout_pdf(guide: str, lang: str) -> str:
    return f"{DOWNLOADS}guides/{guide}-{lang}.pdf"


def handout_png(guide: str, lang: str, n: int) -> str:
    """Page ``n`` (from 1) of a handout as a picture for a phone screen, next to its PDF."""
    return f"{DOWNLOADS}guides/{guide}-{lang}-{n}.png"


def print_pdf(edition: str, lang: str) -> str:
    """File name under build/print/ (never published on the site)."""
    return f"{edition}-{lang}-print.pdf"


def booklet_pdf(edition: str, lang: str) -> str:
    return f"{edition}-{lang}-booklet.pdf"


def print_note(edition: str, lang: str) -> str:
    """File name under build/print/: how to print the edition, in its language."""
    return f"{edition}-{lang}-HOW-TO-PRINT.txt"


def source_of(url: str) -> str:
    """Where MkDocs thinks the page at ``url`` comes from, e.g. ``en/stories/x/index.md``."""
    return f"{url}index.md"


def resolve(target: str, from_url: str) -> str:
    """Site path that a link ``target`` written in the page at ``from_url`` points to."""
    path = unquote(urlsplit(target).path)
    joined = path if path.startswith("/") else posixpath.join("/" + from_url, path)
    resolved = posixpath.normpath(joined)
    if resolved.endswith("/index.md"):
        resolved = resolved[: -len("index.md")]
    elif path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    return resolved.lstrip("/") if resolved != "/" else ""


def relative(target: str, from_url: str) -> str:
    """Link from the page at ``from_url`` to the site path ``target``, keeping a folder's slash."""
    rel = posixpath.relpath("/" + target, "/" + from_url)
    return rel + "/" if target.endswith("/") or target == "" else rel


def absolute(base_url: str, target: str) -> str:
    """Full address of a site path under the configured site URL (or '/' when there is none)."""
    return base_url.rstrip("/") + "/" + target


def is_internal(target: str) -> bool:
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and bool(parts.path)
