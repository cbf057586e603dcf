"""Issue 11's attacks in a real browser: with the source check switched off, every attack reaches
the renderers; the allowlist's last line of defence and the escaping templates must contain them.
Every page of the built site is opened in Chromium: no dialog, no request to another host."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import BUILD_DATE, copy_project
from site_helpers import serve
from test_sanitize import ATTACK_IDS, TITLE_ATTACK, write_attack_pages, write_text_attacks
from ballata import sanitize
from ballata.cli import main

playwright = pytest.importorskip("playwright.sync_api", reason="install the test extras: make test")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("attacks-browser"))
    write_text_attacks(root)
    write_attack_pages(root)
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(err):
        # As if the source check had a hole: what the renderers do must hold on its own.
        patch.setattr(sanitize, "check", lambda text, problems: None)
        code = main(["build", "--root", str(root), "--date", BUILD_DATE, "--no-pdf",
                     "--exclude-invalid"])
    assert code == 0, err.getvalue()
    # Attacks that name a local file are also refused by the link check, so left out.
    for name in ATTACK_IDS:
        if not (root / "site" / "guides" / f"serangan-{name}").exists():
            assert f"serangan-{name}/index.id.md:" in err.getvalue()
            assert ": link: " in err.getvalue().split(f"serangan-{name}/index.id.md:", 1)[1].split("\n")[0]
    return root / "site"


def test_no_page_runs_code_or_contacts_another_host(site):
    assert CHROMIUM.exists(), "Debian's Chromium is missing: run `make test`, which installs it"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    attacked = {name for name in ATTACK_IDS if f"guides/serangan-{name}/index.html" in pages}
    assert len(attacked) >= len(ATTACK_IDS) - 8, sorted(set(ATTACK_IDS) - attacked)
    dialogs: list[str] = []
    hijacked: list[str] = []
    requests: list[str] = []
    with serve(site) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})

        def route(r):
            requests.append(r.request.url)
            if urlsplit(r.request.url).hostname == "127.0.0.1":
                r.continue_()
            else:
                r.abort()  # never let a test reach the network

        context.route("**/*", route)
        tab = context.new_page()
        tab.on("dialog", lambda d: (dialogs.append(f"{tab.url}: {d.message}"), d.dismiss()))
        for page in pages:
            address = f"{base}/{page.removesuffix('index.html')}"
            try:
                tab.goto(address, wait_until="load")
                tab.mouse.move(200, 300)  # for onmouseover= and friends
                tab.keyboard.press("Tab")  # for onfocus=
                tab.wait_for_timeout(30)
            except playwright.Error as exc:  # a refresh or a script took the page elsewhere
                hijacked.append(f"{page}: {exc.message.splitlines()[0]}")
            if tab.url != address:
                hijacked.append(f"{page}: ended at {tab.url}")
        # The search page renders titles from the index with Pagefind's script.
        tab.goto(f"{base}/search/?q=Paspor", wait_until="load")
        tab.wait_for_selector(".pagefind-ui__result", timeout=10_000)
        tab.wait_for_timeout(200)
        found = tab.inner_text("#ballata-search")
        browser.close()
    assert dialogs == []
    assert hijacked == []
    assert TITLE_ATTACK in found  # shown as the text it is
    hosts = {urlsplit(url).hostname for url in requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requests if "127.0.0.1" not in u)
