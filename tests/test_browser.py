"""The built sample in a real browser: Debian's Chromium driven by Playwright, on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ARTIFACTS, BUILD_DATE, REPO, copy_project
from site_helpers import serve
from ballata.cli import main

playwright = pytest.importorskip("playwright.sync_api", reason="install the test extras: make test")
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ARTIFACTS / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {  # name -> path, in Indonesian; English is under /en/
    "home": "", "story": "stories/paspor-ditahan/", "guide": "guides/mengurus-paspor/",
    "statistics": "statistics/pekerja-migran/", "stories": "stories/",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("browser"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    with serve(root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "Debian's Chromium is missing: run `make test`, which installs it"
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 800}, accept_downloads=True)
    tab = context.new_page()
    tab.requests = []  # type: ignore[attr-defined]
    tab.on("request", lambda request: tab.requests.append(request.url))  # type: ignore[attr-defined]
    yield tab
    context.close()


@pytest.mark.parametrize("prefix, lang, heading", [("", "id", "Balla'ta Migran"),
                                                  ("en/", "en", "Balla'ta Migran")])
def test_home_in_both_languages(page, base, prefix, lang, heading):
    page.goto(f"{base}/{prefix}")
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("article h1").first.inner_text() == heading
    label = "Cerita" if lang == "id" else "Stories"
    assert page.locator(f"nav.md-nav--primary a:text-is('{label}')").count() == 1


def test_language_switch_by_keyboard_lands_on_the_same_story(page, base):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/stories/paspor-ditahan/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    else:
        pytest.fail("the English link of the language switcher is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/en/stories/paspor-ditahan/")
    assert page.locator("article h1").inner_text() == "The Passport They Kept"
    assert page.get_attribute("html", "lang") == "en"


def test_switch_from_a_story_not_in_english_leads_to_the_english_home(page, base):
    page.goto(f"{base}/stories/sekolah-di-ladang/")
    page.locator("a.md-select__link[hreflang='en']").dispatch_event("click")
    page.wait_for_url(f"{base}/en/")


def test_images_have_alt_text_in_the_page_language(page, base):
    page.goto(f"{base}/en/stories/paspor-ditahan/")
    assert page.locator("article img").get_attribute("alt") == "Hands holding an oil-palm seedling"
    page.goto(f"{base}/stories/paspor-ditahan/")
    assert page.locator("article img").get_attribute("alt") == "Tangan memegang bibit sawit"


def test_guide_handout_downloads(page, base, tmp_path):
    page.goto(f"{base}/en/guides/mengurus-paspor/")
    with page.expect_download() as download:
        page.get_by_text("Download this guide (PDF)").click()
    saved = tmp_path / "handout.pdf"
    download.value.save_as(saved)
    from pypdf import PdfReader

    assert "Getting your own passport" in PdfReader(saved).pages[0].extract_text()


def test_statistics_page_shows_the_chart(page, base):
    page.goto(f"{base}/en/statistics/pekerja-migran/")
    chart = page.locator("svg[role='img']")
    box = chart.bounding_box()
    assert box and box["width"] > 250 and box["height"] > 150
    assert "Village A" in chart.inner_html()


def test_every_request_stays_on_this_machine(page, base):
    for path in list(PAGES.values()) + ["search/?q=pulang"]:
        for prefix in ("", "en/"):
            page.goto(f"{base}/{prefix}{path}")
            page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}


@pytest.mark.parametrize("name", ["home", "story", "guide", "statistics"])
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_no_serious_accessibility_violations(page, base, name, prefix):
    assert AXE.exists(), "axe-core is missing: run `make test`, which installs it with npm ci"
    page.goto(f"{base}/{prefix}{PAGES[name]}")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)" for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("name", ["home", "story"])
def test_screenshots_for_people_to_look_at(page, base, width, prefix, name):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base}/{prefix}{PAGES[name]}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"{name}-{prefix.strip('/') or 'id'}-{width}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
