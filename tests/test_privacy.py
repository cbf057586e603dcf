"""The privacy scan of sources and the output audit, on a canary corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILD_DATE, copy_project
from site_helpers import all_text, tree_hash
from ballata.cli import main
from ballata.canonical import canon
from ballata.privacy import find_identifiers
from ballata import images
from ballata.site import views

REAL_NAME = "Sitti Rahmawati"
OTHER_NAME = "Nurhayati Lamba"
REGISTER = f"""\
paspor-ditahan:
  real_names: ["{REAL_NAME}", "{OTHER_NAME}"]
  identifiers: ["Kebun Sawit Tunas Jaya", "Dusun Batu Merah", "Ladang Sinar Jaya"]
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = copy_project(tmp_path)
    (root / "private").mkdir()
    (root / "private" / "register.yml").write_text(REGISTER, encoding="utf-8")
    return root


def approve(root: Path, slug: str, lang: str) -> None:
    assert main(["consent", "approve", slug, lang, "--root", str(root)]) == 0


def approve_both(root: Path, slug: str) -> None:
    """A change to her byline, region or pictures withdraws both versions until she approves it."""
    for lang in ("id", "en"):
        approve(root, slug, lang)


def test_canonical_form_ignores_case_accents_and_line_breaks():
    assert canon("SÍTTI\n   Rahmawatí") == canon("sitti rahmawati")


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


@pytest.mark.parametrize("old, new, field, line", [
    ('alt: {id: "Tangan memegang bibit sawit"', f'alt: {{id: "Tangan {REAL_NAME}"',
     "media[0].alt.id", 13),
    ('caption: {id: "Bibit sawit di persemaian ladang."', 'caption: {id: "Di Dusun Batu Merah."',
     "media[0].caption.id", 14),
    ('title: {id: "Paspor yang Ditahan"', 'title: {id: "Paspor Sitti Rahmawati"', "title.id", 2),
    ('display_name: "Ibu Sari"', f'display_name: "{REAL_NAME}"', "narrator.display_name", 4),
    # Fields that were never scanned.
    ("region: Bulukumba", "region: Dusun Batu-Merah, Bulukumba", "region", 6),
    ("destination: Sabah", "destination: Kebun-Sawit-Tunas-Jaya, Sabah", "destination", 7),
    ("tags: [plantation, documents]", "tags: [plantation, nurhayati-lamba]", "tags[1]", 10),
])
def test_register_string_in_a_published_field_is_caught(old, new, field, line, project, run):
    yml = project / "stories" / "paspor-ditahan" / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    approve_both(project, "paspor-ditahan")  # as if she approved these words: the scan still refuses them
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"stories/paspor-ditahan/story.yml:{line}: {field}: contains a" in result.err, result.err
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


# Issue 11, "Register names in disguise" and "Identifiers missed": every attack is refused by the
# source scan (`ballata check`), with the file, the line and the value masked.

PAGE = "content/about/index.id.md"
GUIDE = "content/guides/mengurus-paspor/index.id.md"


def add_to_page(root: Path, inserted: str, page: str = PAGE) -> int:
    """Put ``inserted`` at the end of a page (pages need no approval); the line it starts on."""
    path = root / page
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(text + inserted + "\n", encoding="utf-8")
    return text.count("\n") + 1


