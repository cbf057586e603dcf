"""Mobile Lighthouse scores of the sample site, served on 127.0.0.1 (a script, not a test).

Run: .venv/bin/python scripts/bench/lighthouse.py      (after `make test` has run `npm ci`)
Writes build/lighthouse/<page>.json and prints performance, accessibility, best practices and SEO
for the home page and a story page in both languages; the target is at least 95 in each.
Lighthouse is pinned to 12.2.3 (13 needs Node 22) and drives Debian's Chromium.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from conftest import copy_project  # noqa: E402
from site_helpers import serve  # noqa: E402

PAGES = {"home-id": "", "home-en": "en/", "story-id": "stories/paspor-ditahan/",
         "story-en": "en/stories/paspor-ditahan/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def main() -> None:
    from ballata.cli import main as ballata

    root = copy_project(Path(tempfile.mkdtemp(prefix="ballata-lh-")))
    assert ballata(["build", "--allow-placeholders", "--root", str(root), "--date", "2026-11-26"]) == 0
    out = REPO / "build" / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    lighthouse = REPO / "node_modules" / ".bin" / "lighthouse"
    with serve(root / "site") as base:
        for name, path in PAGES.items():
            report = out / f"{name}.json"
            subprocess.run([str(lighthouse), f"{base}/{path}", "--quiet", "--output=json",
                            f"--output-path={report}", "--chrome-path=/usr/bin/chromium",
                            "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
                            "--disable-background-networking --disable-component-update",
                            f"--only-categories={','.join(CATEGORIES)}"], check=True)
            scores = json.loads(report.read_text())["categories"]
            print(f"{name:10} " + "  ".join(f"{c}: {round(scores[c]['score'] * 100)}"
                                            for c in CATEGORIES))


if __name__ == "__main__":
    main()
