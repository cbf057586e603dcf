"""Website benchmark: `ballata build --no-pdf` against a bare Material build of the same corpus.

Run: .venv/bin/python scripts/bench/site_bench.py [--stories 300] [--runs 3]
Reports the time ratio (target <= 1.15), the output audit's share of the build (timed on its own on
the built site), a story page's HTML size (target <= 40 KB), its weight with CSS and JS gzipped
(target <= 60 KB), and what one search downloads (target <= 150 KB gzipped).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from corpus import bare_material_docs, make_corpus  # noqa: E402

BIN = Path(sys.executable).parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1795651200")


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def gz(data: bytes) -> int:
    return len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))


def page_weight(site: Path, page: Path) -> tuple[int, int]:
    """(HTML bytes, HTML + its CSS and JS, gzipped): what a first visit costs without images."""
    html = page.read_bytes()
    total = gz(html)
    for ref in re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html):
        asset = (page.parent / ref.decode()).resolve()
        if asset.is_file():
            total += gz(asset.read_bytes())
    return len(html), total


def search_download(site: Path, query: str) -> int:
    """Bytes (gzipped as served) a phone downloads for one search, recorded in Chromium."""
    from playwright.sync_api import sync_playwright
    from site_helpers import serve

    sizes: dict[str, int] = {}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        page = browser.new_page()
        page.goto(f"{base}/search/")
        page.on("response", lambda r: sizes.__setitem__(r.url, gz(r.body())) if r.ok else None)
        page.fill(".pagefind-ui__search-input", query)
        page.wait_for_selector(".pagefind-ui__result-link", timeout=20_000)
        page.wait_for_timeout(1500)
        browser.close()
    return sum(sizes.values())


def audit_time(project: Path, runs: int) -> tuple[float, int]:
    """Median seconds of the output audit of the built site, and how many findings it made."""
    import datetime as dt

    from ballata import audit
    from ballata.build import gather

    ps = gather(project, dt.date(2026, 11, 26)).publish_set
    times, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        found = len(audit.audit_site(ps, project / "site"))
        times.append(time.perf_counter() - start)
    return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ballata-bench-"))
    project = make_corpus(work / "project", args.stories)
    bare = bare_material_docs(project, work / "bare")
    ours, theirs = [], []
    for _ in range(args.runs):
        theirs.append(timed([str(BIN / "mkdocs"), "build", "-q"], bare))
        ours.append(timed([str(BIN / "ballata"), "build", "--no-pdf", "--date", "2026-11-26"], project))
    t_ours, t_bare = statistics.median(ours), statistics.median(theirs)
    site = project / "site"
    t_audit, findings = audit_time(project, args.runs)
    story = site / "stories" / "cerita-contoh-0000" / "index.html"
    html_size, weight = page_weight(site, story)
    bare_html, bare_weight = page_weight(bare / "site", bare / "site" / "stories" / "cerita-contoh-0000" / "index.html")
    print(f"corpus: {args.stories} stories x 2 languages, median of {args.runs} runs")
    print(f"ballata build --no-pdf: {t_ours:.2f} s   bare Material: {t_bare:.2f} s   "
          f"ratio {t_ours / t_bare:.2f} (target <= 1.15)")
    print(f"output audit of site/: {t_audit:.2f} s, {100 * t_audit / t_ours:.0f}% of the ballata build "
          f"({findings} finding(s); {sum(1 for p in site.rglob('*') if p.is_file())} files)")
    print(f"story page HTML: {html_size / 1024:.1f} KB (target <= 40)   bare: {bare_html / 1024:.1f} KB")
    print(f"story page + CSS + JS, gzipped: {weight / 1024:.1f} KB (target <= 60)   "
          f"bare: {bare_weight / 1024:.1f} KB (+ Google Fonts)")
    print(f"one search ('pulang'): {search_download(site, 'pulang') / 1024:.1f} KB gzipped "
          f"(target <= 150)")


if __name__ == "__main__":
    main()
