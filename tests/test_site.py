"""The website built from the sample: what is there, and what must never be."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import BUILD_DATE, REPO, copy_project
from site_helpers import all_text, search_fragments, text_of, tree_hash
from test_cli import EXPECTED
from ballata.cli import main
from ballata.site.views import file_size
from ballata.strings import Strings

TITLES = {  # (slug, lang) -> title, from the sample's story.yml files
    (slug, lang): title for slug, titles in {
        "paspor-ditahan": ("Paspor yang Ditahan", "The Passport They Kept"),
        "gaji-tertunda": ("Gaji yang Selalu Tertunda", "Wages Always Late"),
        "surat-dari-tawau": ("Surat dari Tawau", "A Letter from Tawau"),
        "pulang-tanpa-dokumen": ("Pulang Tanpa Dokumen", "Going Home Without Papers"),
        "anak-di-kampung": ("Anak-anak di Kampung", "The Children Back Home"),
        "kontrak-lama": ("Kontrak yang Lama", "The Old Contract"),
        "sekolah-di-ladang": ("Sekolah di Ladang", "A School on the Estate"),
        "hujan-di-keningau": ("Hujan di Keningau", "Rain in Keningau"),
        "malam-di-barak": ("Malam di Barak", "Night in the Barracks"),
        "mimpi-nurul": ("Mimpi Nurul", "Nurul's Dream"),
        "jalan-pulang": ("Jalan Pulang", "The Way Home"),
    }.items() for lang, title in zip(("id", "en"), titles)}
CANARIES = ["KANARI", "CANARY"]
"""Planted in the text of every excluded sample version, and nowhere else."""


def url(slug: str, lang: str) -> str:
    return f"{'' if lang == 'id' else 'en/'}stories/{slug}/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    copy_project(root)
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root


@pytest.fixture(scope="module")
def texts(built) -> dict[str, str]:
    return all_text(built / "site")


@pytest.mark.parametrize("slug", sorted(EXPECTED))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_story_page_sitemap_and_search_follow_the_gate(slug, lang, built, texts):
    site = built / "site"
    published = lang in EXPECTED[slug][0]
    page = site / url(slug, lang) / "index.html"
    assert page.is_file() == published
    sitemap = text_of(site / "sitemap.xml")
    assert (f"<loc>https://ballata.example.org/{url(slug, lang)}</loc>" in sitemap) == published
    assert (f"https://ballata.example.org/{url(slug, lang)}" in text_of(site / "sitemap.xml.gz")) \
        == published
    in_search = any(f'"url":"/{url(slug, lang)}"' in f for f in search_fragments(site))
    assert in_search == published
    if published:
        assert TITLES[(slug, lang)] in text_of(page)
    else:
        title = TITLES[(slug, lang)]
        other_published = [TITLES[(slug, o)] for o in ("id", "en") if o in EXPECTED[slug][0]]
        if title not in other_published:
            leaks = [name for name, text in texts.items() if title in text]
            assert leaks == [], f"{title!r} of an excluded version is in {leaks}"


def test_nothing_of_excluded_stories_reaches_any_file(built, texts):
    for canary in CANARIES:
        assert [name for name, text in texts.items() if canary in text] == []
    for slug, (web, _, _) in EXPECTED.items():
        if not web:
            assert [name for name in texts if slug in name] == []
            assert [name for name, text in texts.items() if f"/{slug}/" in text] == [], slug


def test_no_silent_fallback_for_stories(built):
    page = built / "site" / "en" / "stories" / "sekolah-di-ladang" / "index.html"
    assert not page.exists()
    assert not (built / "site" / "en" / "stories" / "hujan-di-keningau").exists()


def test_language_switcher_leads_to_the_same_story_or_home(built):
    both = text_of(built / "site" / "stories" / "paspor-ditahan" / "index.html")
    assert 'href="../../en/stories/paspor-ditahan/" hreflang="en"' in both
    only_id = text_of(built / "site" / "stories" / "sekolah-di-ladang" / "index.html")
    assert 'href="../../en/" hreflang="en"' in only_id
    english = text_of(built / "site" / "en" / "stories" / "paspor-ditahan" / "index.html")
    assert 'href="../../../stories/paspor-ditahan/" hreflang="id"' in english


def test_hreflang_alternates_in_head_and_sitemap(built):
    head = text_of(built / "site" / "en" / "stories" / "jalan-pulang" / "index.html")
    for lang, address in (("id", "stories/jalan-pulang/"), ("en", "en/stories/jalan-pulang/"),
                          ("x-default", "stories/jalan-pulang/")):
        assert (f'<link rel="alternate" hreflang="{lang}" '
                f'href="https://ballata.example.org/{address}">') in head
    only_id = text_of(built / "site" / "stories" / "sekolah-di-ladang" / "index.html")
    assert 'hreflang="en" href="https://ballata.example.org/en/stories' not in only_id
    sitemap = text_of(built / "site" / "sitemap.xml")
    assert ('<xhtml:link rel="alternate" hreflang="en" '
            'href="https://ballata.example.org/en/stories/jalan-pulang/"/>') in sitemap


def test_pages_declare_their_language(built):
    assert '<html lang="id"' in text_of(built / "site" / "stories" / "jalan-pulang" / "index.html")
    assert '<html lang="en"' in text_of(built / "site" / "en" / "stories" / "jalan-pulang" / "index.html")
    assert "Dituturkan oleh" in text_of(built / "site" / "stories" / "jalan-pulang" / "index.html")
    assert "Told by" in text_of(built / "site" / "en" / "stories" / "jalan-pulang" / "index.html")


def byline(built: Path, slug: str) -> str:
    """The narrator line of a story page (cards of other stories on the page carry theirs)."""
    page = text_of(built / "site" / "en" / "stories" / slug / "index.html")
    found = re.search(r'<p class="ballata-byline">(.*?)</p>', page, re.DOTALL)
    assert found, f"no narrator line on {slug}"
    return " ".join(found.group(1).split())


def test_bylines_follow_attribution(built):
    anonymous = byline(built, "malam-di-barak")
    assert "The narrator is not named" in anonymous and "Told by" not in anonymous
    assert re.search(r"Told by <strong>Ibu Sari</strong> <span[^>]*>\(pseudonym\)</span>",
                     byline(built, "paspor-ditahan"))
    named = byline(built, "gaji-tertunda")
    assert "Told by <strong>Daeng Ratna</strong>" in named and "(pseudonym)" not in named


EXTERNAL_FETCH = re.compile(
    r"""<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc\s*=\s*["']?(https?:)?//"""
    r"""|<link\b(?=[^>]*\brel=["']?(?:stylesheet|preload|prefetch|icon|modulepreload|manifest))"""
    r"""[^>]*\bhref\s*=\s*["']?(https?:)?//"""
    r"""|url\(\s*["']?(https?:)?//|@import\s+["']?(https?:)?//""", re.IGNORECASE)


