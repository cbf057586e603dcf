"""The output audit: every attack of issue 11 that got past it, as a regression test.

Hand-made output folders are audited directly (fast); one build of an attacked sample with PDFs,
made with the audit switched off, gives real pages, search fragments and PDFs to audit; and the
sample is built once per story with that story withdrawn, which must always succeed."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText, Link

from conftest import BUILD_DATE, copy_project
from ballata import audit, quotes
from ballata.audit import exclusions
from ballata.build import gather
from ballata.canonical import canon, words
from ballata.cli import main
from ballata.model import Channel, Medium

REAL_NAME = "Sitti Rahmawati"
REGISTER = f'paspor-ditahan:\n  real_names: ["{REAL_NAME}"]\n'
WITHDRAWN = "pulang-tanpa-dokumen"
WITHDRAWN_TEXT = """\
Kapal kecil itu berangkat tengah malam dari pantai timur tanpa lampu sama sekali.
Kami duduk berdesakan di antara karung beras dan jeriken solar sampai subuh datang.
Seorang ibu dari Sinjai menggendong bayinya yang terus menangis karena kedinginan.
Tekong melarang kami berbicara ketika perahu patroli lewat di kejauhan.
Di pelabuhan kecil itu kami menunggu dua hari sebelum truk sayur datang menjemput.
Sampai sekarang saya tidak berani menceritakan perjalanan itu kepada anak-anak saya.
"""
SENTENCES = WITHDRAWN_TEXT.splitlines()
QUOTE = " ".join(SENTENCES[0].split()[:12])
"""Twelve words a guide shares with the withdrawn story, as it might share the name of an office."""
DATE = dt.date.fromisoformat(BUILD_DATE)


def _project(root: Path) -> Path:
    copy_project(root)
    (root / "private").mkdir()
    (root / "private" / "register.yml").write_text(REGISTER, encoding="utf-8")
    story = root / "stories" / WITHDRAWN / "index.id.md"
    story.write_text(WITHDRAWN_TEXT + "\n" + story.read_text(encoding="utf-8"), encoding="utf-8")
    guide = root / "content" / "guides" / "daftar-migrasi-aman" / "index.id.md"
    guide.write_text(guide.read_text(encoding="utf-8") + f"\n{QUOTE}.\n\n## Bila pulang tanpa dokumen\n",
                     encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def ps(tmp_path_factory):
    """The sample's publish set, with a register and a longer withdrawn story."""
    return gather(_project(tmp_path_factory.mktemp("sample")), DATE).publish_set


def audit_site(ps, folder: Path, files: dict[str, bytes | str]) -> list[str]:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return [str(p) for p in audit.audit_site(ps, folder)]


def page(body: str) -> str:
    return f"<!doctype html><html><head><title>x</title></head><body>{body}</body></html>"


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (5.0, 58.0, 0.0), 3: "E", 4: (118.0, 4.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 120, 60)).save(out, "JPEG", exif=exif)
    return out.getvalue()


# Word runs ------------------------------------------------------------------------------------

LEAK = f"contains a sentence of the id version of the excluded story '{WITHDRAWN}'"


def test_a_page_may_share_a_short_quote_but_not_the_story(ps, tmp_path):
    assert audit_site(ps, tmp_path, {"a/index.html": page(f"<p>{QUOTE}</p>")}) == []
    found = audit_site(ps, tmp_path, {"b/index.html": page(f"<p>{SENTENCES[1]} {SENTENCES[2]}</p>"),
                                      "c/index.html": page(f"<p>{SENTENCES[0]}</p>")})
    assert found == [f"site/b/index.html: {LEAK} (17 run(s) of 8 words, in the text)",
                     f"site/c/index.html: {LEAK} (1 run(s) of 8 words, in the text)"]


def test_disguised_text_is_found_in_its_canonical_form(ps, tmp_path):
    disguised = (SENTENCES[3].replace("a", "\u0430").upper().replace("ro", "r<b></b>o")
                 .replace("ar", "a\u00adr").replace(" ", "&#32;\n"))
    found = audit_site(ps, tmp_path, {"x/index.html": page(f"<p>{disguised}</p>"),
                                      "y/index.html": page(f'<img alt="{SENTENCES[4]}" src="p.jpg">')})
    assert found == [f"site/x/index.html: {LEAK} (3 run(s) of 8 words, in the text)",
                     f"site/y/index.html: {LEAK} (6 run(s) of 8 words, in an attribute)"]