REGISTER_DISGUISES = [
    pytest.param("Sit\u00adti Rahmawati", id="soft-hyphen"),
    pytest.param("Sitti R\u0430hm\u0430w\u0430ti", id="cyrillic-a"),
    pytest.param("Sitti\u034f Rah\u034fmawati", id="combining-grapheme-joiner"),
    pytest.param("Sit\ufe0fti Rahma\ufe0ewati", id="variation-selector"),
    pytest.param("\u202eitawamhaR ittiS\u202c", id="rtl-override-reversed"),
    pytest.param('<abbr title="&#83;itti &#82;ahmawati">SR</abbr>', id="entity-in-abbr-title"),
    pytest.param('[x](/about/ "&#78;urhayati &#76;amba")', id="entity-in-link-title"),
    pytest.param('Paragraf biasa.\n{: title="Nurhayati Lamba" }', id="attr-list-title"),
    pytest.param('<div data-pagefind-ignore>Nur<b></b>hayati Lamba</div>',
                 id="split-by-tags-in-pagefind-ignore"),
    pytest.param("![Ladang](ladang-sinar-jaya.jpg)", id="hyphenated-image-file-name"),
    pytest.param("[Facebook](https://facebook.com/nurhayati.lamba)", id="dotted-link-url"),
    # The next attacks, thought of before anyone tried them.
    pytest.param("\u039d\u03c5rh\u0430y\u0430t\u0456 Lamba", id="greek-and-cyrillic-mix"),
    pytest.param("\uff33\uff49\uff54\uff54\uff49 Rahmawati", id="full-width-latin"),
    pytest.param("\U0001d40d\U0001d42e\U0001d42b\U0001d421\U0001d41a\U0001d432\U0001d41a\U0001d42d"
                 "\U0001d422 Lamba", id="mathematical-bold"),
    pytest.param("Nu\u0301\u0308\u0323rha\u0300yati La\u0303mba", id="stacked-combining-marks"),
    pytest.param("\u200d".join("Nurhayati") + " Lamba", id="zwj-between-letters"),
    pytest.param('<bdo dir="rtl">abmaL itayahruN</bdo>', id="bdo-rtl-reversed"),
    pytest.param("[x](https://example.org/%4Eurhayati%2DLamba/)", id="percent-encoded-url"),
    pytest.param("Ia bernama Nurhayati\nLamba.", id="across-a-line-break"),
    pytest.param("Nur<!-- x -->hayati Lamba", id="html-comment-inside"),
    pytest.param('<span data-nama="nurhayati_lamba">x</span>', id="data-attribute"),
    pytest.param("#NurhayatiLamba", id="glued-hashtag"),
    pytest.param("Rumah NurhayatiLambanya", id="glued-clitic"),
    pytest.param("&amp;#78;urhayati Lamba", id="double-entity"),
    pytest.param("N.u.r.h.a.y.a.t.i L.a.m.b.a", id="letters-spaced-by-dots"),
    pytest.param("Ladang\u2011Sinar\u2013Jaya", id="unicode-hyphen-and-dash"),
]


@pytest.mark.parametrize("inserted", REGISTER_DISGUISES)
def test_register_name_in_disguise_in_a_page_is_caught(inserted, project, run):
    line = add_to_page(project, inserted)
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    lines = range(line, line + inserted.count("\n") + 1)
    assert any(f"{PAGE}:{n}: text: contains a" in result.err for n in lines), result.err
    assert "from the private register" in result.err
    assert "Rahmawati" not in result.err and "Lamba" not in result.err


def test_register_name_in_disguise_in_a_story_is_caught(project, run):
    text = project / "stories" / "paspor-ditahan" / "index.id.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nDitulis oleh Nur\u00adh\u0430yati.Lamba\n",
                    encoding="utf-8")
    approve(project, "paspor-ditahan", "id")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/paspor-ditahan/index.id.md:" in result.err
    assert "contains a real name from the private register (Nu" in result.err


def test_register_name_in_a_media_file_name_is_caught(project, run):
    folder = project / "stories" / "paspor-ditahan"
    (folder / "ladang-sinar-jaya.jpg").write_bytes((folder / "tangan.jpg").read_bytes())
    yml = folder / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("file: tangan.jpg",
                                                           "file: ladang-sinar-jaya.jpg"))
    approve_both(project, "paspor-ditahan")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert ("stories/paspor-ditahan/story.yml:12: media[0].file: contains an identifier from the "
            "private register") in result.err


