"""`ballata serve`: the live preview goes through the same gate as the build, and adds the
editors' desk, withheld pages with their reason, drafts marked as drafts and a page of source
errors, none of which a build ever writes."""

from __future__ import annotations

import html
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import BUILD_DATE, copy_project
from ballata.cli import main

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """Status and text of a page as a reader sees it (character references read); a preview
    that hangs fails the test through the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, html.unescape(response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        return exc.code, html.unescape(exc.read().decode("utf-8", "replace"))


@contextmanager
def serving(root: Path, *options: str) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "ballata.cli", "serve", "--root", str(root),
                               "--dev-addr", f"127.0.0.1:{port}", *options], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if fetch(base + "/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, "the preview did not start"
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_for(base: str, path: str, words: str, seconds: float = 40) -> str:
    """The page once the preview has rebuilt after a change of the sources."""
    deadline = time.monotonic() + seconds
    while True:
        status, text = fetch(base + path)
        if status == 200 and words in text:
            return text
        assert time.monotonic() < deadline, f"{path} never showed {words!r}: {status} {text[:500]}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Iterator[str]:
    root = copy_project(tmp_path_factory.mktemp("serve"))
    with serving(root) as base:
        yield base


def test_serve_previews_through_the_gate(preview):
    status, page = fetch(preview + "/stories/jalan-pulang/")
    assert status == 200 and "Jalan Pulang" in page and "DRAFT" not in page
    assert fetch(preview + "/stories/no-such-story/")[0] == 404


def test_the_desk_lists_every_version_with_reason_and_command(preview):
    status, desk = fetch(preview + "/_desk/")
    assert status == 200 and "Editors' desk" in desk
    for words in ("ballata consent approve sekolah-di-ladang en",
                  "ballata consent approve hujan-di-keningau en",
                  "ballata consent set anak-di-kampung --status given",
                  "Nothing: she withdrew her consent.", "expired", "no consent for web",
                  "kontrak-lama", "Expired: kontrak-lama (2026-01-15)", "Waiting for her consent: anak-di-kampung",
                  "Stale (the source changed"):
        assert words in " ".join(desk.replace("<strong>", "").replace("</strong>", "").split()), words


def test_serve_date_previews_the_site_as_a_build_of_that_day_would_be(tmp_path, run):
    """kontrak-lama's consent expires on 2026-01-15: on the last day of 2025 it is published."""
    root = copy_project(tmp_path)
    with serving(root, "--date", "2025-12-31") as base:
        status, page = fetch(base + "/en/stories/kontrak-lama/")
        assert status == 200 and "EXPIRED-CANARY" in page and "Not published." not in page
        status, desk = fetch(base + "/_desk/")
        assert status == 200 and "Expired: kontrak-lama" not in desk
    result = run("serve", "--root", str(root), "--date", "31/12/2025")
    assert result.code == 2 and "--date expects a date like 2025-06-14" in result.err


def test_the_preview_sitemap_lists_no_desk_and_no_withheld_page(preview):
    status, sitemap = fetch(preview + "/sitemap.xml")
    assert status == 200 and "/stories/jalan-pulang/</loc>" in sitemap
    for path in ("/_desk/", "/stories/pulang-tanpa-dokumen/", "/en/stories/kontrak-lama/",
                 "/offline/", "/404.html"):
        assert path + "</loc>" not in sitemap, path


@pytest.mark.parametrize("path, reason, canary", [
    ("/stories/pulang-tanpa-dokumen/", "withdrawn", "KANARI-DITARIK"),
    ("/en/stories/kontrak-lama/", "expired", "EXPIRED-CANARY"),
    ("/stories/surat-dari-tawau/", "no consent for web", "Surat dari Tawau"),
])
def test_a_withheld_page_shows_its_reason_not_its_text(path, reason, canary, preview):
    status, page = fetch(preview + path)
    assert status == 200
    assert "Not published." in page and f"Why: <strong>{reason}</strong>" in page
    assert canary not in page


@pytest.mark.parametrize("path, words, command", [
    ("/en/stories/sekolah-di-ladang/", "NOT-APPROVED-CANARY",
     "ballata consent approve sekolah-di-ladang en"),
    ("/en/stories/hujan-di-keningau/", "EDITED-CANARY", "ballata consent approve hujan-di-keningau en"),
    ("/stories/anak-di-kampung/", "KANARI-TERTUNDA", "ballata consent set anak-di-kampung"),
])
def test_a_draft_is_previewed_with_a_band(path, words, command, preview):
    status, page = fetch(preview + path)
    assert status == 200
    assert "DRAFT — not published" in page and words in page and command in page
    assert "Published with the narrator's consent" not in page


def test_a_build_writes_no_desk_no_draft_and_no_withheld_page(tmp_path):
    root = copy_project(tmp_path)
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    site = root / "site"
    assert not (site / "_desk").exists()
    for page in ("en/stories/sekolah-di-ladang", "stories/anak-di-kampung",
                 "stories/pulang-tanpa-dokumen", "en/stories/kontrak-lama"):
        assert not (site / page).exists(), page
    assert not [p for p in site.rglob("*.html") if "DRAFT" in p.read_text(errors="replace")
                or "Editors' desk" in p.read_text(errors="replace")]


def test_plain_mkdocs_build_writes_no_desk(tmp_path):
    root = copy_project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "out")],
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not (root / "out" / "_desk").exists()
    assert not (root / "out" / "stories" / "anak-di-kampung").exists()


def test_source_errors_are_a_page_at_every_address_never_a_hanging_tab(tmp_path):
    root = copy_project(tmp_path)
    yml = root / "stories" / "jalan-pulang" / "story.yml"
    good = yml.read_text()
    line = good.splitlines().index("  status: given") + 1
    yml.write_text(good.replace("status: given", "status: yes"))
    with serving(root) as base:
        for path in ("/", "/stories/jalan-pulang/", "/en/no/such/page/", "/_desk/"):
            status, page = fetch(base + path)
            assert status == 200, path
            assert "The preview cannot be built" in page
            assert (f"stories/jalan-pulang/story.yml:{line}</code> expected one of given, pending, "
                    "withdrawn; got true") in page
            assert "TIP " in page
        yml.write_text(good)
        wait_for(base, "/stories/jalan-pulang/", "Jalan Pulang")
        assert "The preview cannot be built" not in fetch(base + "/")[1]


def test_a_template_broken_while_serving_is_a_page_never_a_hanging_tab(tmp_path):
    root = copy_project(tmp_path)
    template = root / "theme" / "overrides" / "partials" / "ballata-story.html"
    good = template.read_text(encoding="utf-8")
    with serving(root) as base:
        template.write_text(good + "{% if %}\n", encoding="utf-8")
        line = good.count("\n") + 1
        page = wait_for(base, "/stories/jalan-pulang/", "The preview cannot be built")
        assert (f"theme/overrides/partials/ballata-story.html:{line}</code> a template could not be "
                "used: Expected an expression") in page
        assert "TIP Fix the template" in page and "livereload" in page  # reloads by itself
        template.write_text(good, encoding="utf-8")
        wait_for(base, "/stories/jalan-pulang/", "Jalan Pulang")


def test_a_template_broken_before_serving_is_an_error_naming_file_and_line(tmp_path):
    root = copy_project(tmp_path)
    template = root / "theme" / "overrides" / "partials" / "ballata-story.html"
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "ballata.cli", "serve", "--root", str(root),
                             "--dev-addr", f"127.0.0.1:{free_port()}"], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "ERROR theme/overrides/partials/ballata-story.html:" in result.stderr
    assert "a template could not be used" in result.stderr