def test_text_shared_with_a_published_story_is_allowed(ps, tmp_path):
    shared = ps.all_stories["paspor-ditahan"].texts["id"].body.split("\n\n")[0]
    assert len(words(shared)) >= 8
    assert audit_site(ps, tmp_path, {"x/index.html": page(f"<p>{shared}</p>")}) == []


def test_word_runs_are_hashed_only_where_every_word_could_match(ps):
    rules = exclusions.build(ps, (Channel.WEB,))
    tokens = words(SENTENCES[3])
    assert rules.runs(tokens) and not rules.runs(["zzz"] + tokens[:7] + ["zzz"] + tokens[7:])


# Addresses --------------------------------------------------------------------------------------

@pytest.mark.parametrize("reference", [
    f"/stories/{WITHDRAWN}/", f"../../stories/{WITHDRAWN}/index.html",
    f"https://ballata.example.org/en/stories/{WITHDRAWN}/", "/stories/%70ulang-tanpa-dokumen/#x",
    f"//ballata.example.org/stories/{WITHDRAWN}",
])
def test_a_link_to_an_excluded_story_is_found_by_its_address(reference, ps, tmp_path):
    found = audit_site(ps, tmp_path, {"guides/x/index.html": page(f'<a href="{reference}">baca</a>')})
    assert len(found) == 1 and "site/guides/x/index.html: links to the" in found[0]
    assert f"excluded story '{WITHDRAWN}'" in found[0]


def test_the_title_of_an_excluded_version_is_found_unless_published_material_says_it(ps, tmp_path):
    found = audit_site(ps, tmp_path, {"a/index.html": page("<h2>Going home without papers</h2>"),
                                      "b/index.html": page("<h2>Pulang tanpa dokumen</h2>")})
    assert found == [f"site/a/index.html: contains the title of the en version of the excluded story "
                     f"'{WITHDRAWN}'"]


def test_words_equal_to_a_slug_are_not_a_link(ps, tmp_path):
    body = (f'<h2 id="bila-{WITHDRAWN}">Bila pulang tanpa dokumen</h2>'
            f'<a href="#bila-{WITHDRAWN}">{WITHDRAWN}</a><a href="https://other.example/stories/{WITHDRAWN}/">x</a>')
    assert audit_site(ps, tmp_path, {"guides/x/index.html": page(body),
                                     f"guides/{WITHDRAWN}.txt": "nothing"}) == []


def test_an_excluded_story_in_the_sitemap_and_search_index_is_found(ps, tmp_path):
    sitemap = (f'<?xml version="1.0"?><urlset><url><loc>https://ballata.example.org/stories/{WITHDRAWN}/'
               '</loc></url></urlset>')
    fragment = b"pagefind_dcd" + json.dumps({"url": f"/en/stories/{WITHDRAWN}/", "content": "x"}).encode()
    found = audit_site(ps, tmp_path, {"sitemap.xml.gz": gzip.compress(sitemap.encode()),
                                      "pagefind/fragment/en_1.pf_fragment": gzip.compress(fragment),
                                      f"stories/{WITHDRAWN}/index.html": page("")})
    assert found == [
        f"site/pagefind/fragment/en_1.pf_fragment: links to the en version of the excluded story '{WITHDRAWN}'",
        f"site/sitemap.xml.gz: links to the id version of the excluded story '{WITHDRAWN}'",
        f"site/stories/{WITHDRAWN}/index.html: is published at the address of the id version of the "
        f"excluded story '{WITHDRAWN}'"]


# Images, SVG, data: addresses -------------------------------------------------------------------