def test_register_name_in_a_csv_category_is_caught(project, run):
    folder = project / "content" / "statistics" / "pekerja-migran"
    for name in ("table.csv", "dataset.yml"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("desa-c", "ladang-sinar-jaya"))
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    csv_line = 1 + (folder / "table.csv").read_text().split("\n").index(
        next(r for r in (folder / "table.csv").read_text().split("\n") if "ladang" in r))
    assert (f"content/statistics/pekerja-migran/table.csv:{csv_line}: table: contains an "
            "identifier from the private register") in result.err, result.err
    assert "content/statistics/pekerja-migran/dataset.yml:" in result.err


@pytest.mark.parametrize("file, old, new, where", [
    pytest.param(GUIDE, "title: Mengurus paspor sendiri", "title: Paspor Sitti Rahmawati",
                 f"{GUIDE}:2: title:", id="front-matter-title"),
    pytest.param(GUIDE, "description: Langkah-langkah", "description: Kisah Nurhayati-Lamba. Langkah",
                 f"{GUIDE}:3: description:", id="front-matter-description"),
    pytest.param("content/zines/2026-dari-bulukumba/zine.yml", 'id: "Cerita perempuan',
                 'id: "Untuk Sitti Rahmawati. Cerita perempuan',
                 "content/zines/2026-dari-bulukumba/zine.yml:6: subtitle.id:", id="zine-subtitle"),
    pytest.param("content/statistics/pekerja-migran/dataset.yml", 'id: "Pemetaan komunitas',
                 'id: "Dicatat oleh Nurhayati Lamba. Pemetaan komunitas',
                 "content/statistics/pekerja-migran/dataset.yml:6: source.id:", id="dataset-source"),
    pytest.param("content/statistics/pekerja-migran/dataset.yml", 'desa-b: {id: "Desa B"',
                 'desa-b: {id: "Dusun Batu Merah"',
                 "content/statistics/pekerja-migran/dataset.yml:15: dimensions[0].values.desa-b.id:",
                 id="dataset-label"),
])
def test_register_name_in_a_field_never_scanned_before_is_caught(file, old, new, where, project, run):
    path = project / file
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{where} contains a" in result.err, result.err


@pytest.mark.parametrize("entry, line", [("Yu", 3), ("A.", 4), ("--", 4)])
def test_register_entry_too_short_to_search_is_an_error_not_ignored(entry, line, project, run):
    register = project / "private" / "register.yml"
    names = '["Sitti Rahmawati", "Yu"]' if entry == "Yu" else '["Sitti Rahmawati"]'
    register.write_text(f'paspor-ditahan:\n  real_names: {names}\n  identifiers:\n'
                        f'    - "{entry}"\n' if entry != "Yu" else
                        f'paspor-ditahan:\n  identifiers: ["Dusun Batu Merah"]\n  real_names: {names}\n',
                        encoding="utf-8")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"private/register.yml:{line}: paspor-ditahan." in result.err, result.err
    assert "fewer than 3 letters or digits" in result.err
    assert "TIP Write it in full" in result.err


