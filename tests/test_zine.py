"""The zine and handouts: read the real PDFs back, page by page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import BUILD_DATE, copy_project
from site_helpers import text_of, tree_hash
from test_cli import EXPECTED
from test_site import TITLES
from ballata.cli import main
from ballata.zine.impose import saddle_stitch_order

EDITION = "2026-dari-bulukumba"
BYLINES = {"paspor-ditahan": "Ibu Sari", "gaji-tertunda": "Daeng Ratna", "surat-dari-tawau": "Kak Mila",
           "pulang-tanpa-dokumen": "Ibu Wati", "anak-di-kampung": "Mama Ani", "kontrak-lama": "Ibu Nur",
           "sekolah-di-ladang": "Ibu Rosmini", "hujan-di-keningau": "Kak Ina",
           "mimpi-nurul": "Nurul", "jalan-pulang": "Ibu Halimah"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("zine"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root


def pdf_text(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def outputs(root: Path, lang: str) -> dict[str, tuple[Path, tuple[int, ...]]]:
    """Each PDF of the edition with the channels its stories need (SPEC §5)."""
    return {
        "screen": (root / "site" / "downloads" / f"{EDITION}-{lang}.pdf", (0, 1)),
        "print": (root / "build" / "print" / f"{EDITION}-{lang}-print.pdf", (1,)),
        "booklet": (root / "build" / "print" / f"{EDITION}-{lang}-booklet.pdf", (1,)),
    }


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("kind", ["screen", "print", "booklet"])
def test_pdf_carries_exactly_the_allowed_stories(kind, lang, built):
    path, needs = outputs(built, lang)[kind]
    text = " ".join(pdf_text(path))
    for slug, (web, print_, _) in EXPECTED.items():
        allowed = all(lang in (web, print_)[i] for i in needs)
        title = TITLES[(slug, lang)]
        assert (title in text) == allowed, (kind, lang, slug)
        if not allowed:
            assert BYLINES[slug] not in text or any(
                BYLINES[slug] == BYLINES[other] for other in EXPECTED if other != slug)
    for canary in ("KANARI", "CANARY"):
        assert canary not in text


def test_screen_pdf_needs_web_and_print(built):
    screen = " ".join(pdf_text(outputs(built, "id")["screen"][0]))
    printed = " ".join(pdf_text(outputs(built, "id")["print"][0]))
    assert "Surat dari Tawau" in printed and "Surat dari Tawau" not in screen   # print only
    assert "Gaji yang Selalu Tertunda" not in printed                          # web only


@pytest.mark.parametrize("lang", ["id", "en"])
def test_toc_page_numbers_are_where_stories_start(lang, built):
    reader = PdfReader(outputs(built, lang)["print"][0])
    pages = pdf_text(outputs(built, lang)["print"][0])
    toc_page = next(i for i, page in enumerate(pages) if re.match(r"(Daftar isi|Contents) ", page))
    lines = (reader.pages[toc_page].extract_text() or "").splitlines()
    entries = [m.groups() for m in (re.match(r"(.+?) ?(?:\. ?)+(\d+)$", l) for l in lines) if m]
    assert len(entries) >= 8
    for title, number in entries:
        # A part's first page opens with its name (CERITA, PANDUAN) over the title.
        start = next(i + 1 for i, page in enumerate(pages)
                     if i != toc_page and title in page[:len(title) + 12])
        assert start == int(number), (title, number, start)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_print_is_a_multiple_of_four_and_booklet_is_imposed(lang, built):
    out = outputs(built, lang)
    printed = PdfReader(out["print"][0])
    booklet = PdfReader(out["booklet"][0])
    n = len(printed.pages)
    assert n % 4 == 0
    assert len(booklet.pages) == n // 2
    for side in booklet.pages:
        width, height = float(side.mediabox.width), float(side.mediabox.height)
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2       # A4 landscape, in points
    # Saddle stitch: the first side carries the back cover (last page) and the front cover.
    sides = pdf_text(out["booklet"][0])
    pages = pdf_text(out["print"][0])
    for (left, right), side in zip(saddle_stitch_order(n), sides):
        for page in (left, right):
            words = pages[page - 1].split()[:6]
            assert " ".join(words) in side or not words
    assert "Balla'ta Migran" in sides[0] and pages[-1].split()[0] in sides[0]


def test_saddle_stitch_order():
    assert saddle_stitch_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    with pytest.raises(ValueError):
        saddle_stitch_order(6)


def test_print_has_bleed_crop_marks_and_embedded_fonts(built):
    reader = PdfReader(outputs(built, "id")["print"][0])
    page = reader.pages[3]
    trim, bleed = page.trimbox, page.bleedbox
    mm = 72 / 25.4
    assert abs((float(trim.left) - float(bleed.left)) - 3 * mm) < 0.1
    assert abs((float(bleed.right) - float(trim.right)) - 3 * mm) < 0.1
    assert abs(float(trim.width) - 148 * mm) < 0.5 and abs(float(trim.height) - 210 * mm) < 0.5
    assert page.mediabox == bleed                      # WeasyPrint draws the crop marks in the bleed
    fonts = set()
    for p in reader.pages:
        for font in (p.get("/Resources", {}).get("/Font", {}) or {}).values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is None:
                descendants = font.get_object().get("/DescendantFonts")
                descriptor = descendants[0].get_object()["/FontDescriptor"] if descendants else None
            if descriptor is not None:
                d = descriptor.get_object()
                fonts.add((str(d["/FontName"]), any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert "PDF/X-4" in text_of_xmp(reader)


def text_of_xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8", "replace")


def test_screen_pdf_is_tagged_small_and_without_marks(built):
    path = outputs(built, "en")["screen"][0]
    reader = PdfReader(path)
    assert path.stat().st_size < 3 * 1024 * 1024
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "pdfuaid" in text_of_xmp(reader)
    page = reader.pages[0]
    assert page.mediabox == page.trimbox


@pytest.mark.parametrize("kind", ["screen", "print"])
def test_metadata_has_title_date_and_no_personal_names(kind, built):
    reader = PdfReader(outputs(built, "id")[kind][0])
    info = {k: str(v) for k, v in (reader.metadata or {}).items()}
    assert info["/Title"] == "Dari Bulukumba ke Malaysia"
    assert info["/CreationDate"].startswith("D:20261126")
    assert "/Author" not in info
    everything = " ".join(info.values()) + text_of_xmp(reader)
    for name in BYLINES.values():
        assert name not in everything
    assert "/root" not in everything and "/tmp" not in everything


def test_pages_are_not_blank(built, tmp_path):
    pdf = outputs(built, "id")["print"][0]
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "4", str(pdf),
                    str(tmp_path / "page")], check=True)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == 4
    for picture in pictures:
        with Image.open(picture) as image:
            low, high = image.convert("L").getextrema()
            assert high - low > 100, picture.name


def test_handouts_exist_and_are_linked(built):
    for lang, prefix in (("id", ""), ("en", "en/")):
        for guide in ("mengurus-paspor", "hak-pekerja-malaysia", "daftar-migrasi-aman"):
            pdf = built / "site" / "downloads" / "guides" / f"{guide}-{lang}.pdf"
            assert pdf.is_file()
            html = text_of(built / "site" / prefix / "guides" / guide / "index.html")
            assert f"downloads/guides/{guide}-{lang}.pdf" in html
        home = text_of(built / "site" / prefix / "index.html")
        assert f"downloads/{EDITION}-{lang}.pdf" in home
    text = " ".join(pdf_text(built / "site" / "downloads" / "guides" / "mengurus-paspor-en.pdf"))
    assert "Getting your own passport" in text


@pytest.mark.parametrize("lang, prefix, words", [("id", "", "Zine cetak"),
                                                  ("en", "en/", "The printed zine")])
def test_the_zine_size_is_in_the_footer_and_on_the_home_page(built, lang, prefix, words):
    size = (built / "site" / "downloads" / f"{EDITION}-{lang}.pdf").stat().st_size
    shown = f"{max(1, round(size / 1000))} kB"   # the sample's zine is under 1 MB
    pdf = rf'href="[./]*downloads/{EDITION}-{lang}\.pdf" download>'
    home = text_of(built / "site" / prefix / "index.html")
    assert re.search(rf"{pdf}[^<]*: [^<]*, {shown}</a>", home)                   # the home's button
    for page in (home, text_of(built / "site" / prefix / "guides" / "mengurus-paspor" / "index.html")):
        assert re.search(rf"{pdf}{words}: [^<]* \(PDF, {shown}\)</a>", page)    # every footer


def test_pdfs_are_reproducible(built, tmp_path):
    root = copy_project(tmp_path)
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    assert tree_hash(root / "site" / "downloads") == tree_hash(built / "site" / "downloads")
    assert tree_hash(root / "build" / "print") == tree_hash(built / "build" / "print")


def test_a_listed_story_the_gate_excludes_is_left_out_with_a_warning(tmp_path, run):
    root = copy_project(tmp_path)
    zine = root / "content" / "zines" / EDITION / "zine.yml"
    zine.write_text(zine.read_text().replace("stories: all", "stories: [jalan-pulang, kontrak-lama]"))
    result = run("build", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert "the story 'kontrak-lama' is left out of the id print PDF (expired)" in result.err
    text = " ".join(pdf_text(root / "build" / "print" / f"{EDITION}-id-print.pdf"))
    assert "Jalan Pulang" in text and "Kontrak yang Lama" not in text and "Malam di Barak" not in text


def test_missing_glyph_is_an_error_not_a_tofu_box(tmp_path, run):
    root = copy_project(tmp_path)
    text = root / "stories" / "jalan-pulang" / "index.id.md"
    text.write_text(text.read_text() + "\nSalam 漢字.\n")
    run("consent", "approve", "jalan-pulang", "id", "--root", str(root))
    result = run("build", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 1
    assert ("stories/jalan-pulang/index.id.md: the zine's fonts have no glyph for '字' (U+5B57), "
            "'漢' (U+6F22)") in result.err
    assert not (root / "site").exists()


@pytest.mark.parametrize("old, new, words", [
    ("page_size: A5", "page_size: A3", 'page_size: expected one of A4, A5, A6, B5; got "A3"'),
    ("guides: [mengurus-paspor", "guides: [tidak-ada", "there is no guide 'tidak-ada'"),
    ("cover: sampul.jpg", "cover: hilang.jpg", "there is no file 'hilang.jpg'"),
])
def test_bad_zine_yml_is_a_clear_error(old, new, words, tmp_path, run):
    root = copy_project(tmp_path)
    zine = root / "content" / "zines" / EDITION / "zine.yml"
    zine.write_text(zine.read_text().replace(old, new))
    result = run("check", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"content/zines/{EDITION}/zine.yml:" in result.err and words in result.err


def test_photo_metadata_inside_a_pdf_is_caught_by_the_audit(tmp_path):
    """WeasyPrint 70 drops EXIF itself, so the pipeline cannot make this PDF: build one by hand,
    embedding a JPEG with GPS as it is, and show the output audit refuses it."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

    from ballata.audit import audit_folder

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (5.0, 58.0, 0.0), 3: "E", 4: (118.0, 4.0, 0.0)}
    photo = io.BytesIO()
    Image.new("RGB", (200, 130), (90, 120, 60)).save(photo, "JPEG", exif=exif)
    writer = PdfWriter()
    page = writer.add_blank_page(200, 130)
    image = StreamObject()
    image.set_data(photo.getvalue())
    image.update({NameObject(k): v for k, v in {
        "/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"),
        "/Filter": NameObject("/DCTDecode"), "/Width": NumberObject(200),
        "/Height": NumberObject(130), "/ColorSpace": NameObject("/DeviceRGB"),
        "/BitsPerComponent": NumberObject(8)}.items()})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im0"): writer._add_object(image)})})
    folder = tmp_path / "print"
    folder.mkdir()
    with (folder / "bocor.pdf").open("wb") as out:
        writer.write(out)
    found = audit_folder(folder, "build/print", [], [])
    assert len(found) == 1 and str(found[0]).startswith("build/print/bocor.pdf: ")
    assert "an image carries EXIF with GPS metadata" in str(found[0])


