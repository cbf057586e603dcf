"""The privacy scan of sources and the output audit, on a canary corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILD_DATE, copy_project
from site_helpers import all_text, tree_hash
from ballata.cli import main
from ballata.privacy import fold
from ballata import images
from ballata.site import views

REAL_NAME = "Sitti Rahmawati"
REGISTER = f"""\
paspor-ditahan:
  real_names: ["{REAL_NAME}"]
  identifiers: ["Kebun Sawit Tunas Jaya", "Dusun Batu Merah"]
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = copy_project(tmp_path)
    (root / "private").mkdir()
    (root / "private" / "register.yml").write_text(REGISTER, encoding="utf-8")
    return root


def approve(root: Path, slug: str, lang: str) -> None:
    assert main(["consent", "approve", slug, lang, "--root", str(root)]) == 0


def test_fold_ignores_case_accents_and_line_breaks():
    assert fold("SÍTTI\n   Rahmawatí") == fold("sitti rahmawati")


def test_clean_sample_with_register_builds(project, run):
    result = run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert REAL_NAME.casefold() not in "".join(all_text(project / "site").values()).casefold()


@pytest.mark.parametrize("inserted", [
    f"Nama asli saya {REAL_NAME}.",
    "Nama asli saya SÍTTI\nRAHMAWATÍ, jangan ditulis.",     # accents, capitals, across a line break
    "Saya bekerja di kebun sawit tunas jaya.",
])
def test_register_string_in_a_story_is_caught_and_masked(inserted, project, run):
    text = project / "stories" / "paspor-ditahan" / "index.id.md"
    text.write_text(inserted + "\n\n" + text.read_text(encoding="utf-8"), encoding="utf-8")
    approve(project, "paspor-ditahan", "id")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/paspor-ditahan/index.id.md:1: text: contains a" in result.err
    assert "from the private register" in result.err
    assert REAL_NAME not in result.err and "Tunas Jaya" not in result.err


@pytest.mark.parametrize("old, new, field", [
    ('alt: {id: "Tangan memegang bibit sawit"', f'alt: {{id: "Tangan {REAL_NAME}"', "media[0].alt.id"),
    ('caption: {id: "Bibit sawit di persemaian ladang."', 'caption: {id: "Di Dusun Batu Merah."',
     "media[0].caption.id"),
    ('title: {id: "Paspor yang Ditahan"', 'title: {id: "Paspor Sitti Rahmawati"', "title"),
    ('display_name: "Ibu Sari"', f'display_name: "{REAL_NAME}"', "narrator.display_name"),
])
def test_register_string_in_a_published_field_is_caught(old, new, field, project, run):
    yml = project / "stories" / "paspor-ditahan" / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f": {field}: contains a" in result.err, result.err
    assert REAL_NAME not in result.err


def test_register_of_an_unpublished_story_may_name_anything(project, run):
    (project / "private" / "register.yml").write_text(
        'pulang-tanpa-dokumen:\n  real_names: ["Wati"]\n', encoding="utf-8")
    assert run("check", "--root", str(project), "--date", BUILD_DATE).code == 0


def test_phone_number_in_an_alt_text_is_caught(project, run):
    yml = project / "stories" / "paspor-ditahan" / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        'alt: {id: "Tangan memegang bibit sawit"', 'alt: {id: "Hubungi 0812-3456-7890"'),
        encoding="utf-8")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "media[0].alt.id: contains a phone number (08" in result.err


def test_malformed_register_is_an_error_with_its_line(project, run):
    (project / "private" / "register.yml").write_text(
        "paspor-ditahan:\n  real_name: [x]\n", encoding="utf-8")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert 'private/register.yml:2: paspor-ditahan.real_name: unknown field "real_name"' in result.err


# The output audit: break the pipeline on purpose and show the audit still stops the leak.

