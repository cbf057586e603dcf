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
KINDS = {  # one page of every kind the site has, for the accessibility and layout checks
    **PAGES, "checklist": "guides/daftar-migrasi-aman/", "topic": "stories/tags/documents/",
    "section": "guides/", "about": "about/", "search": "search/", "404": "404.html",
}


def address(prefix: str, name: str) -> str:
    """The site path of a kind of page in a language: the one 404 page serves every language."""
    return "404.html" if name == "404" else prefix + KINDS[name]


WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
    assert page.locator(f".ballata-menu__panel a:text-is('{label}')").count() == 1


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


def test_switch_from_a_story_not_in_english_says_so_and_leads_to_the_english_home(page, base):
    page.goto(f"{base}/stories/sekolah-di-ladang/")
    switch = page.locator(".ballata-langs a[hreflang='en']")
    assert switch.inner_text() == "English"
    note = page.locator("#" + switch.get_attribute("aria-describedby"))
    assert note.is_visible() and "tidak tersedia dalam English" in note.inner_text()
    switch.click()
    page.wait_for_url(f"{base}/en/")


def test_language_switch_names_languages_and_keeps_the_topic(page, base):
    page.goto(f"{base}/stories/tags/documents/")
    switch = page.locator(".ballata-langs a[hreflang='en']")
    assert switch.inner_text() == "English" and switch.get_attribute("aria-describedby") is None
    switch.click()
    page.wait_for_url(f"{base}/en/stories/tags/documents/")
    assert page.locator(".ballata-langs a").inner_text() == "Bahasa Indonesia"


def test_images_have_alt_text_in_the_page_language(page, base):
    page.goto(f"{base}/en/stories/paspor-ditahan/")
    assert page.locator("article img[src*=tangan]").first.get_attribute("alt") == "Hands holding an oil-palm seedling"
    page.goto(f"{base}/stories/paspor-ditahan/")
    assert page.locator("article img[src*=tangan]").first.get_attribute("alt") == "Tangan memegang bibit sawit"


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


