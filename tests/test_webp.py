"""Pictures also as WebP where that is smaller (issue 14): one <picture> per published picture, the
WebP files made from the same clean pixels, without metadata, and never in another picture's name."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import BUILD_DATE, copy_project
from site_helpers import serve, text_of
from ballata import images
from ballata.audit import pictures
from ballata.cli import main

STORY = "stories/jalan-pulang"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("webp"))
    assert main(["build", "--root", str(root), "--date", BUILD_DATE, "--no-pdf"]) == 0
    return root


def _pictures(page: str) -> list[str]:
    return re.findall(r"<picture>.*?</picture>", page, re.DOTALL)


def test_every_published_picture_is_offered_as_webp(built):
    site = built / "site"
    pages = [site / STORY / "index.html", site / "stories" / "index.html", site / "index.html"]
    for path in pages:
        page = text_of(path)
        imgs = [i for i in re.findall(r"<img\b[^>]*>", page) if "srcset=" in i]
        assert imgs and len(_pictures(page)) == len(imgs), path
        for block in _pictures(page):
            webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">', block)
            jpeg = re.search(r'<img src="[^"]+" srcset="([^"]+)"', block) or \
                re.search(r'<img\b[^>]*\bsrcset="([^"]+)"', block)
            assert webp and jpeg, block
            for (w_file, w_width), (j_file, j_width) in zip(_srcset(webp.group(1)), _srcset(jpeg.group(1)),
                                                           strict=True):
                assert w_width == j_width and w_file.endswith(".webp")
                w_path, j_path = (path.parent / w_file).resolve(), (path.parent / j_file).resolve()
                data = w_path.read_bytes()
                assert len(data) < j_path.stat().st_size
                assert pictures.read(data).kinds == []  # no metadata
                with Image.open(io.BytesIO(data)) as w, Image.open(j_path) as j:
                    assert w.format == "WEBP" and w.size == j.size and f"{w.width}w" == w_width


def _srcset(value: str) -> list[tuple[str, str]]:
    return [tuple(part.strip().split(" ")) for part in value.split(",")]  # type: ignore[misc]


def test_a_phone_downloads_the_small_webp(built):
    playwright = pytest.importorskip("playwright.sync_api", reason="install the test extras")
    from test_browser import ARGS, CHROMIUM

    with playwright.sync_playwright() as p, serve(built / "site") as url:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 800})
        fetched: list[str] = []
        page.on("response", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
        page.goto(f"{url}/{STORY}/")
        page.evaluate("document.querySelector('figure').scrollIntoView()")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        shown = page.evaluate("[...document.images].map(i => i.currentSrc.split('/').pop())")
        browser.close()
    assert "jalan-480.webp" in shown
    assert not [f for f in fetched if f.startswith("jalan") and not f.endswith(".webp")]


def test_the_offline_bundle_carries_the_webp_files_its_pages_use(built):
    with zipfile.ZipFile(built / "build" / "offline" / "ballata-migran-id.zip") as bundle:
        names = set(bundle.namelist())
    assert f"ballata-migran-id/{STORY}/jalan-480.webp" in names


def test_a_drawing_stays_pixel_exact_in_webp(tmp_path):
    drawing = tmp_path / "drawing.png"
    image = Image.new("RGB", (1200, 800), "white")
    for x in range(0, 1200, 40):
        image.paste((156, 63, 15), (x, 0, x + 3, 800))
    image.save(drawing)
    sizes = images.renditions(drawing, "stories/x/drawing.png")
    assert [r.webp.path for r in sizes if r.webp] == ["stories/x/drawing-480.webp",
                                                      "stories/x/drawing-960.webp",
                                                      "stories/x/drawing.webp"]
    for r in sizes:
        assert r.webp is not None and len(r.webp.data) < len(r.data)
        with Image.open(io.BytesIO(r.data)) as png, Image.open(io.BytesIO(r.webp.data)) as webp:
            assert png.convert("RGB").tobytes() == webp.convert("RGB").tobytes()


def test_a_webp_copy_never_takes_another_picture_s_name(sample):
    """drawing.png and drawing.webp in one story: the declared WebP is published as itself."""
    folder = sample / "stories" / "paspor-ditahan"
    Image.new("RGB", (600, 400), (10, 120, 40)).save(folder / "tanah.png")
    Image.new("RGB", (600, 400), (200, 30, 30)).save(folder / "tanah.webp", "WEBP")
    yml = folder / "story.yml"
    text = yml.read_text(encoding="utf-8")
    extra = "".join(f"  - file: {name}\n    alt: {{id: \"Warna\", en: \"Colour\"}}\n    shows_faces: false\n"
                    for name in ("tanah.png", "tanah.webp"))
    yml.write_text(text.replace("media:\n", "media:\n" + extra), encoding="utf-8")
    for lang in ("id", "en"):
        assert main(["consent", "approve", "paspor-ditahan", lang, "--root", str(sample)]) == 0
    assert main(["build", "--root", str(sample), "--date", BUILD_DATE, "--no-pdf"]) == 0
    with Image.open(sample / "site" / "stories" / "paspor-ditahan" / "tanah.webp") as published:
        red, green, _ = published.convert("RGB").getpixel((10, 10))
        assert red > 180 and green < 50  # the red WebP, not the green drawing's copy


def test_two_pictures_of_one_name_get_no_webp_that_could_show_the_wrong_one(sample):
    """tangan.jpg and tangan.png both declared: one tangan.webp would show one picture under the
    other's alt text; neither gets a WebP copy."""
    folder = sample / "stories" / "paspor-ditahan"
    with Image.open(folder / "tangan.jpg") as photo:
        photo.rotate(180).save(folder / "tangan.png")
    yml = folder / "story.yml"
    extra = '  - file: tangan.png\n    alt: {id: "Terbalik", en: "Upside down"}\n    shows_faces: false\n'
    yml.write_text(yml.read_text(encoding="utf-8").replace("media:\n", "media:\n" + extra), encoding="utf-8")
    for lang in ("id", "en"):
        assert main(["consent", "approve", "paspor-ditahan", lang, "--root", str(sample)]) == 0
    assert main(["build", "--root", str(sample), "--date", BUILD_DATE, "--no-pdf"]) == 0
    site = sample / "site" / "stories" / "paspor-ditahan"
    assert not list(site.glob("tangan*.webp"))
    assert (site / "tangan.jpg").is_file() and (site / "tangan.png").is_file()