def test_png_text_chunks_are_read(ps, tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", REAL_NAME)
    info.add_itxt("Description", "foto di kebun", zip=True)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    found = audit_site(ps, tmp_path, {"assets/images/logo.png": out.getvalue()})
    assert "site/assets/images/logo.png: an image carries PNG text (tEXt) metadata" in found
    assert "site/assets/images/logo.png: an image carries PNG text (iTXt) metadata" in found
    assert ("site/assets/images/logo.png: contains a real name from the private register "
            "(Si•••••••••••ti, story paspor-ditahan) (in a PNG tEXt chunk)") in found


def test_gif_comment_is_read(ps, tmp_path):
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF", comment=f"foto oleh {REAL_NAME}".encode())
    found = audit_site(ps, tmp_path, {"x.gif": out.getvalue()})
    assert found == ["site/x.gif: an image carries GIF comment metadata",
                     "site/x.gif: contains a real name from the private register (Si•••••••••••ti, "
                     "story paspor-ditahan) (in a GIF comment)"]


def test_webp_and_jpeg_metadata_are_found(ps, tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "WEBP", exif=Image.open(io.BytesIO(jpeg_with_gps())).getexif())
    found = audit_site(ps, tmp_path, {"a.webp": out.getvalue(), "b.jpg": jpeg_with_gps()})
    assert found == ["site/a.webp: an image carries EXIF with GPS metadata",
                     "site/b.jpg: an image carries EXIF with GPS metadata"]


def test_svg_metadata_script_and_outside_references_are_found(ps, tmp_path):
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg"><metadata>{REAL_NAME}</metadata>'
           '<script>alert(1)</script><rect onload="x()"/><image href="https://evil.example/p.png"/></svg>')
    found = audit_site(ps, tmp_path, {"assets/logo.svg": svg,
                                      "assets/entity.svg": '<!DOCTYPE svg [<!ENTITY a "b">]><svg/>'})
    assert found == [
        "site/assets/entity.svg: declares a DOCTYPE or ENTITY, which an SVG must not",
        "site/assets/logo.svg: has a <metadata> element",
        "site/assets/logo.svg: has a <script> element",
        "site/assets/logo.svg: has an onload= event handler",
        "site/assets/logo.svg: refers to an outside resource",
        "site/assets/logo.svg: contains a real name from the private register (Si•••••••••••ti, "
        "story paspor-ditahan)"]


def test_a_data_address_picture_with_gps_inside_a_page_is_found(ps, tmp_path):
    uri = "data:image/jpeg;base64," + base64.b64encode(jpeg_with_gps()).decode()
    css = f"body {{ background: url('{uri}') }}"
    found = audit_site(ps, tmp_path, {"x/index.html": page(f'<img src="{uri}" alt="">'),
                                      "assets/x.css": css})
    assert found == ["site/assets/x.css: a data: address in a style sheet: an image carries EXIF with "
                     "GPS metadata",
                     "site/x/index.html: a data: address in <img>: an image carries EXIF with GPS metadata"]


def test_an_excluded_picture_is_found_by_content_and_by_name(ps, tmp_path):
    root = ps.config.root
    yml = root / "stories" / "kontrak-lama" / "story.yml"    # expired: excluded everywhere
    picture = (root / "stories" / "paspor-ditahan" / "tangan.jpg").read_bytes()
    (root / "stories" / "kontrak-lama" / "kontrak.jpg").write_bytes(picture + b"\x00")
    story = ps.all_stories["kontrak-lama"]
    story.media.append(Medium("kontrak.jpg", {"id": "Kontrak"}, False))
    try:
        found = audit_site(ps, tmp_path, {"guides/copy.bin": picture + b"\x00",
                                          "guides/x/index.html": page('<img src="../kontrak-480.jpg">')})
    finally:
        story.media.pop()
    assert found == [
        "site/guides/copy.bin: is a picture of the excluded story 'kontrak-lama'",
        "site/guides/copy.bin: an image carries EXIF with GPS metadata",
        "site/guides/copy.bin: has 1 byte after the end of the image",
        "site/guides/x/index.html: shows a picture of the excluded story 'kontrak-lama'"]
    assert yml.is_file()


def test_unreadable_files_are_findings_not_crashes(ps, tmp_path):
    found = audit_site(ps, tmp_path, {"a.png": b"\x89PNG\r\n\x1a\nbroken", "b.pdf": b"%PDF-1.7 broken",
                                      "c.xml.gz": b"\x1f\x8b broken"})
    assert [f.split(" (")[0] for f in found] == [
        "site/a.png: cannot be read by the audit", "site/b.pdf: cannot be read by the audit",
        "site/c.xml.gz: cannot be read by the audit"]


