"""The sealed pipeline: the core orchestrates, renderers see only the public view, WeasyPrint loads
only what the core hands over, and every output folder reflects the last successful build."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import BUILD_DATE, REPO, copy_project

PACKAGE = REPO / "scripts" / "ballata"
ADAPTERS = ("ballata.site", "ballata.zine")
RENDERING_LIBRARIES = ("mkdocs", "weasyprint", "material")


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by one module of the package."""
    module = "ballata." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def core_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if p.relative_to(PACKAGE).parts[0] not in ("site", "zine", "cli.py")]


def test_the_core_imports_no_adapter_and_no_renderer():
    assert len(core_modules()) > 10
    for path in core_modules():
        bad = {name for name in _imports(path)
               if name.startswith(ADAPTERS) or name.split(".")[0] in RENDERING_LIBRARIES}
        assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_importing_the_core_loads_no_adapter():
    code = ("import sys, ballata.build, ballata.publish, ballata.audit, ballata.readers;"
            "bad = [m for m in sys.modules if m.startswith(('ballata.site', 'ballata.zine', 'mkdocs',"
            " 'weasyprint'))]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_renderers_receive_nothing_that_must_not_be_published():
    from ballata.publish import PublicView

    fields = set(PublicView.__dataclass_fields__)
    assert fields == {"config", "build_date", "stories", "pages", "datasets", "editions", "unlinked",
                      "recordings"}
    for name in ("secrets", "decisions", "invalid_stories", "all_stories", "problems"):
        assert not hasattr(PublicView, name)


def test_only_urls_formats_addresses():
    """One module makes every address: nothing else writes 'stories/…/' or 'downloads/…'.
    (Source paths such as stories/<slug>/story.yml are file names, not addresses.)"""
    pattern = re.compile(r"""f["'][^"']*(?:stories/\{[^}]+\}/["'{]|downloads/|key\}/table\.csv|search/["'])""")
    offenders = [p.relative_to(REPO).as_posix() for p in sorted(PACKAGE.rglob("*.py"))
                 if p.name != "urls.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


# --- WeasyPrint loads only what the core hands over ------------------------------------------

ATTACKS = {
    "attachment": '<a rel="attachment" href="../../../private/register.yml">lampiran</a>',
    "file-url": '<img src="file:///etc/hostname" alt="x">',
    "data-url": '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">',
    "escape": '<img src="../../../private/foto.jpg" alt="x">',
    "remote": '<img src="https://tracker.example.org/p.png" alt="x">',
    "css": '<p style="background: url(file:///etc/hostname)">x</p>',
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_sealed_fetcher_refuses_whatever_was_not_handed_over(name, tmp_path):
    from ballata.zine.fetcher import VIRTUAL_ROOT
    from ballata.zine.render import Job, run_job

    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "register.yml").write_text("rahasia: [Nama Asli]\n")
    out = tmp_path / "out.pdf"
    job = Job("attack", f"<html><body><p>Teks.</p>{ATTACKS[name]}</body></html>",
              f"{VIRTUAL_ROOT}content/zines/x/", (), str(out))
    label, pages, refused = run_job(job)
    assert refused, "WeasyPrint loaded something it was not handed"
    assert not out.exists()


def test_a_handed_over_picture_is_served(tmp_path):
    import io

    from PIL import Image

    from ballata.zine.fetcher import VIRTUAL_ROOT
    from ballata.zine.render import Job, run_job

    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    address = f"{VIRTUAL_ROOT}media/abc.png"
    out = tmp_path / "out.pdf"
    job = Job("picture", f'<img src="{address}" alt="merah">', f"{VIRTUAL_ROOT}x/", (), str(out),
              {address: picture.getvalue()})
    assert run_job(job)[2] == []
    assert out.is_file()


def test_an_attachment_that_gets_past_the_source_scan_stops_the_build(sample, run, monkeypatch):
    """Containment holds by construction: with the source scan and the cleaner switched off, the
    sealed fetcher still refuses, nothing is published, and the report names the PDF."""
    from ballata import sanitize

    monkeypatch.setattr(sanitize, "check", lambda text, problems: None)
    monkeypatch.setattr(sanitize, "clean", lambda html, **kwargs: html)
    (sample / "private").mkdir()
    (sample / "private" / "register.yml").write_text("paspor-ditahan:\n  real_names: [Wulandari Tenggarani]\n")
    intro = sample / "content" / "zines" / "2026-dari-bulukumba" / "intro.id.md"
    intro.write_text(intro.read_text() + '\n<a rel="attachment" href="../../../private/register.yml">'
                     "lampiran</a>\n")
    result = run("build", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert ("ERROR content/zines/2026-dari-bulukumba: the 2026-dari-bulukumba-id screen PDF tried to "
            "load 'https://ballata.example.org/private/register.yml', which the pipeline did not "
            "hand over") in result.err
    assert not (sample / "site").exists() and not (sample / "build" / "print").exists()


def test_no_pdf_carries_an_attachment(built_with_pdfs):
    pdfs = sorted(built_with_pdfs.rglob("*.pdf"))
    assert len(pdfs) >= 12
    for pdf in pdfs:
        root = PdfReader(pdf).trailer["/Root"]
        names = root.get("/Names", {})
        assert "/EmbeddedFiles" not in names, pdf


@pytest.fixture(scope="module")
def built_with_pdfs(tmp_path_factory):
    from ballata.cli import main

    root = copy_project(tmp_path_factory.mktemp("sealed"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root


# --- No stale outputs ---------------------------------------------------------------------

def withdraw(root: Path, slug: str) -> None:
    yml = root / "stories" / slug / "story.yml"
    text = yml.read_text()
    text = re.sub(r"status: given", "status: withdrawn", text, count=1)
    yml.write_text(text)


def test_a_no_pdf_build_removes_earlier_pdfs_and_takes_none_down(sample, run):
    assert run("build", "--root", str(sample), "--date", BUILD_DATE).code == 0
    assert sorted(p.name for p in (sample / "build" / "print").iterdir())
    withdraw(sample, "jalan-pulang")
    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert not (sample / "build" / "print").exists()
    assert not (sample / "site" / "downloads").exists()
    assert "removed the print PDFs of an earlier build" in result.err
    takedown = (sample / "build" / "takedown.md").read_text()
    gone, _, not_built = takedown.partition("## Not built this time")
    assert "https://ballata.example.org/stories/jalan-pulang/ (gone since" in gone
    assert ".pdf" not in gone and "downloads/" not in gone
    assert "https://ballata.example.org/downloads/2026-dari-bulukumba-id.pdf" in not_built
    assert "https://ballata.example.org/downloads/guides/mengurus-paspor-id-1.png" in not_built
    assert "Run a full build before uploading" in not_built
    # The next full build makes the PDFs again; they were never taken down.
    assert run("build", "--root", str(sample), "--date", BUILD_DATE).code == 0
    takedown = (sample / "build" / "takedown.md").read_text()
    assert "Not built this time" not in takedown and ".pdf" not in takedown
    assert "stories/jalan-pulang/ (gone since" in takedown
    assert (sample / "build" / "print" / "2026-dari-bulukumba-id-print.pdf").is_file()


def test_a_failed_build_leaves_site_and_print_as_they_were(sample, run):
    assert run("build", "--root", str(sample), "--date", BUILD_DATE).code == 0
    before = {p: p.read_bytes() for p in sorted((sample / "build" / "print").iterdir())}
    (sample / "stories" / "jalan-pulang" / "story.yml").write_text("consent: [\n")
    assert run("build", "--root", str(sample), "--date", BUILD_DATE).code == 1
    assert {p: p.read_bytes() for p in sorted((sample / "build" / "print").iterdir())} == before
    assert (sample / "site" / "stories" / "jalan-pulang" / "index.html").is_file()


# --- One configuration source, one root ---------------------------------------------------

def test_a_relative_root_is_resolved_once(tmp_path):
    project = tmp_path / "sub"
    project.mkdir()
    copy_project(project)
    result = subprocess.run([sys.executable, "-m", "ballata.cli", "build", "--no-pdf", "--root", "sub",
                             "--date", BUILD_DATE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "stories" / "jalan-pulang" / "index.html").is_file()
    assert (project / "build" / "report.json").is_file()
    assert not (project / "sub").exists()


def test_site_address_comes_from_ballata_yml_only(sample, run):
    config = sample / "ballata.yml"
    config.write_text(config.read_text().replace("https://ballata.example.org/",
                                                 "https://baru.example.net/migran/"))
    assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
    page = (sample / "site" / "stories" / "jalan-pulang" / "index.html").read_text()
    assert '<link rel="canonical" href="https://baru.example.net/migran/stories/jalan-pulang/"' in page
    sitemap = (sample / "site" / "sitemap.xml").read_text()
    assert "https://baru.example.net/migran/stories/jalan-pulang/" in sitemap
    assert "ballata.example.org" not in sitemap + page


@pytest.mark.parametrize("line, field", [
    ("site_url: https://lain.example.org/", "site_url"),
    ("site_name: Nama Lain", "site_name"),
])
def test_a_conflicting_value_in_mkdocs_yml_is_an_error(line, field, sample, run):
    mkdocs = sample / "mkdocs.yml"
    text = mkdocs.read_text().replace('site_name: "see ballata.yml"\n', "")
    mkdocs.write_text(text + "\n" + line + ("\nsite_name: \"see ballata.yml\"\n" if field != "site_name" else "\n"))
    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"mkdocs.yml: {field}: {field} is" in result.err and "ballata.yml" in result.err
    assert not (sample / "site").exists()


def test_plain_mkdocs_build_refuses_a_conflicting_address(sample):
    mkdocs = sample / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "\nsite_url: https://lain.example.org/\n")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795651200", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "mkdocs.yml: site_url: site_url is 'https://lain.example.org/' here" in result.stderr


# --- theme/ is untrusted: templates cannot reach Python ---------------------------------------

ESCAPE = "{{ ''.__class__.__mro__[1].__subclasses__() }}"


@pytest.mark.parametrize("template, flags", [
    ("theme/overrides/main.html", ["--no-pdf"]),
    ("theme/zine/zine.html", []),
])
def test_a_template_cannot_reach_python(template, flags, sample, run):
    path = sample / template
    text = path.read_text()
    # In a template that extends another, only what is inside a block is rendered.
    block = re.search(r"{%-? block \w+ -?%}", text) if "{% extends" in text else None
    at = block.end() if block else 0
    path.write_text(text[:at] + ESCAPE + text[at:])
    result = run("build", *flags, "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "a template could not be used" in result.err and "unsafe" in result.err, result.err
    assert not (sample / "site").exists()