def axe_violations(page, tags: list[str] | None = None) -> list[str]:
    assert AXE.exists(), "axe-core is missing: run `make test`, which installs it with npm ci"
    page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": tags}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_no_wcag_2_aa_violations_on_any_kind_of_page(page, base, name, prefix, width):
    """axe-core's WCAG 2.0/2.1/2.2 A and AA rules: zero violations of any impact."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base}/{address(prefix, name)}")
    assert axe_violations(page, WCAG) == []


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("name", ["home", "story", "stories", "statistics"])
def test_no_serious_accessibility_violations(page, base, name, prefix):
    """Every axe rule, best practices included: nothing serious or critical."""
    page.goto(f"{base}/{prefix}{PAGES[name]}")
    assert [v for v in axe_violations(page) if "(serious)" in v or "(critical)" in v] == []


@pytest.mark.parametrize("width", [320, 360])
def test_no_horizontal_scroll_on_a_phone(page, base, width):
    page.set_viewport_size({"width": width, "height": 640})
    for name in KINDS:
        for prefix in ("", "en/"):
            page.goto(f"{base}/{address(prefix, name)}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, prefix)
            page.locator(".ballata-menu__button").click()
            panel = page.locator(".ballata-menu__panel").bounding_box()
            assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= width, (name, prefix)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, prefix)


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_header_keeps_the_site_name_language_and_menu_on_one_row(page, base, width, prefix):
    """'Bahasa Indonesia' on English pages once pushed the menu button to a second row."""
    page.set_viewport_size({"width": width, "height": 640})
    names = {"": "English", "en/": "Bahasa Indonesia"}
    for name in ("home", "story"):
        page.goto(f"{base}/{prefix}{PAGES[name]}")
        link = page.locator(".ballata-langs a")
        # The whole name stays the link's text, in its own language, wrapped at most.
        assert " ".join(link.inner_text().split()) == names[prefix], (name, prefix)
        assert link.get_attribute("lang") == ("en" if prefix == "" else "id")
        boxes = [page.locator(selector).bounding_box() for selector in
                 (".ballata-brand", ".ballata-langs a", ".ballata-menu__button")]
        assert all(boxes), (name, prefix)
        brand, lang, menu = boxes
        assert brand["x"] + brand["width"] <= lang["x"] < lang["x"] + lang["width"] <= menu["x"]
        assert menu["x"] + menu["width"] <= width
        for box in (brand, lang):  # one row: every box overlaps the menu button's height
            assert box["y"] < menu["y"] + menu["height"] and menu["y"] < box["y"] + box["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, prefix)


@pytest.mark.parametrize("prefix, label", [("", "Menu"), ("en/", "Menu")])
def test_menu_button_takes_focus_says_what_it_is_and_opens(page, base, prefix, label):
    page.goto(f"{base}/{prefix}stories/paspor-ditahan/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ballata-skip"
    assert page.locator(".ballata-skip").is_visible()
    # A <summary>: focusable and announced as a button with its state by browsers, no script.
    button = page.locator("details.ballata-menu > summary")
    assert button.inner_text().strip() == label
    button.focus()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert page.locator("details.ballata-menu[open]").count() == 0
    page.keyboard.press("Enter")
    assert page.locator("details.ballata-menu[open]").count() == 1
    link = page.locator(".ballata-menu__panel a").first
    assert link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.ballata-menu__panel') !== null")


def test_skip_link_on_every_kind_of_page_leads_to_the_text(page, base):
    for path in KINDS.values():
        page.goto(f"{base}/{path}")
        skip = page.locator("a.ballata-skip")
        assert skip.count() == 1 and skip.get_attribute("href") == "#ballata-main", path
        assert page.locator("#ballata-main").count() == 1, path


@pytest.mark.parametrize("width, height", [(360, 740), (640, 400)])  # a phone; 1280 px at 200 %
def test_focus_is_always_visible_and_on_screen(page, base, width, height):
    page.set_viewport_size({"width": width, "height": height})
    for path in ("", "stories/paspor-ditahan/", "guides/daftar-migrasi-aman/",
                 "statistics/pekerja-migran/"):
        page.goto(f"{base}/{path}")
        seen = 0
        for _ in range(60):
            page.keyboard.press("Tab")
            state = page.evaluate("""() => {
                const e = document.activeElement;
                if (!e || e === document.body) return null;
                const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                const card = e.closest('.ballata-card');
                const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
                    || (card && getComputedStyle(card).outlineStyle !== 'none');
                return {what: e.outerHTML.slice(0, 80), left: r.left, right: r.right,
                        top: r.top, bottom: r.bottom, ring: ring,
                        visible: r.width > 0 && r.height > 0};
            }""")
            if state is None:
                break
            seen += 1
            assert state["visible"] and state["ring"], (path, state)
            assert state["left"] >= 0 and state["right"] <= width + 1, (path, state)
            assert state["bottom"] > 0 and state["top"] < height, (path, state)
        assert seen > 5, path


def test_story_without_english_is_not_offered_as_english_by_hreflang(page, base):
    page.goto(f"{base}/stories/sekolah-di-ladang/")
    assert page.locator("link[rel=alternate][hreflang=en]").count() == 0


def test_chart_labels_read_on_a_phone_and_the_total_stays_in_view(page, base):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/statistics/pekerja-migran/")
    sizes = page.evaluate("""[...document.querySelectorAll('.ballata-chart svg text')]
        .map(t => t.getBoundingClientRect().height).filter(h => h > 0)""")
    assert sizes and min(sizes) >= 12, sizes
    total = page.locator(".ballata-table thead th").last.bounding_box()
    assert total and total["x"] + total["width"] <= 360


def test_checklist_is_a_list_without_checkboxes_and_hotlines_can_be_called(page, base):
    page.goto(f"{base}/guides/daftar-migrasi-aman/")
    assert page.locator("article input").count() == 0
    assert page.locator(".ballata-checklist li").count() == 6
    assert page.locator("a[href^='tel:']").count() >= 2


def test_material_rules_do_not_win_over_ours(page, base):
    """The site's own stylesheet applies: cards without bullets, numbers right-aligned, its fonts."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/stories/")
    assert page.evaluate("getComputedStyle(document.querySelector('.ballata-card')).listStyleType") == "none"
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.goto(f"{base}/statistics/pekerja-migran/")
    assert page.evaluate("getComputedStyle(document.querySelector('.ballata-table td')).textAlign") == "right"
    sheets = page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
    assert [urlsplit(h).path for h in sheets] == ["/assets/ballata.css"]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_screenshots_for_people_to_look_at(page, base, width, prefix, name):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base}/{prefix}{PAGES[name]}")
    # Lazy pictures below the fold would be blank in a full-page picture: load them first.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"{name}-{prefix.strip('/') or 'id'}-{width}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
