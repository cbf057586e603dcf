"""Zine benchmark: the pipeline's print PDF against WeasyPrint alone on the same final HTML.

Run: .venv/bin/python scripts/bench/zine_bench.py [--stories 100]
Reports, for the sample edition and a generated edition: time ratio (target <= 1.10), pages per
second, and peak memory of each run (target < 600 MB for about 400 pages). Each measurement runs in
its own process so that memory peaks do not mix.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

EDITION = "2026-dari-bulukumba"


def measure(mode: str, project: Path, out: Path) -> dict:
    """Run one measurement in a fresh process; returns seconds, pages and peak memory."""
    code = f"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
from ballata.build import gather
from ballata.zine.fetcher import VIRTUAL_ROOT, SealedFetcher
from ballata.zine.render import Renderer, Job, run_job, PRINT_DPI
g = gather(Path({str(project)!r}), dt.date(2026, 11, 26))
r = Renderer(g.public, Path({str(out)!r}))
content = next(c for c in g.public.editions if c.edition.slug == {EDITION!r})
edition = content.edition
base = VIRTUAL_ROOT + edition.folder + "/"
start = time.perf_counter()
if {mode!r} == "pipeline":
    html = r.edition_html(edition, "id", content.print["id"], PRINT_DPI)
    css = (r.font_css, r.css, r._page_css(edition.page_size, edition.bleed_mm, edition.crop_marks))
    job = Job("id print", html, base, css, str(Path({str(out)!r}, "ours.pdf")), r._take_resources(),
              dict(pdf_variant="pdf/x-4", output_intent="srgb", dpi=PRINT_DPI, jpeg_quality=92),
              pad_to_four=True)
    label, pages, refused = run_job(job)
else:
    html = r.edition_html(edition, "id", content.print["id"], PRINT_DPI)
    fetcher = SealedFetcher(r._take_resources())
    Path({str(out)!r}, "final.html").write_text(html)
    css = (r.font_css, r.css, r._page_css(edition.page_size, edition.bleed_mm, edition.crop_marks))
    from weasyprint import CSS, HTML
    start = time.perf_counter()
    doc = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=c, url_fetcher=fetcher, base_url=base) for c in css])
    doc.write_pdf(Path({str(out)!r}, "direct.pdf"), pdf_variant="pdf/x-4", output_intent="srgb",
                  dpi=PRINT_DPI, jpeg_quality=92)
    pages = len(doc.pages)
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "pages": pages,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(name: str, project: Path) -> None:
    with tempfile.TemporaryDirectory() as out:
        ours = measure("pipeline", project, Path(out))
        direct = measure("direct", project, Path(out))
    print(f"{name}: {ours['pages']} A5 pages")
    print(f"  pipeline (Markdown, images, chart, HTML, layout, padding, PDF/X-4): {ours['seconds']:.2f} s, "
          f"{ours['pages'] / ours['seconds']:.1f} pages/s, peak {ours['peak_mb']:.0f} MB")
    print(f"  WeasyPrint alone on the same HTML: {direct['seconds']:.2f} s, "
          f"{direct['pages'] / direct['seconds']:.1f} pages/s, peak {direct['peak_mb']:.0f} MB")
    print(f"  ratio {ours['seconds'] / direct['seconds']:.2f} (target <= 1.10)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    args = parser.parse_args()
    report("sample edition", Path(__file__).resolve().parents[2])
    work = Path(tempfile.mkdtemp(prefix="ballata-zine-bench-"))
    report(f"generated edition ({args.stories} stories)", make_corpus(work / "p", args.stories))


if __name__ == "__main__":
    main()