def test_crop_marks_can_be_switched_off_for_a_print_shop(built, tmp_path):
    root = copy_project(tmp_path)
    zine = root / "content" / "zines" / EDITION / "zine.yml"
    zine.write_text(zine.read_text().replace("crop_marks: true", "crop_marks: false"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    marked = PdfReader(outputs(built, "id")["print"][0]).pages[1]
    plain = PdfReader(root / "build" / "print" / f"{EDITION}-id-print.pdf").pages[1]
    assert plain.trimbox == marked.trimbox and plain.bleedbox == marked.bleedbox   # bleed stays
    # The marks are short strokes in the corners of the bleed area, where the page is otherwise white.
    corners = []
    for pdf in (outputs(built, "id")["print"][0], root / "build" / "print" / f"{EDITION}-id-print.pdf"):
        subprocess.run(["pdftoppm", "-r", "144", "-png", "-f", "2", "-l", "2", str(pdf),
                        str(tmp_path / pdf.stem)], check=True)
        with Image.open(next(tmp_path.glob(f"{pdf.stem}-*.png"))) as picture:
            corners.append(picture.convert("L").crop((0, 0, 24, 24)).getextrema()[0])
    assert corners[0] < 128 and corners[1] > 240, corners


@pytest.mark.parametrize("html, expected", [
    ("<p>Hari pertama di ladang, mandor datang.</p>",
     '<p><span class="opening">Hari pertama di ladang</span>, mandor datang.</p>'),
    ("<p>Musim hujan berarti kerja di lumpur.</p>",
     '<p><span class="opening">Musim hujan berarti kerja</span> di lumpur.</p>'),
    ("<p>Ya. Saya</p>", '<p><span class="opening">Ya</span>. Saya</p>'),
    ("<blockquote>\n<p>Kata ibu.</p>\n</blockquote>\n<p>Saya pulang.</p>",
     '<blockquote>\n<p>Kata ibu.</p>\n</blockquote>\n<p><span class="opening">Saya pulang</span>.</p>'),
    ("<h4>Rumah</h4>\n<p>Rumah &amp; ladang kami</p>",
     '<h4>Rumah</h4>\n<p><span class="opening">Rumah &amp; ladang kami</span></p>'),
    ("<p><em>Cerita ini fiktif.</em></p>", "<p><em>Cerita ini fiktif.</em></p>"),
])
def test_a_story_opens_with_her_first_words(html, expected):
    from ballata.zine.render import opening

    assert opening(html) == expected


def test_the_opening_keeps_her_first_words_whole(built):
    """No drop cap: a floated first letter reads as "H ari" in the text layer."""
    for kind in ("screen", "print"):
        text = " ".join(pdf_text(outputs(built, "id")[kind][0]))
        assert "Hari pertama di ladang, mandor mengumpulkan paspor kami." in text


def _ink_rows(pdf: Path, page: int, tmp_path: Path) -> tuple[list[bool], int]:
    """Which pixel rows of a page (rendered at 60 dpi) carry ink, and the page's height."""
    subprocess.run(["pdftoppm", "-r", "60", "-gray", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / pdf.stem)], check=True)
    with Image.open(next(tmp_path.glob(f"{pdf.stem}-*.pgm"))) as picture:
        ink = picture.convert("L").point(lambda v: 255 if v < 200 else 0)
        width, height = ink.size
        return [ink.crop((0, y, width, y + 1)).getbbox() is not None for y in range(height)], height


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("guide", ["mengurus-paspor", "hak-pekerja-malaysia", "daftar-migrasi-aman"])
def test_a_handout_fills_its_one_page(guide, lang, built, tmp_path):
    """Type sized to the guide: the page is covered from top to foot, with no empty half."""
    pdf = built / "site" / "downloads" / "guides" / f"{guide}-{lang}.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text() or ""
    assert not re.search(r"^\s*\d{1,3}\s*$", text, re.MULTILINE)    # no lone folio
    if guide == "daftar-migrasi-aman":
        assert "+60 3-0000 0000" in text               # a number is never broken over two lines
    rows, height = _ink_rows(pdf, 1, tmp_path)
    inked = [y for y, ink in enumerate(rows) if ink]
    assert (inked[-1] - inked[0]) / height >= 0.8
    gap = longest = 0
    for ink in rows[inked[0]:inked[-1]]:
        gap = 0 if ink else gap + 1
        longest = max(longest, gap)
    assert longest / height <= 0.1, f"{longest / height:.0%} of the page is an empty band"


def test_missing_font_says_what_to_install(tmp_path, run):
    root = copy_project(tmp_path)
    fonts = root / "theme" / "zine" / "fonts.yml"
    fonts.write_text(fonts.read_text().replace("NotoSerif-Italic.ttf", "TidakAda-Italic.ttf"))
    result = run("build", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 1
    assert "theme/zine/fonts.yml: the zine's fonts are not installed" in result.err
    assert "apt-get install fonts-noto-core" in result.err


def test_a_guide_shows_its_own_picture_in_its_handout(tmp_path, run):
    from PIL import Image

    root = copy_project(tmp_path)
    guide = root / "content" / "guides" / "mengurus-paspor"
    Image.new("RGB", (600, 400), (30, 90, 60)).save(guide / "peta-kantor.png")
    text = guide / "index.id.md"
    text.write_text(text.read_text() + "\n![Peta kantor imigrasi](peta-kantor.png)\n")
    assert run("build", "--root", str(root), "--date", BUILD_DATE).code == 0
    handout = root / "site" / "downloads" / "guides" / "mengurus-paspor-id.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(handout)], capture_output=True, text=True,
                             check=True).stdout
    assert len(listing.strip().splitlines()) == 3, listing   # header, rule, one picture
    page = (root / "site" / "guides" / "mengurus-paspor" / "index.html").read_text()
    assert 'alt="Peta kantor imigrasi"' in page


@pytest.mark.parametrize("lang, caption", [("en", "Oil-palm seedlings in the estate nursery."),
                                           ("id", "Bibit sawit di persemaian ladang.")])
def test_captions_are_printed_under_pictures(lang, caption, built):
    for kind in ("screen", "print"):
        pages = pdf_text(outputs(built, lang)[kind][0])
        assert any(caption in page for page in pages), kind


def test_a_picture_not_in_the_text_is_printed_after_it_with_its_caption(tmp_path):
    from test_site import add_picture

    root = copy_project(tmp_path)
    add_picture(root, caption_en="The nursery at dawn.")
    assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    text = " ".join(pdf_text(outputs(root, "en")["print"][0]))
    assert text.index("Oil-palm seedlings in the estate nursery.") < text.index("The nursery at dawn.")


@pytest.mark.parametrize("lang, words", [
    ("en", ["How to print this zine", "At a print shop", "flipped on the SHORT edge",
            "Staple twice on the fold", "3 mm bleed and crop marks"]),
    ("id", ["Cara mencetak zine ini", "Di percetakan", "dibalik pada sisi PENDEK",
            "Jepret dua kali pada lipatan", "bleed 3 mm dan tanda potong"]),
])
def test_how_to_print_note_in_the_editions_language(lang, words, built):
    printed = outputs(built, lang)["print"][0]
    booklet = outputs(built, lang)["booklet"][0]
    pages, sides = len(PdfReader(printed).pages), len(PdfReader(booklet).pages)
    note = (built / "build" / "print" / f"{EDITION}-{lang}-HOW-TO-PRINT.txt").read_text()
    for word in words:
        assert word in note
    assert f"send the file {printed.name}".lower() in note.lower() or f"berkas {printed.name}" in note
    assert booklet.name in note
    sheets = sides // 2
    assert (f"{sheets} sheets of A4" in note) if lang == "en" else (f"{sheets} lembar kertas A4" in note)
    assert f"{pages} pages" in note if lang == "en" else f"{pages} halaman" in note
    assert not (built / "site" / "downloads" / f"{EDITION}-{lang}-HOW-TO-PRINT.txt").exists()


def test_the_build_reports_booklet_sheets_not_pages(tmp_path, caplog):
    import logging

    root = copy_project(tmp_path)
    with caplog.at_level(logging.INFO, logger="ballata"):
        assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    sides = len(PdfReader(outputs(root, "id")["booklet"][0]).pages)
    lines = [r.getMessage() for r in caplog.records if "booklet" in r.getMessage()]
    assert f"  {EDITION}-id booklet: {sides // 2} sheets of A4, printed on both sides" in lines
    assert not [line for line in lines if "booklet:" in line and "pages" in line]


def test_no_zine_in_a_language_none_of_its_stories_is_in(tmp_path, run):
    from test_site import add_malay

    root = copy_project(tmp_path)
    add_malay(root)
    result = run("build", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert not (root / "site" / "downloads" / f"{EDITION}-ms.pdf").exists()
    assert not list((root / "build" / "print").glob(f"{EDITION}-ms*"))
    assert "no ms edition is made: none of its stories is published in print in ms" in result.err
    assert (root / "build" / "print" / f"{EDITION}-id-print.pdf").is_file()


# Issue 14: the zine as a publication ------------------------------------------------------------

def rendered(pdf: Path, folder: Path, dpi: int = 20) -> list[Image.Image]:
    folder.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob("page-*.png"))]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_screen_pdf_page_is_blank(lang, built, tmp_path):
    """Ink above the footer on every page (the running footer alone does not count)."""
    for number, page in enumerate(rendered(outputs(built, lang)["screen"][0], tmp_path), 1):
        body = page.crop((0, 0, page.width, int(page.height * 0.86)))
        # Counted, not the darkest pixel: at this resolution body text is light grey.
        inked = sum(body.histogram()[:235])
        assert inked > 0.002 * body.width * body.height, f"page {number} is blank"