def test_a_decompression_bomb_is_not_inflated(ps, tmp_path, monkeypatch):
    from ballata.audit import readers

    monkeypatch.setattr(readers, "MAX_INFLATED", 1 << 16)
    found = audit_site(ps, tmp_path, {"big.json.gz": gzip.compress(b" " * (1 << 20))})
    assert found == ["site/big.json.gz: cannot be read by the audit (ValueError: larger than 0 MB "
                     "when decompressed)"]


# PDFs made by hand ---------------------------------------------------------------------------------

def _pdf(ps, tmp_path: Path, change) -> list[str]:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    change(writer)
    folder = tmp_path / "print"
    folder.mkdir(exist_ok=True)
    with (folder / "zine.pdf").open("wb") as out:
        writer.write(out)
    return [str(p) for p in audit.audit_print(ps, folder)]


NAMED = "contains a real name from the private register (Si•••••••••••ti, story paspor-ditahan)"


def test_a_pdf_attachment_is_found(ps, tmp_path):
    found = _pdf(ps, tmp_path, lambda w: w.add_attachment("catatan.txt", f"{REAL_NAME}".encode()))
    assert "build/print/zine.pdf: has an attached file" in found
    assert f"build/print/zine.pdf: {NAMED} (in a file attached to the PDF: the text)" in found


def test_a_pdf_annotation_and_link_are_read(ps, tmp_path):
    def change(writer):
        writer.add_annotation(0, FreeText(text=f"untuk {REAL_NAME}", rect=(10, 10, 100, 50)))
        writer.add_annotation(0, Link(rect=(10, 60, 100, 90),
                                      url=f"https://ballata.example.org/stories/{WITHDRAWN}/"))
    assert _pdf(ps, tmp_path, change) == [
        f"build/print/zine.pdf: {NAMED} (in a PDF annotation)",
        f"build/print/zine.pdf: links to the id version of the excluded story '{WITHDRAWN}'"]


def test_a_pdf_outline_form_field_and_document_info_are_read(ps, tmp_path):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def change(writer):
        writer.add_outline_item(title=f"Bab {REAL_NAME}", page_number=0)
        writer.add_metadata({"/Subject": " ".join(SENTENCES[:2])})
        field = DictionaryObject({NameObject("/FT"): NameObject("/Tx"),
                                  NameObject("/T"): TextStringObject("nama"),
                                  NameObject("/V"): TextStringObject(SENTENCES[4])})
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
    found = _pdf(ps, tmp_path, change)
    assert f"build/print/zine.pdf: {NAMED} (in a PDF bookmark)" in found
    assert (f"build/print/zine.pdf: {LEAK} (20 run(s) of 8 words, in a PDF form field, "
            "the PDF document info)") in found


# A real build of an attacked sample, audited afterwards -------------------------------------------

@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """The whole withdrawn text pasted into a handout guide that is not in the zine, and three of its
    sentences in the zine intro; built with PDFs, with the audit and the gate's own quotation check
    (quotes.py, which would leave both out) switched off: the audit is the net behind the gate."""
    root = _project(tmp_path_factory.mktemp("attacked"))
    guide = root / "content" / "guides" / "hak-pekerja-malaysia" / "index.id.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n## Kisah\n\n" + WITHDRAWN_TEXT,
                     encoding="utf-8")
    intro = root / "content" / "zines" / "2026-dari-bulukumba" / "intro.id.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\n" + " ".join(SENTENCES[1:4]) + "\n",
                     encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quotes, "find_quotes", lambda ps, intros: [])
        patch.setattr(audit, "audit_site", lambda ps, site: [])
        patch.setattr(audit, "audit_print", lambda ps, folder: [])
        patch.setattr(audit, "audit_offline", lambda ps, folder: [])
        assert main(["build", "--root", str(root), "--date", BUILD_DATE]) == 0
    return root