IDENTIFIERS = [
    pytest.param("Hubungi saya di 0812-3456-\n7890 kapan saja.", "a phone number",
                 id="phone-over-two-lines"),
    pytest.param("Nomor saya 0812\n3456 7890.", "a phone number", id="phone-split-by-line-break"),
    pytest.param("NIK 7302 0112 3456 0001", "an Indonesian NIK", id="nik-with-spaces"),
    pytest.param("NIK: 7302.0112.3456.0001", "an Indonesian NIK", id="nik-with-dots"),
    pytest.param("MyKad 850101125678", "a Malaysian MyKad number", id="mykad-without-dashes"),
    pytest.param("MyKad 850101-12-5678", "a Malaysian MyKad number", id="mykad-with-dashes"),
    pytest.param("paspor saya b1234567 ditahan", "a passport number", id="passport-lower-case"),
    pytest.param("Paspor AB 123456 masih di agen.", "a passport number",
                 id="passport-two-letters-six-digits"),
    pytest.param("Tulis ke nama at gmail dot com", "an e-mail address", id="email-at-dot-words"),
    pytest.param("Tulis ke nama(at)gmail.com", "an e-mail address", id="email-at-in-parentheses"),
    pytest.param("Tulis ke nama [at] gmail [dot] com", "an e-mail address",
                 id="email-at-dot-in-brackets"),
    pytest.param("Tulis ke nama\uff20gmail.com", "an e-mail address", id="email-full-width-at"),
    pytest.param("Tulis ke nama&#64;gmail.com", "an e-mail address", id="email-entity-at"),
    # The next attacks.
    pytest.param("Telepon \uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10",
                 "a phone number", id="full-width-digits"),
    pytest.param("Telepon \u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660",
                 "a phone number", id="arabic-indic-digits"),
    pytest.param("[WhatsApp](https://wa.me/6281234567890)", "a phone number", id="phone-in-a-link"),
    pytest.param('<a href="tel:+60123456789">telepon</a>', "a phone number", id="phone-in-tel-link"),
    pytest.param("0812\u200b3456\u200b7890", "a phone number", id="phone-with-zero-width-spaces"),
    pytest.param("Tulis ke n\u0430ma{at}gmail{dot}com", "an e-mail address",
                 id="email-braces-cyrillic"),
    pytest.param("Rekening BRI 0123-01-012345-50-1", "a number of 15 digits",
                 id="bank-account-number"),
    pytest.param("Paspor: &#67;1234567", "a passport number", id="passport-entity-encoded"),
]


@pytest.mark.parametrize("inserted, kind", IDENTIFIERS)
def test_identifier_in_disguise_in_a_page_is_caught(inserted, kind, project, run):
    line = add_to_page(project, inserted)
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{PAGE}:{line}: text: contains {kind}" in result.err, result.err
    assert "3456" not in result.err and "gmail" not in result.err


def test_identifier_in_a_story_is_caught(project, run):
    text = project / "stories" / "paspor-ditahan" / "index.id.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nNIK saya 7302.0112.3456.0001\n",
                    encoding="utf-8")
    approve(project, "paspor-ditahan", "id")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/paspor-ditahan/index.id.md:" in result.err
    assert "text: contains an Indonesian NIK (16 digits) (73" in result.err


@pytest.mark.parametrize("old, new, field, kind", [
    ("region: Bulukumba", "region: Bulukumba, HP 0812 3456 7890", "region", "a phone number"),
    ("destination: Sabah", "destination: Sabah (nama at yahoo dot com)", "destination",
     "an e-mail address"),
])
def test_identifier_in_a_story_field_is_caught(old, new, field, kind, project, run):
    yml = project / "stories" / "paspor-ditahan" / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    approve_both(project, "paspor-ditahan")  # as if she approved these words: the scan still refuses them
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/paspor-ditahan/story.yml:" in result.err
    assert f": {field}: contains {kind}" in result.err, result.err


def test_public_numbers_of_the_configuration_may_be_shown_on_pages_in_any_spelling(project, run):
    add_to_page(project, "Hotline 0800 1000 0000 (24 jam) dan kedutaan +60 3-0000 0000.\n"
                         "Hotline: 0800.1000.0000")
    assert run("check", "--root", str(project), "--date", BUILD_DATE).code == 0


def test_public_numbers_are_still_refused_in_stories(project, run):
    text = project / "stories" / "paspor-ditahan" / "index.id.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nHotline 0800-1000-0000\n", encoding="utf-8")
    approve(project, "paspor-ditahan", "id")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1 and "stories/paspor-ditahan/index.id.md:" in result.err


