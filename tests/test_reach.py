"""Reach (SPEC §7): share links and Open Graph pictures, QR codes, offline reading, the offline
bundle and handouts as pictures, read from the built sample."""

from __future__ import annotations

import html
import io
import json
import logging
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import BUILD_DATE, copy_project
from site_helpers import serve, text_of
from ballata.audit import pictures
from ballata.cli import main
from ballata.site import og

SITE_URL = "https://ballata.example.org/"
SHARED_PAGES = {  # site path -> title, a story, a guide and a dataset in both languages
    "stories/paspor-ditahan/": "Paspor yang Ditahan",
    "en/stories/paspor-ditahan/": "The Passport They Kept",
    "guides/mengurus-paspor/": None,
    "en/guides/mengurus-paspor/": "Getting your own passport",
    "statistics/pekerja-migran/": None,
    "en/statistics/pekerja-migran/": "How many of our people are in Malaysia?",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample built with its PDFs, once for the module."""
    root = copy_project(tmp_path_factory.mktemp("reach"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root


def _meta(page: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def _share(page: str) -> str | None:
    found = re.search(r'<p class="ballata-share"[^>]*>\s*<a [^>]*href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


# WhatsApp and Open Graph -------------------------------------------------------------------------
def test_share_link_is_plain_and_encoded():
    link = og.share_link('Ibu & "anak" #1?', "https://x.example/stories/a/")
    assert link == ("https://wa.me/?text=Ibu%20%26%20%22anak%22%20%231%3F%20"
                    "https%3A%2F%2Fx.example%2Fstories%2Fa%2F")


def test_pull_quote_is_the_first_sentence():
    assert og.pull_quote("# Title\n\nShe came in May. Then the rain.\n") == "She came in May."
    long = "word " * 80
    quote = og.pull_quote(long)
    assert len(quote) <= og.QUOTE_CHARS + 1 and quote.endswith("…")


def test_card_is_a_bare_png_of_the_open_graph_size():
    data = og.card("A title " * 12, "A quote " * 40, "Balla'ta Migran", "ballata.example.org")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (og.WIDTH, og.HEIGHT)
        assert not {"exif", "icc_profile", "comment", "xmp", "dpi"} & set(image.info)
    assert pictures.read(data).kinds == []
    assert og.card("T", "Q", "O", "h") == og.card("T", "Q", "O", "h")


def test_cards_are_kept_in_the_build_cache_and_drawn_again_only_when_their_words_change(
        sample, run, caplog):
    caplog.set_level(logging.INFO, logger="ballata.site.og")
    cache, site = sample / "build" / "cache" / "og", sample / "site"

    def build() -> tuple[dict[str, tuple[int, bytes]], dict[str, bytes], str]:
        caplog.clear()
        assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
        kept = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.iterdir()}
        cards = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("og/card.png")}
        said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("share pictures")]
        return kept, cards, said[0]

    kept, drawn, said = build()
    assert said == f"share pictures: {len(drawn)} drawn, 0 from build/cache/og/"
    assert sorted(data for _, data in kept.values()) == sorted(drawn.values())
    again, cards, said = build()
    assert said == f"share pictures: 0 drawn, {len(drawn)} from build/cache/og/"
    assert again == kept  # not written again
    assert cards == drawn  # the very bytes an uncached build makes
    guide = sample / "content" / "guides" / "mengurus-paspor" / "index.id.md"
    guide.write_text(guide.read_text().replace("title: Mengurus paspor sendiri",
                                               "title: Mengurus paspor sendiri, tanpa calo"))
    changed, cards, said = build()
    assert said == f"share pictures: 1 drawn, {len(drawn) - 1} from build/cache/og/"
    assert [path for path in cards if cards[path] != drawn[path]] == ["guides/mengurus-paspor/og/card.png"]
    assert len(set(changed) - set(kept)) == 1 and len(changed) == len(kept)  # the old one is gone
    assert all(changed[name] == kept[name] for name in set(changed) & set(kept))


@pytest.mark.parametrize("path", sorted(SHARED_PAGES))
def test_story_guide_and_dataset_pages_have_a_share_link_and_a_card(built, path):
    site = built / "site"
    page = text_of(site / path / "index.html")
    title = _meta(page, "og:title")
    assert SHARED_PAGES[path] in (None, title)
    canonical = SITE_URL + path
    share = _share(page)
    assert share is not None and share.startswith("https://wa.me/?text=")
    assert unquote(share.removeprefix("https://wa.me/?text=")) == f"{title} {canonical}"
    image = _meta(page, "og:image")
    assert image == f"{canonical}og/card.png"
    assert _meta(page, "og:image:width") == "1200" and _meta(page, "og:image:height") == "630"
    assert _meta(page, "twitter:card") == "summary_large_image"
    data = (site / image.removeprefix(SITE_URL)).read_bytes()
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == (1200, 630)
    assert pictures.read(data).kinds == []   # no metadata block at all
    assert "<script" not in page.split("ballata-share", 1)[1].split("</p>", 1)[0]


def test_no_share_link_on_other_pages_and_never_a_photo_as_preview(built):
    site = built / "site"
    for path in ("", "en/", "stories/", "guides/", "en/about/"):
        if (site / path / "index.html").exists():
            assert _share(text_of(site / path / "index.html")) is None, path
    for page in site.rglob("index.html"):
        image = _meta(text_of(page), "og:image")
        assert image is None or image.endswith("/og/card.png"), page
    cards = sorted(p.relative_to(site).as_posix() for p in site.rglob("card.png"))
    assert "stories/paspor-ditahan/og/card.png" in cards
    assert all(p.endswith("/og/card.png") for p in cards)


# QR codes ----------------------------------------------------------------------------------------
def _qr_codes(pdf: Path, page: int, tmp: Path) -> list[str]:
    """The QR codes on one page of a PDF, as a phone's camera would read them."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="install the test extras: make test")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp / "page")], check=True)
    (picture,) = tmp.glob("page*.png")
    try:
        with Image.open(picture) as image:
            return [code.text for code in zxingcpp.read_barcodes(image)]
    finally:
        picture.unlink()


def _pages(pdf: Path) -> int:
    return len(PdfReader(str(pdf)).pages)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_zine_back_cover_leads_to_the_edition_online(built, lang, tmp_path):
    online = f"{SITE_URL}downloads/2026-dari-bulukumba-{lang}.pdf"
    for pdf in (built / "site" / "downloads" / f"2026-dari-bulukumba-{lang}.pdf",
                built / "build" / "print" / f"2026-dari-bulukumba-{lang}-print.pdf"):
        assert _qr_codes(pdf, _pages(pdf), tmp_path) == [online], pdf.name
        assert _qr_codes(pdf, 1, tmp_path) == []   # on the back cover only


def test_every_handout_leads_to_its_guide_online(built, tmp_path):
    handouts = sorted((built / "site" / "downloads" / "guides").glob("*.pdf"))
    assert len(handouts) == 6
    for pdf in handouts:
        slug, lang = pdf.stem.rsplit("-", 1)
        guide = f"{SITE_URL}{'' if lang == 'id' else 'en/'}guides/{slug}/"
        assert _qr_codes(pdf, 1, tmp_path) == [guide], pdf.name
        assert (built / "site" / guide.removeprefix(SITE_URL) / "index.html").is_file()


def test_the_qr_code_is_handed_over_never_a_data_address(built):
    for pdf in (built / "site" / "downloads").rglob("*.pdf"):
        raw = pdf.read_bytes()
        assert b"data:image" not in raw and b"file:" not in raw


# Handouts as pictures ----------------------------------------------------------------------------
def _png_chunks(data: bytes) -> list[bytes]:
    """The kinds of the chunks of a PNG file, in order."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kinds.append(data[at + 4:at + 8])
        at += 12 + length
    return kinds


def _kb(size: int) -> str:
    """How the site writes the size of a file under 1 MB, in either language."""
    return f"{max(1, round(size / 1000))} kB"


@pytest.mark.parametrize("lang, prefix, words", [("id", "", "Halaman"), ("en", "en/", "Page")])
def test_each_handout_is_also_pictures_listed_with_their_sizes_on_its_guide(built, lang, prefix,
                                                                          words):
    guides = built / "site" / "downloads" / "guides"
    for slug in ("mengurus-paspor", "hak-pekerja-malaysia", "daftar-migrasi-aman"):
        pngs = sorted(guides.glob(f"{slug}-{lang}-*.png"))
        pages = len(PdfReader(guides / f"{slug}-{lang}.pdf").pages)
        assert [p.name for p in pngs] == [f"{slug}-{lang}-{n}.png" for n in range(1, pages + 1)]
        page = text_of(built / "site" / prefix / "guides" / slug / "index.html")
        pdf_size = (guides / f"{slug}-{lang}.pdf").stat().st_size
        assert re.search(rf'href="[./]*downloads/guides/{slug}-{lang}\.pdf" download>[^<]*, '
                         rf"{_kb(pdf_size)}</a>", page)
        for n, png in enumerate(pngs, 1):
            data = png.read_bytes()
            with Image.open(io.BytesIO(data)) as picture:
                assert picture.format == "PNG" and picture.width == 1080
                assert picture.height > picture.width    # an A5 page, upright
            chunks = _png_chunks(data)
            assert not {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} & set(chunks), png.name
            assert pictures.read(data).kinds == []
            link = (rf'href="[./]*downloads/guides/{png.name}" download>{words} {n} '
                    rf"\(PNG, {_kb(len(data))}\)</a>")
            assert re.search(link, page), (png.name, link)


# Offline -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    playwright = pytest.importorskip("playwright.sync_api", reason="install the test extras")
    from test_browser import ARGS, CHROMIUM

    assert CHROMIUM.exists(), "Debian's Chromium is missing: run `make test`, which installs it"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(built):
    with serve(built / "site") as url:
        yield url


def test_manifest_and_icons_per_language(built):
    site = built / "site"
    for path, lang, start in (("manifest.webmanifest", "id", "./"),
                              ("en/manifest.webmanifest", "en", "./")):
        data = json.loads((site / path).read_text(encoding="utf-8"))
        assert data["lang"] == lang and data["name"] == "Balla'ta Migran"
        assert data["start_url"] == start and data["display"] == "standalone"
        for icon in data["icons"]:
            picture = (site / path).parent / icon["src"]
            with Image.open(picture) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]
            assert pictures.read(picture.read_bytes()).kinds == []
    page = text_of(site / "en" / "guides" / "mengurus-paspor" / "index.html")
    assert '<link rel="manifest" href="../../manifest.webmanifest">' in page
    assert 'serviceWorker.register("../../../sw.js")' in page


def test_the_site_installs_and_a_guide_reads_with_the_network_cut(chromium, served):
    context = chromium.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(f"{served}/en/guides/mengurus-paspor/")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        # Playwright's browser contexts are private windows, where nothing can be installed.
        assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
        # A story she opens while online is kept too.
        page.goto(f"{served}/en/stories/paspor-ditahan/")
        assert page.locator("article h1").inner_text() == "The Passport They Kept"
        context.set_offline(True)
        page.goto(f"{served}/en/guides/mengurus-paspor/")
        page.reload()
        assert page.locator("article h1").first.inner_text() == "Getting your own passport"
        assert page.evaluate("getComputedStyle(document.querySelector('.ballata-header'))"
                             ".backgroundColor") != "rgba(0, 0, 0, 0)"  # the style sheets were kept too
        page.goto(f"{served}/guides/daftar-migrasi-aman/")   # never opened: a guide is kept
        assert page.get_attribute("html", "lang") == "id"
        assert page.locator("article h1").first.inner_text() != "Anda sedang tidak terhubung ke internet"
        page.goto(f"{served}/en/stories/paspor-ditahan/")
        assert page.locator("article h1").inner_text() == "The Passport They Kept"
        page.goto(f"{served}/en/stories/gaji-tertunda/")      # never opened: the offline page
        assert page.locator("article h1").inner_text() == "You are offline"
        assert page.get_attribute("html", "lang") == "en"
        page.goto(f"{served}/stories/gaji-tertunda/")
        assert page.locator("article h1").inner_text() == "Anda sedang tidak terhubung ke internet"
        page.locator("article a", has_text="Beranda").click()
        assert page.url == f"{served}/"
    finally:
        context.close()
    assert all(url.startswith(served) for url in requests), [u for u in requests
                                                               if not u.startswith(served)]


# The offline bundle ------------------------------------------------------------------------------
def test_the_build_says_how_big_each_bundle_is(tmp_path, run):
    root = copy_project(tmp_path)
    result = run("build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    for lang in ("id", "en"):
        assert re.search(rf"Offline bundle: .*ballata-migran-{lang}\.zip \(\d+(\.\d)? [kM]B\)",
                         result.out)


def test_bundles_hold_one_language_and_repeat_exactly(built, tmp_path):
    offline = built / "build" / "offline"
    assert sorted(p.name for p in offline.iterdir()) == ["ballata-migran-en.zip",
                                                         "ballata-migran-id.zip"]
    with zipfile.ZipFile(offline / "ballata-migran-en.zip") as archive:
        names = archive.namelist()
    assert all(n.startswith("ballata-migran-en/") for n in names)
    pages = [n for n in names if n.endswith(".html")]
    assert all(n.startswith("ballata-migran-en/en/") for n in pages if n.count("/") > 1)
    assert "ballata-migran-en/en/stories/paspor-ditahan/index.html" in names
    assert "ballata-migran-en/downloads/guides/mengurus-paspor-en.pdf" in names
    # Made before the website, the PDFs are still in the staged site the bundles are made from.
    assert "ballata-migran-en/downloads/2026-dari-bulukumba-en.pdf" in names
    assert not any("pagefind" in n or n.endswith(("sw.js", ".webmanifest")) for n in names)
    with zipfile.ZipFile(offline / "ballata-migran-id.zip") as archive:
        assert not any(n.startswith("ballata-migran-id/en/") for n in archive.namelist())
    again = copy_project(tmp_path)
    assert main(["build", "--root", str(again), "--date", BUILD_DATE]) == 0
    for bundle in offline.iterdir():
        assert (again / "build" / "offline" / bundle.name).read_bytes() == bundle.read_bytes()


@pytest.mark.parametrize("lang, story, guide", [
    ("id", "Paspor yang Ditahan", "Mengurus paspor sendiri"),
    ("en", "The Passport They Kept", "Getting your own passport")])
def test_the_bundle_opens_from_the_file_system(chromium, built, tmp_path, lang, story, guide):
    with zipfile.ZipFile(built / "build" / "offline" / f"ballata-migran-{lang}.zip") as archive:
        archive.extractall(tmp_path)
    start = (tmp_path / f"ballata-migran-{lang}" / "index.html").as_uri()
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_offline(True)
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page.goto(start)
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == lang
        page.locator("nav.ballata-nav a", has_text="Cerita" if lang == "id" else "Stories").click()
        page.wait_for_url("**/stories/index.html")
        page.locator("article a", has_text=story).first.click()
        page.wait_for_url("**/stories/paspor-ditahan/index.html")
        assert page.url.startswith("file://") and page.url.endswith("/stories/paspor-ditahan/index.html")
        assert page.locator("article h1").inner_text() == story
        assert page.evaluate("document.querySelector('article img').naturalWidth") > 0
        page.locator("nav.ballata-nav a", has_text="Panduan" if lang == "id" else "Guides").click()
        page.wait_for_url("**/guides/index.html")
        page.locator("article a", has_text=guide).first.click()
        page.wait_for_url("**/guides/mengurus-paspor/index.html")
        assert page.url.endswith("/guides/mengurus-paspor/index.html")
        assert page.locator("article h1").first.inner_text() == guide
        # Search cannot run from a file: its page lists every story and guide instead.
        page.locator("nav.ballata-nav a", has_text="Cari" if lang == "id" else "Search").click()
        page.wait_for_url("**/search/index.html")
        assert page.locator("article a", has_text=story).count() == 1
        assert page.locator("article a", has_text=guide).count() == 1
    finally:
        context.close()
    assert [url for url in failed if url.startswith("file:")] == []