def test_story_injected_past_the_gate_is_caught_by_the_audit(project, run, monkeypatch):
    assert run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE).code == 0
    before = tree_hash(project / "site")
    original = views.SiteBuilder.pages

    def leaky_pages(self):
        withdrawn = self.ps.all_stories["pulang-tanpa-dokumen"]
        page = views.SitePage(src_uri="stories/bocor/index.md", url="stories/bocor/", lang="id",
                              kind="page", title="Bocor", description="",
                              markdown=withdrawn.texts["id"].body, content_lang="id",
                              data={"translated": True})
        return original(self) + [page]

    monkeypatch.setattr(views.SiteBuilder, "pages", leaky_pages)
    result = run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert ("site/stories/bocor/index.html: contains a sentence of the id version of the excluded "
            "story 'pulang-tanpa-dokumen'") in result.err
    assert "site/pagefind/fragment/" in result.err      # the search index is read too
    assert tree_hash(project / "site") == before


def test_register_name_injected_into_output_is_caught(project, run, monkeypatch):
    original = views.SiteBuilder.story_page

    def leaky_story_page(self, version):
        page = original(self, version)
        page.markdown += f"\n\nDitulis oleh {REAL_NAME.upper()}.\n"
        return page

    monkeypatch.setattr(views.SiteBuilder, "story_page", leaky_story_page)
    result = run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "contains a real name from the private register (Si" in result.err
    assert REAL_NAME.upper() not in result.err and not (project / "site").exists()


def test_image_metadata_left_by_a_broken_encoder_is_caught(project, run, monkeypatch):
    def unclean(source, site_path):
        data = Path(source).read_bytes()
        return [images.Rendition(site_path, 2400, 1600, data)]

    monkeypatch.setattr(images, "renditions", unclean)
    result = run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "site/stories/paspor-ditahan/tangan.jpg: an image carries EXIF with GPS metadata" in result.err


def test_plain_mkdocs_build_also_runs_the_audit(project, monkeypatch, tmp_path):
    import subprocess
    import sys

    # A theme override that prints a withdrawn story's title: the audit must refuse the site.
    partial = project / "theme" / "overrides" / "partials" / "copyright.html"
    partial.write_text(partial.read_text() + "<p>Pulang Tanpa Dokumen</p>\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
                            cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    assert "contains the title of the id version of the excluded story 'pulang-tanpa-dokumen'" \
        in result.stderr
    assert not (tmp_path / "out").exists()


def test_invalid_story_left_out_by_exclude_invalid_is_audited_too(project, run, monkeypatch):
    yml = project / "stories" / "jalan-pulang" / "story.yml"
    yml.write_text(yml.read_text().replace("status: given", "status: ya"))
    original = views.SiteBuilder.pages

    def leaky_pages(self):
        body = (project / "stories" / "jalan-pulang" / "index.id.md").read_text()
        page = views.SitePage(src_uri="bocor/index.md", url="bocor/", lang="id", kind="page",
                              title="Bocor", description="", markdown=body, content_lang="id",
                              data={"translated": True})
        return original(self) + [page]

    monkeypatch.setattr(views.SiteBuilder, "pages", leaky_pages)
    result = run("build", "--no-pdf", "--exclude-invalid", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "site/bocor/index.html: contains a sentence of the invalid story 'jalan-pulang'" in result.err


def test_a_file_named_after_an_excluded_story_is_caught(project, run, monkeypatch):
    original = views.SiteBuilder.downloads

    def leaky_downloads(self):
        return dict(original(self), **{"lama/kontrak-lama.txt": b"nothing inside"})

    monkeypatch.setattr(views.SiteBuilder, "downloads", leaky_downloads)
    result = run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "site/lama/kontrak-lama.txt: contains the address of the excluded story 'kontrak-lama'" \
        in result.err


def test_zine_intro_is_scanned_like_a_page(project, run):
    intro = project / "content" / "zines" / "2026-dari-bulukumba" / "intro.id.md"
    intro.write_text(intro.read_text() + f"\nTerima kasih kepada {REAL_NAME}.\n<script>x</script>\n")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "content/zines/2026-dari-bulukumba/intro.id.md:" in result.err
    assert "from the private register" in result.err and "a <script> tag" in result.err
