"""Search in a real browser: Pagefind over the gated site, in Indonesian and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILD_DATE, copy_project
from test_cli import EXPECTED
from site_helpers import serve
from ballata.cli import main

playwright = pytest.importorskip("playwright.sync_api", reason="install the test extras: make test")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("search"))
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    with serve(root / "site") as base:
        yield base


@pytest.fixture(scope="module")
def page(site_url):
    assert CHROMIUM.exists(), "Debian's Chromium is missing: run `make test`, which installs it"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


SETTLED = """() => {
  const message = document.querySelector('.pagefind-ui__message');
  if (!message || message.textContent.includes('...')) return false;
  // The count shows first; each result's link appears once its fragment has loaded.
  return document.querySelectorAll('.pagefind-ui__result').length
      === document.querySelectorAll('.pagefind-ui__result-link').length;
}"""


def results(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_function(SETTLED, timeout=20_000)
    return [a.get_attribute("href") for a in page.query_selector_all(".pagefind-ui__result-link")]


@pytest.mark.parametrize("lang_prefix, query, expected", [
    ("", "pulang", "/stories/jalan-pulang/"),
    ("", "dipulangkan", "/stories/jalan-pulang/"),       # affixed form finds the root
    ("", "kepulangan", "/stories/jalan-pulang/"),
    ("", "paspor", "/guides/mengurus-paspor/"),
    ("en/", "passport", "/en/stories/paspor-ditahan/"),
    ("en/", "passports", "/en/stories/paspor-ditahan/"),
])
def test_search_finds_published_stories(page, site_url, lang_prefix, query, expected):
    found = results(page, f"{site_url}/{lang_prefix}search/?q={query}")
    assert expected in found
    assert all(href.startswith(f"/{lang_prefix}") for href in found)
    if lang_prefix == "":
        assert not any(href.startswith("/en/") for href in found)


@pytest.mark.parametrize("lang_prefix, query", [
    ("", "kapal"), ("en/", "boat"), ("en/", "midnight"),       # the withdrawn story's words
    ("en/", "fertiliser"),                                                   # English not approved
])
def test_search_never_finds_excluded_versions(page, site_url, lang_prefix, query):
    excluded = {f"/{'' if lang == 'id' else 'en/'}stories/{slug}/"
                for slug, (web, _, _) in EXPECTED.items() for lang in ("id", "en") if lang not in web}
    found = results(page, f"{site_url}/{lang_prefix}search/?q={query}")
    assert not set(found) & excluded
    assert not any("/stories/" in href for href in found)