def test_print_cover_reaches_the_bleed_on_all_four_sides(built, tmp_path):
    cover = rendered(outputs(built, "id")["print"][0], tmp_path, dpi=30)[0]
    w, h = cover.size
    # One pixel in from each edge of the bleed, halfway along it (the crop marks are in the corners).
    edges = {"left": (1, h // 2), "right": (w - 2, h // 2), "top": (w // 2, 1), "bottom": (w // 2, h - 2)}
    for side, xy in edges.items():
        assert cover.getpixel(xy) < 230, side


def test_blank_pages_are_only_padding_before_the_back_cover(tmp_path):
    """run_job pads a print PDF to a multiple of 4 with blank pages just before the back cover."""
    from ballata.zine.render import Job, run_job

    sections = "".join(f'<section style="break-before: page">Seite {n}</section>' for n in range(1, 6))
    html = f'<html lang="en"><body>{sections}<section style="break-before: page">BACK</section></body></html>'
    out = tmp_path / "padded.pdf"
    css = ("@page { size: A6 } .blank { break-before: page }",)
    label, pages, refused = run_job(Job("padded", html, "https://ballata.invalid/", css, str(out),
                                        pad_to_four=True))
    assert (pages, refused) == (8, [])
    texts = pdf_text(out)
    assert [bool(t) for t in texts] == [True] * 5 + [False] * 2 + [True]
    assert texts[-1] == "BACK"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_print_pdf_blank_pages_only_before_the_back_cover(lang, built):
    pages = pdf_text(outputs(built, lang)["print"][0])
    assert len(pages) % 4 == 0
    blanks = [i for i, text in enumerate(pages) if not text]
    assert blanks == list(range(len(pages) - 1 - len(blanks), len(pages) - 1)), blanks
    assert "Balla'ta Migran" in pages[-1]


def links(pdf: Path) -> list[dict]:
    return [a.get_object() for page in PdfReader(pdf).pages for a in page.get("/Annots") or []
            if a.get_object().get("/Subtype") == "/Link"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_print_pdf_has_no_links_and_screen_pdf_links_say_where_they_go(lang, built):
    assert links(outputs(built, lang)["print"][0]) == []
    for kind in ("print", "booklet"):
        assert b"/URI" not in outputs(built, lang)[kind][0].read_bytes()
    found = links(outputs(built, lang)["screen"][0])
    assert found
    descriptions = {str(a["/Contents"]) for a in found}
    assert TITLES[("paspor-ditahan", lang)] in descriptions
    assert not [d for d in descriptions if re.fullmatch(r"(story|guide|data)-[a-z0-9-]+", d)], descriptions


def test_cross_references_carry_page_numbers(built):
    """The guide's link to a story of the same edition says on which page it starts."""
    for kind, word in (("print", "hlm."), ("screen", "hlm.")):
        pages = pdf_text(outputs(built, "id")[kind][0])
        story = next(i + 1 for i, t in enumerate(pages) if "Paspor yang Ditahan Dituturkan" in t)
        assert any(f"Paspor yang Ditahan ({word} {story})" in t for t in pages), kind


@pytest.mark.parametrize("lang", ["id", "en"])
def test_bookmarks_nest_edition_part_story(lang, built):
    outline = PdfReader(outputs(built, lang)["screen"][0]).outline
    assert len(outline) == 2 and isinstance(outline[1], list)        # the edition, then its contents
    parts = outline[1]
    titles = [item.title for item in parts if not isinstance(item, list)]
    assert titles[:2] == (["Pengantar", "Daftar isi"] if lang == "id" else ["Introduction", "Contents"])
    stories = parts[parts.index(next(p for p in parts if not isinstance(p, list)
                                     and p.title in ("Cerita", "Stories"))) + 1]
    assert TITLES[("paspor-ditahan", lang)] in [s.title for s in stories if not isinstance(s, list)]
    guides = parts[parts.index(next(p for p in parts if not isinstance(p, list)
                                    and p.title in ("Panduan", "Guides"))) + 1]
    guide_titles = [g.title for g in guides if not isinstance(g, list)]
    assert guide_titles and all(isinstance(g, list) for g in guides[1::2])  # sections under each guide


def structure(pdf: Path) -> list[dict]:
    found, todo = [], [PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"].get_object()]
    while todo:
        node = todo.pop()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        todo += [k.get_object() for k in kids if hasattr(k, "get_object")
                 and isinstance(k.get_object(), dict)]
    return found


def test_screen_pdf_tags_contents_and_table_headers(built):
    elements = structure(outputs(built, "en")["screen"][0])
    kinds = [str(e["/S"]) for e in elements]
    assert "/TOC" in kinds and kinds.count("/TOCI") >= 8
    headers = [e for e in elements if e["/S"] == "/TH"]
    assert headers and all(e["/A"]["/Scope"] in ("/Column", "/Row") for e in headers)
    assert {str(e["/A"]["/Scope"]) for e in headers} == {"/Column", "/Row"}


@pytest.mark.parametrize("pdf", [f"site/downloads/{EDITION}-id.pdf",
                                 f"build/print/{EDITION}-id-print.pdf",
                                 f"build/print/{EDITION}-id-booklet.pdf",
                                 "site/downloads/guides/mengurus-paspor-id.pdf"])
def test_words_stay_whole_in_the_text_layer(pdf, built):
    """WeasyPrint 70 draws a hyphen glyph that copies and searches as U+2010 ("persetu‐ juannya"):
    no PDF hyphenates, the print master included, and soft hyphens never reach the text."""
    text = " ".join(pdf_text(built / pdf))
    assert "\u2010" not in text and "\u00ad" not in text
    words = subprocess.run(["pdftotext", str(built / pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "\u2010" not in words and "paspor" in words.lower()
    if "downloads/guides" not in pdf:
        # The zine's introduction asks for her consent ("persetujuannya") near a line end.
        assert "persetujuannya" in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_back_cover_has_the_site_hotlines_and_qr_code(lang, built):
    back = pdf_text(outputs(built, lang)["print"][0])[-1]
    assert "ballata.example.org" in back and "0800-1000-0000" in back
    assert "Balla'ta Migran" in back


def test_a_placeholder_number_warns_and_stops_print_pdfs(tmp_path, run, monkeypatch):
    from ballata.zine.render import placeholder_problems

    monkeypatch.delenv("BALLATA_ALLOW_PLACEHOLDERS")
    root = copy_project(tmp_path)
    config = root / "ballata.yml"
    config.write_text(config.read_text().replace(
        '- {number: "+60 3-0000 0000", placeholder: true}', '- "+60 3-0000 0000"'))
    result = run("build", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 1
    # Said once: ballata.yml's own warning, then the refusal.
    assert result.err.count("WARNING ballata.yml") == 1
    assert re.search(r'WARNING ballata\.yml:\d+: public_identifiers: "0800-1000-0000" is marked '
                     r"placeholder: true", result.err), result.err
    assert ('ERROR ballata.yml: public_identifiers: print PDFs are not made while a public number is '
            'a placeholder: "0800-1000-0000"') in result.err
    assert "--allow-placeholders" in result.err
    assert not (root / "build" / "print").exists() and not (root / "site").exists()
    allowed = placeholder_problems(("0800-1000-0000",), allowed=True)
    assert not allowed.errors and not allowed.warnings
    # Plain strings stay valid and are not placeholders; a website-only build needs no flag.
    assert run("check", "--root", str(root), "--date", BUILD_DATE).code == 0


def test_a_broken_dataset_is_reported_once_not_also_by_the_edition(tmp_path, run):
    root = copy_project(tmp_path)
    table = root / "content" / "statistics" / "pekerja-migran" / "table.csv"
    table.write_text(table.read_text().replace("desa-a,*,259", "desa-a,*,258"))
    result = run("check", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 1
    assert "content/statistics/pekerja-migran/table.csv" in result.err
    assert "there is no dataset" not in result.err