def test_no_request_to_any_other_host(built, texts):
    offenders = {name: EXTERNAL_FETCH.findall(text) for name, text in texts.items()
                 if name.endswith((".html", ".css")) and EXTERNAL_FETCH.search(text)}
    assert offenders == {}
    assert not any(name.startswith("assets/javascripts/") for name in texts)
    assert "fonts.googleapis" not in "".join(texts.values())


def test_images_carry_no_metadata_and_are_resized(built):
    source = REPO / "stories" / "paspor-ditahan" / "tangan.jpg"
    with Image.open(source) as original:
        assert original.getexif()  # the sample photo really does carry EXIF and GPS
    pictures = sorted((built / "site").rglob("*.jpg"))
    assert {p.name for p in pictures} == {f"{name}{size}.jpg" for name in ("tangan", "jalan", "malam")
                                          for size in ("", "-480", "-960")}
    for picture in pictures:
        raw = picture.read_bytes()
        assert b"Exif" not in raw and b"CANARY" not in raw and b"http://ns.adobe.com/xap" not in raw
        with Image.open(picture) as image:
            assert not image.getexif()
            assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
            assert image.width <= 1600


def test_images_are_responsive_and_lazy(built):
    html = text_of(built / "site" / "stories" / "paspor-ditahan" / "index.html")
    img = re.search(r"<img [^>]*tangan\.jpg[^>]*>", html).group(0)
    for attribute in ('loading="lazy"', 'width="1600"', 'height="1067"', "tangan-480.jpg 480w"):
        assert attribute in img


