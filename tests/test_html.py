"""Every page of the built sample through the Nu Html Checker (vnu.jar, pinned in package.json),
with the machine's Java: zero errors, not a threshold."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD_DATE, REPO, copy_project
from ballata.cli import main

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("html"))
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root / "site"


def nu_errors(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    assert java, "Java is missing: run `make test` (scripts/setup-system.sh --test installs it)"
    assert VNU.exists(), "vnu.jar is missing: run `make test`, which installs it with npm ci"
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                          *map(str, files)], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [f"{m['url'].rsplit('/site/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m["type"] in ("error", "non-document-error")]


def test_every_page_has_zero_nu_errors(site):
    pages = sorted(site.rglob("*.html"))
    kinds = {"index.html", "404.html", "stories/index.html", "stories/paspor-ditahan/index.html",
             "guides/daftar-migrasi-aman/index.html", "statistics/pekerja-migran/index.html",
             "search/index.html", "en/stories/tags/documents/index.html"}
    assert kinds <= {p.relative_to(site).as_posix() for p in pages}
    assert nu_errors(pages) == []


def test_the_checker_finds_errors(tmp_path):
    """The check can fail: a page with the faults the old theme had is refused."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="id"><head><title>x</title></head><body>'
                   '<input type="checkbox" autocomplete="off"><label aria-label="x">y</label>'
                   '</body></html>')
    assert len(nu_errors([bad])) >= 1