def test_a_story_pasted_into_a_guide_is_found_on_page_search_and_handout(attacked, ps):
    found = [str(p) for p in audit.audit_site(gather(attacked, DATE).publish_set, attacked / "site")]
    leaked = sorted({f.split(":")[0] for f in found if LEAK in f})
    assert "site/guides/hak-pekerja-malaysia/index.html" in leaked
    assert "site/downloads/guides/hak-pekerja-malaysia-id.pdf" in leaked
    assert any(f.startswith("site/pagefind/fragment/id_") for f in leaked)
    assert "site/downloads/2026-dari-bulukumba-id.pdf" in leaked     # the zine intro


def test_three_sentences_in_a_zine_intro_are_found_in_every_pdf(attacked):
    found = [str(p) for p in audit.audit_print(gather(attacked, DATE).publish_set,
                                               attacked / "build" / "print")]
    leaked = sorted({f.split(":")[0] for f in found if LEAK in f})
    assert leaked == ["build/print/2026-dari-bulukumba-id-booklet.pdf",
                      "build/print/2026-dari-bulukumba-id-print.pdf"]


# Withdrawal can never be blocked -------------------------------------------------------------------

SLUGS = sorted(p.parent.name for p in Path(__file__).resolve().parents[1].glob("stories/*/story.yml"))


def withdraw(root: Path, slug: str) -> None:
    """Withdraw ``slug``, remove links to it, and add a guide heading whose anchor contains it."""
    yml = root / "stories" / slug / "story.yml"
    text = re.sub(r"(?m)^(  status: )\w+$", r"\1withdrawn", yml.read_text(encoding="utf-8"))
    if not re.search(r"(?m)^  date: ", text):
        text = text.replace("  status: withdrawn", "  status: withdrawn\n  date: 2026-10-01")
    yml.write_text(text, encoding="utf-8")
    for md in (root / "content").rglob("*.md"):
        body = md.read_text(encoding="utf-8")
        md.write_text(re.sub(rf"(?m)^.*\]\((/en)?/stories/{slug}/\).*$", "", body), encoding="utf-8")
    guide = root / "content" / "guides" / "mengurus-paspor" / "index.id.md"
    guide.write_text(guide.read_text(encoding="utf-8") + f"\n## Bila {slug.replace('-', ' ')}\n\n"
                     "Tanyakan kepada pendamping.\n", encoding="utf-8")


def _outputs(root: Path) -> dict[str, str]:
    """Canonical text of every output file, PDFs and compressed search files included."""
    out: dict[str, str] = {}
    for path in [*(root / "site").rglob("*"), *(root / "build" / "print").rglob("*")]:
        if not path.is_file() or path.suffix in (".jpg", ".png", ".pagefind", ".woff2"):
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
        else:
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            text = data.decode("utf-8", errors="replace")
        out[str(path.relative_to(root))] = " ".join(words(text))
    return out


def _assert_gone(root: Path, slug: str) -> None:
    assert not (root / "site" / "stories" / slug).exists()
    assert not (root / "site" / "en" / "stories" / slug).exists()
    texts = _outputs(root)
    assert any("bila " + " ".join(slug.split("-")) in t for t in texts.values())   # the heading is there
    story_dir = root / "stories" / slug
    for md in story_dir.glob("index.*.md"):
        lines = [line for line in md.read_text(encoding="utf-8").splitlines()
                 if len(words(line)) >= 12 and "fiktif" not in line and "fictional" not in canon(line)]
        for line in lines[:3]:
            probe = " ".join(words(line)[:12])
            leaks = [name for name, text in texts.items() if probe in text]
            assert not leaks, (md.name, leaks)
    urls = [f"stories/{slug}/", f"en/stories/{slug}/"]
    for name in texts:
        if name.endswith(("sitemap.xml", ".pf_fragment")):
            raw = (root / name).read_bytes()
            raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            assert not any(u.encode() in raw for u in urls), name


@pytest.mark.parametrize("slug", SLUGS)
def test_withdrawing_any_story_always_publishes(slug, tmp_path, run):
    root = copy_project(tmp_path)
    withdraw(root, slug)
    result = run("build", "--no-pdf", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    _assert_gone(root, slug)


def test_withdrawing_a_printed_story_publishes_pdfs_without_it(tmp_path, run):
    root = copy_project(tmp_path)
    withdraw(root, "paspor-ditahan")
    result = run("build", "--root", str(root), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert list((root / "site" / "downloads").glob("*.pdf"))
    _assert_gone(root, "paspor-ditahan")