def test_open_graph_preview_in_the_page_language(built):
    html = text_of(built / "site" / "en" / "stories" / "paspor-ditahan" / "index.html")
    assert '<meta property="og:title" content="The Passport They Kept">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    # Her photo is never the preview: the page's own card, drawn from its title and text.
    assert 'og:image" content="https://ballata.example.org/en/stories/paspor-ditahan/og/card.png"' \
        in html


def test_story_pages_stay_small(built):
    for page in (built / "site").glob("**/stories/*/index.html"):
        assert page.stat().st_size < 40_000, page


def test_untranslated_page_says_so_in_the_readers_language(tmp_path):
    root = copy_project(tmp_path)
    (root / "content" / "about" / "index.en.md").unlink()
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    html = text_of(root / "site" / "en" / "about" / "index.html")
    assert "This page has not been translated into English yet" in html
    assert re.search(r'<div[^>]* lang="id">', html) and "Tentang kami" in html
    assert 'hreflang="en"' not in re.search(r"<head>.*</head>", html, re.S).group(0).split("og:")[0]


def test_failed_build_leaves_previous_site(tmp_path, capsys):
    root = copy_project(tmp_path)
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    before = tree_hash(root / "site")
    yml = root / "stories" / "jalan-pulang" / "story.yml"
    yml.write_text(yml.read_text().replace("status: given", "status: yes"))
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 1
    assert "the previous site/ is unchanged" in capsys.readouterr().err
    assert tree_hash(root / "site") == before
    assert not [p for p in (root / "build").iterdir() if p.name.startswith("site.")]


def test_two_builds_are_byte_identical(built, tmp_path):
    root = copy_project(tmp_path)
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    assert tree_hash(root / "site") == tree_hash(built / "site")


def test_plain_mkdocs_build_publishes_the_same_set(built, tmp_path):
    root = copy_project(tmp_path)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795651200", NO_MKDOCS_2_WARNING="1")  # 2026-11-26
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "out")],
                            cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = lambda folder: sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert html(root / "out") == html(built / "site")
    assert (root / "out" / "pagefind" / "pagefind.js").is_file()


def test_plain_mkdocs_build_stops_on_bad_consent(tmp_path):
    root = copy_project(tmp_path)
    yml = root / "stories" / "jalan-pulang" / "story.yml"
    line = yml.read_text().splitlines().index("  status: given") + 1
    yml.write_text(yml.read_text().replace("status: given", "status: yes"))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "out")],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 1
    assert (f"stories/jalan-pulang/story.yml:{line}: consent.status: expected one of given, pending, "
            "withdrawn; got true (YAML reads yes") in result.stderr
    assert not (root / "out").exists()


def test_a_first_line_that_looks_like_metadata_is_kept(tmp_path):
    root = copy_project(tmp_path)
    text = root / "stories" / "jalan-pulang" / "index.id.md"
    text.write_text("Catatan: kalimat pertama yang ia setujui.\n\n" + text.read_text())
    assert main(["consent", "approve", "jalan-pulang", "id", "--root", str(root)]) == 0
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    html = text_of(root / "site" / "stories" / "jalan-pulang" / "index.html")
    assert "Catatan: kalimat pertama yang ia setujui." in html