def test_register_name_in_a_page_s_picture_or_folder_name_is_caught(project, run):
    guide = project / "content" / "guides" / "mengurus-paspor"
    (guide / "Nurhayati_Lamba.jpg").write_bytes(
        (project / "stories" / "paspor-ditahan" / "tangan.jpg").read_bytes())
    moved = project / "content" / "guides" / "kisah-sitti-rahmawati"
    (project / "content" / "guides" / "daftar-migrasi-aman").rename(moved)
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{GUIDE}: file name: contains a real name from the private register (Nu" in result.err
    assert ("content/guides/kisah-sitti-rahmawati/index.id.md: address: contains a real name "
            "from the private register (Si") in result.err


@pytest.mark.parametrize("inserted, kind", IDENTIFIERS)
def test_find_identifiers_sees_through_every_disguise(inserted, kind):
    assert [found.kind[:len(kind)] for found in find_identifiers(inserted)] == [kind]


ORDINARY = [
    "Pada 2025-06-14 saya menerima Rp 1.500.000, lalu Rp 25.000.000 pada 14/06/2025.",
    "Dari 259 orang, 120 berdokumen; tahun 2019, 2020 dan 2021 angkanya naik 12,5%.",
    "Gaji RM 1,200 sebulan, Rp150000000 setahun, 1 500 000 rupiah; jam 14.30-16.00.",
    "Saya berangkat tahun 2019 - 2020 - 2021 dan pulang 2023.",
    "Foto IMG_20250614_143059.jpg, kamar no. 12, bus ke 150000 penumpang.",
    "We met at school. Then at home.",
    "Versi 2.1.3 dari formulir A1, halaman 12-14, pasal 3 ayat (2).",
    "Rumah di RT 003 / RW 005, Kecamatan Ujung Bulu.",
    "Dia bekerja 12 jam sehari selama 3 tahun 6 bulan; 1.234 orang; 98,7%.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_indonesian_text_with_dates_money_and_counts_has_no_identifier(text):
    assert find_identifiers(text) == []


def test_the_sample_content_has_no_identifier_and_no_register_entry(project, run):
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 0, result.err


# The output audit: break the pipeline on purpose and show the audit still stops the leak.

def test_story_injected_past_the_gate_is_caught_by_the_audit(project, run, monkeypatch):
    assert run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE).code == 0
    before = tree_hash(project / "site")
    original = views.SiteBuilder.pages

    def leaky_pages(self):
        # The renderer never receives an excluded story: read it from disk, as a bug would.
        withdrawn_text = (project / "stories" / "pulang-tanpa-dokumen" / "index.id.md").read_text()
        page = views.SitePage(src_uri="stories/bocor/index.md", url="stories/bocor/", lang="id",
                              kind="page", title="Bocor", description="",
                              markdown=withdrawn_text, content_lang="id",
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
    partial = project / "theme" / "overrides" / "partials" / "ballata-footer.html"
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


def test_a_file_at_an_excluded_story_address_is_caught(project, run, monkeypatch):
    """Addresses are compared as paths, not words: a file under the excluded story's address is
    found (a word equal to the slug elsewhere is not, see test_audit's withdrawal tests)."""
    original = views.SiteBuilder.downloads

    def leaky_downloads(self):
        return dict(original(self), **{"en/stories/kontrak-lama/notes.txt": b"nothing inside"})

    monkeypatch.setattr(views.SiteBuilder, "downloads", leaky_downloads)
    result = run("build", "--no-pdf", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "site/en/stories/kontrak-lama/notes.txt:" in result.err and "kontrak-lama" in result.err


def test_zine_intro_is_scanned_like_a_page(project, run):
    intro = project / "content" / "zines" / "2026-dari-bulukumba" / "intro.id.md"
    intro.write_text(intro.read_text() + f"\nTerima kasih kepada {REAL_NAME}.\n<script>x</script>\n")
    result = run("check", "--root", str(project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "content/zines/2026-dari-bulukumba/intro.id.md:" in result.err
    assert "from the private register" in result.err and "a <script> tag" in result.err