@pytest.mark.parametrize("lang, prefix, words", [
    ("id", "", ["Desa A", "Jumlah orang", "(resmi)", "Catatan resmi, seluruh", "Unduh tabel (CSV)"]),
    ("en", "en/", ["Village A", "Number of people", "(official)", "Official register, whole",
                   "Download the table (CSV)"]),
])
def test_statistics_page_has_table_chart_and_source(lang, prefix, words, built):
    html = text_of(built / "site" / prefix / "statistics" / "pekerja-migran" / "index.html")
    svg = re.search(r"<svg role=\"img\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    for word in words[:4]:
        assert word in svg or word in html
    assert words[4] in html
    assert "<caption>" in html and '<th scope="col">' in html and "–" in html
    other = "Village A" if lang == "id" else "Desa A"
    assert other not in svg


def test_only_the_safe_table_is_downloadable(built, texts):
    csv = (built / "site" / "statistics" / "pekerja-migran" / "table.csv").read_text()
    assert csv == (REPO / "content/statistics/pekerja-migran/table.csv").read_text()
    assert not [name for name in texts if name.endswith(".csv") and "pekerja-migran" not in name]
    assert not any("RT-0" in text for text in texts.values())   # household codes of the raw file


def test_captions_under_pictures_in_the_text(built):
    html = text_of(built / "site" / "en" / "stories" / "paspor-ditahan" / "index.html")
    figure = re.search(r"<figure class=\"ballata-figure\">(.*?)</figure>", html, re.S).group(1)
    assert 'alt="Hands holding an oil-palm seedling"' in figure and "tangan.jpg" in figure
    assert "<figcaption>Oil-palm seedlings in the estate nursery.</figcaption>" in figure
    indonesian = text_of(built / "site" / "stories" / "paspor-ditahan" / "index.html")
    assert "<figcaption>Bibit sawit di persemaian ladang.</figcaption>" in indonesian


def add_picture(root: Path, caption_en: str = "The nursery <at dawn> & after.") -> None:
    """A second picture of paspor-ditahan that her text does not show, approved with its caption."""
    folder = root / "stories" / "paspor-ditahan"
    (folder / "kebun.jpg").write_bytes((folder / "tangan.jpg").read_bytes())
    yml = folder / "story.yml"
    yml.write_text(yml.read_text().replace("consent:\n", (
        "  - file: kebun.jpg\n"
        "    alt: {id: \"Kebun sawit\", en: \"An oil-palm estate\"}\n"
        f"    caption: {{id: \"Persemaian pagi hari.\", en: \"{caption_en}\"}}\n"
        "    shows_faces: false\nconsent:\n"), 1))
    for lang in ("id", "en"):
        assert main(["consent", "approve", "paspor-ditahan", lang, "--root", str(root)]) == 0


def test_a_picture_not_in_the_text_is_shown_after_it_with_its_caption(tmp_path):
    root = copy_project(tmp_path)
    add_picture(root)
    assert main(["build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE]) == 0
    raw = (root / "site" / "en" / "stories" / "paspor-ditahan" / "index.html").read_text()
    figures = re.findall(r"<figure class=\"ballata-figure\">.*?</figure>", raw, re.S)
    assert len(figures) == 2
    assert raw.index("tangan.jpg") < raw.index("kebun.jpg")
    assert 'alt="An oil-palm estate"' in figures[1]
    # A caption is text: escaped, never markup.
    assert "The nursery &lt;at dawn&gt; &amp; after." in figures[1]
    assert (root / "site" / "stories" / "paspor-ditahan" / "kebun.jpg").is_file()


def _with_malay(node, skip=()):
    """Every {id, en} mapping of a YAML document with an ms entry as well (the English, marked)."""
    if isinstance(node, dict):
        if "en" in node and set(node) <= {"id", "en"} and isinstance(node["en"], str):
            return dict(node, ms=f"Melayu: {node['en']}")
        return {k: v if k in skip else _with_malay(v, skip) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_malay(v, skip) for v in node]
    return node


def add_malay(root: Path, *, labels: bool = True, strings_missing: tuple[str, ...] = ()) -> None:
    """A third language as the README says: a line in ballata.yml, a column in theme/strings.yml
    (without ``strings_missing``), and, with ``labels``, its labels in ballata.yml and dataset.yml."""
    import yaml

    config = yaml.safe_load((root / "ballata.yml").read_text())
    config["languages"].append({"code": "ms", "name": "Bahasa Melayu"})
    if labels:
        config = _with_malay(config, skip=("languages",))
        for yml in (root / "content" / "statistics").glob("*/dataset.yml"):
            yml.write_text(yaml.safe_dump(_with_malay(yaml.safe_load(yml.read_text())),
                                          allow_unicode=True))
    (root / "ballata.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    strings = yaml.safe_load((root / "theme" / "strings.yml").read_text())
    for key, row in strings.items():
        if key not in strings_missing:
            row["ms"] = f"Melayu: {row['en']}"
    (root / "theme" / "strings.yml").write_text(yaml.safe_dump(strings, allow_unicode=True))


def test_a_third_language_without_its_settings_is_an_error_naming_file_and_key(tmp_path, run):
    root = copy_project(tmp_path)
    add_malay(root, labels=False)
    result = run("build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 1 and "Traceback" not in result.err and "KeyError" not in result.err
    for where in ("ballata.yml: site_name.ms:", "ballata.yml: licence.ms:",
                  "ballata.yml: site_description.ms:",
                  "content/statistics/pekerja-migran/dataset.yml: title.ms:",
                  "content/statistics/pekerja-migran/dataset.yml: official[0].label.ms:"):
        assert where in result.err, where


@pytest.fixture(scope="module")
def malay(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("malay"))
    add_malay(root, strings_missing=("download_csv", "told_by"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root


def test_a_third_language_builds_with_no_blank_words(malay):
    site = malay / "site"
    home = text_of(site / "ms" / "index.html")
    assert '<html lang="ms"' in home
    assert "Melayu: Texts © the narrators and Balla'ta Migran" in home          # footer licence
    assert "<title>Melayu: Balla'ta Migran</title>" in home                       # site name
    assert re.search(r'class="ballata-footer__licence">\s*(<a [^>]*>)?\s*\S', home)
    data = text_of(site / "ms" / "statistics" / "pekerja-migran" / "index.html")
    assert "Melayu: Village A" in data and "Melayu: Number of people" in data
    # No story has a Malay text: none is shown in Malay, and no Malay zine is linked.
    assert not (site / "ms" / "stories" / "paspor-ditahan").exists()
    assert "downloads/2026-dari-bulukumba-ms.pdf" not in home


def test_a_missing_interface_word_falls_back_to_english_with_a_warning(malay):
    import json

    report = json.loads((malay / "build" / "report.json").read_text())
    warnings = [w for w in report["warnings"] if w["file"] == "theme/strings.yml"]
    assert warnings and "download_csv" in warnings[0]["message"] and "told_by" in warnings[0]["message"]
    assert "no 'ms' text" in warnings[0]["message"] and "English" in warnings[0]["message"]
    data = text_of(malay / "site" / "ms" / "statistics" / "pekerja-migran" / "index.html")
    assert "Download the table (CSV)" in data


def test_sitemap_lists_no_search_page_and_dates_only_stories(built):
    sitemap = text_of(built / "site" / "sitemap.xml")
    assert "/search/" not in sitemap and "/offline/" not in sitemap and "404" not in sitemap
    entries = dict(re.findall(r"<loc>https://ballata.example.org/([^<]*)</loc>\s*(?:<lastmod>([^<]*))?",
                              sitemap))
    # A story: the later of her recording and her consent; a page has no date of its own.
    assert entries["stories/paspor-ditahan/"] == "2025-06-14"
    assert entries["about/"] == "" and entries[""] == ""
    assert BUILD_DATE not in sitemap


def test_sitemap_lists_every_page_for_readers_and_no_offline_404_or_search_page(built):
    site = built / "site"
    pages = {path.relative_to(site).as_posix().removesuffix("index.html")
             for path in site.rglob("*.html")}
    # The service worker's fallback page and the 404 page are built, in every language...
    assert {"offline/", "en/offline/", "404.html", "search/", "en/search/"} <= pages
    assert not any(path.startswith("_desk") for path in pages)  # the desk is the preview's only
    expected = {path for path in pages if path != "404.html"
                and not path.endswith(("offline/", "search/"))}
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        listed = re.findall(r"<loc>https://ballata\.example\.org/([^<]*)</loc>", text_of(site / name))
        # ... and only the pages a search engine should show are listed, each once.
        assert len(listed) == len(set(listed)) and set(listed) == expected, name


def test_dates_are_written_for_people(built):
    page = text_of(built / "site" / "stories" / "paspor-ditahan" / "index.html")
    assert '<time datetime="2025-06-14">14 Juni 2025</time>' in page
    page = text_of(built / "site" / "en" / "stories" / "paspor-ditahan" / "index.html")
    assert '<time datetime="2025-06-14">14 June 2025</time>' in page


def test_topic_pages_have_hreflang_and_switch_to_the_same_topic(built):
    page = text_of(built / "site" / "stories" / "tags" / "documents" / "index.html")
    assert 'hreflang="en" href="https://ballata.example.org/en/stories/tags/documents/"' in page
    assert re.search(r'<a class="ballata-lang" href="../../../en/stories/tags/documents/"', page)


def test_a_version_missing_in_a_language_says_so_in_the_switch(built):
    page = text_of(built / "site" / "stories" / "sekolah-di-ladang" / "index.html")
    assert "Halaman ini tidak tersedia dalam English." in page
    assert 'hreflang="en"' not in page.split("</head>")[0]


def test_not_found_page_speaks_every_language(built):
    page = text_of(built / "site" / "404.html")
    assert '<div class="ballata-404" lang="id">' in page and '<div class="ballata-404" lang="en">' in page
    assert "Page not found" in page and "Halaman tidak ditemukan" in page


def test_unused_theme_files_are_not_published(built):
    assets = sorted(p.relative_to(built / "site").as_posix()
                    for p in (built / "site" / "assets").rglob("*") if p.is_file())
    assert assets == ["assets/ballata-mark.svg", "assets/ballata.css", "assets/icons/ballata-192.png",
                      "assets/icons/ballata-512.png"]


def test_a_build_without_pdfs_links_no_download_and_shows_no_size(built):
    assert not (built / "site" / "downloads").exists()
    for page in ("index.html", "en/index.html", "guides/mengurus-paspor/index.html",
                 "en/guides/mengurus-paspor/index.html"):
        html = text_of(built / "site" / page)
        assert "downloads/" not in html and "ballata-pictures" not in html, page  # no PDF, no PNG
        assert not re.search(r"\d [kM]B\b", html), page


def test_sizes_are_written_for_people_in_each_language():
    strings = Strings(REPO / "theme" / "strings.yml")
    assert file_size(1_234_567, "id", strings) == "1,2 MB"
    assert file_size(1_234_567, "en", strings) == "1.2 MB"
    assert file_size(999_700, "id", strings) == "1,0 MB"
    assert file_size(180_400, "id", strings) == file_size(180_400, "en", strings) == "180 kB"
    assert file_size(120, "en", strings) == "1 kB"


def test_checklist_and_hotlines_in_the_guide(built):
    page = text_of(built / "site" / "guides" / "daftar-migrasi-aman" / "index.html")
    assert "<input" not in page and 'class="ballata-checklist"' in page
    assert 'href="tel:080010000000"' in page
    assert "Enam hal" in page
