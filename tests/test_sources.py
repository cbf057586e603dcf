"""Contained inputs: every source file comes in through one reader, and bad input is a clear error
(file, line or byte, tip; exit 1) in bounded time and memory, never a traceback or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import BUILD_DATE

STORY = "stories/paspor-ditahan"
DATASET = "content/statistics/pekerja-migran"
ZINE = "content/zines/2026-dari-bulukumba"


def latin1(path: Path) -> None:
    """Insert a Latin-1 'é' (byte 0xe9) into a comment on the file's second line."""
    lines = path.read_bytes().split(b"\n")
    lines.insert(1, b"# caf\xe9")
    path.write_bytes(b"\n".join(lines))


def latin1_csv(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"desa-a", b"d\xe9sa-a", 1))


def register(root: Path) -> Path:
    path = root / "private" / "register.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("paspor-ditahan:\n  real_names: [\"Nama Samaran Panjang\"]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("relative, spoil, line", [
    (f"{STORY}/story.yml", latin1, 2),
    (f"{ZINE}/zine.yml", latin1, 2),
    (f"{DATASET}/dataset.yml", latin1, 2),
    (f"{DATASET}/table.csv", latin1_csv, None),
    ("ballata.yml", latin1, 2),
], ids=["story.yml", "zine.yml", "dataset.yml", "table.csv", "ballata.yml"])
def test_a_latin1_byte_is_an_error_naming_file_and_byte(relative, spoil, line, sample, run):
    spoil(sample / relative)
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    location = relative + (f":{line}" if line else "")
    assert f"ERROR {location}" in result.err, result.err
    assert "is not UTF-8 text (byte" in result.err and "0xe9" in result.err
    assert "TIP Save it again as UTF-8" in result.err


def test_a_latin1_byte_in_the_register_is_an_error(sample, run):
    latin1(register(sample))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "ERROR private/register.yml:2: the file is not UTF-8 text" in result.err


def _replace_picture(root: Path, write) -> Path:
    picture = root / STORY / "tangan.jpg"
    assert picture.is_file()
    write(picture)
    return picture


@pytest.mark.parametrize("write, words", [
    (lambda p: p.write_text("just some text, named .jpg"), "is not a picture Pillow can read"),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "the picture is damaged"),
    (lambda p: Image.new("1", (20000, 10000)).save(p, "PNG"), "is not a picture Pillow can read"),
    (lambda p: Image.new("L", (8000, 7000)).save(p, "PNG"), "over 50 megapixels"),
    (lambda p: Image.new("RGB", (8, 8)).save(p, "GIF"), "is a GIF picture"),
], ids=["text-named-jpg", "truncated-jpeg", "decompression-bomb", "56-megapixels", "gif"])
def test_a_bad_picture_is_an_error_naming_it(write, words, sample, run):
    _replace_picture(sample, write)
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ERROR {STORY}/tangan.jpg: media[0].file: " in result.err and words in result.err, result.err
    assert "TIP Export the picture again" in result.err


def test_a_bad_cover_is_an_error(sample, run):
    (sample / ZINE / "sampul.jpg").write_text("not a picture")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ERROR {ZINE}/sampul.jpg: cover: is not a picture Pillow can read" in result.err


def _check_in_subprocess(root: Path) -> subprocess.CompletedProcess[str]:
    """A separate process with a time limit: a hang fails the test instead of the whole run."""
    return subprocess.run([sys.executable, "-m", "ballata.cli", "check", "--root", str(root),
                           "--date", BUILD_DATE], capture_output=True, text=True, timeout=60)


def test_deeply_nested_yaml_is_refused(sample):
    yml = sample / STORY / "story.yml"
    yml.write_text(yml.read_text() + "extra: " + "[" * 5000 + "]" * 5000 + "\n")
    result = _check_in_subprocess(sample)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"ERROR {STORY}/story.yml:" in result.stderr
    assert "nested more than 32 levels deep" in result.stderr


def test_a_yaml_alias_bomb_is_refused(sample):
    bomb = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    (sample / ZINE / "zine.yml").write_text("\n".join(bomb) + "\n")
    result = _check_in_subprocess(sample)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"ERROR {ZINE}/zine.yml:1: this is not valid YAML: with its aliases" in result.stderr


@pytest.mark.parametrize("where", ["content/about/peta.jpg", "stories/malam-di-barak/index.en.md",
                                   "theme/overrides/assets/data.txt", "content/tautan"])
def test_a_symbolic_link_under_a_source_folder_is_an_error(where, sample, run, tmp_path):
    secret = tmp_path / "private-file"
    secret.write_text("not for publishing")
    link = sample / where
    if link.exists():
        link.unlink()
    os.symlink(secret, link)
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ERROR {where}: is a symbolic link" in result.err, result.err


def test_an_oversized_text_is_an_error(sample, run):
    text = sample / STORY / "index.id.md"
    text.write_text(text.read_text() + "kata " * 250_000)
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ERROR {STORY}/index.id.md: the file is" in result.err and "the limit is 1024 KB" in result.err


def test_a_truncated_picture_is_refused_even_after_weasyprint_was_loaded(sample, run):
    """WeasyPrint tells Pillow to accept truncated pictures, process-wide, when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    _replace_picture(sample, lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1 and "the picture is damaged" in result.err
    assert ImageFile.LOAD_TRUNCATED_IMAGES     # put back as it was


@pytest.mark.parametrize("where, data, message", [
    ("theme/overrides/assets/x/voice.mp3", b"\xff\xfb\x50\xc4" + bytes(400), "is not a text file of a kind"),
    ("theme/overrides/assets/logo.png", b"\x89PNG\r\n\x1a\n", "is not a text file of a kind"),
    ("theme/overrides/assets/fonts/a.woff2", b"wOF2", "is not a text file of a kind"),
    ("theme/overrides/assets/bundle.zip", b"PK\x05\x06" + bytes(18), "is not a text file of a kind"),
    ("theme/overrides/assets/x.pagefind", b"pagefind_dcd", "is not a text file of a kind"),
    ("theme/overrides/assets/README", b"notes", "is not a text file of a kind"),
    ("theme/zine/cover.jpg", b"\xff\xd8\xff", "is not a text file of a kind"),
    ("theme/overrides/assets/x.js", b"var a = 1;\x00\xff\xfb", "the file holds a NUL byte (byte 10)"),
    ("theme/overrides/assets/x.css", b"p {}\n/* caf\xe9 */", "x.css:2: the file is not UTF-8 text (byte 11: 0xe9)"),
    ("theme/overrides/assets/big.svg", b"<svg>" + b" " * (1 << 20) + b"</svg>", "the limit is 1024 KB"),
], ids=["mp3", "png", "font", "zip", "pagefind", "no-suffix", "zine-picture", "nul",
        "latin1", "big"])
def test_theme_holds_nothing_but_text_files_of_the_design(where, data, message, sample, run):
    """MkDocs copies every file of theme/overrides/ to the website as it is."""
    path = sample / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ERROR {where}" in result.err and message in result.err, result.err
    assert "TIP" in result.err


def test_a_hidden_file_of_a_computer_neither_stops_the_build_nor_is_published(sample, run):
    """A Mac leaves .DS_Store in every folder it opens; MkDocs never copies a hidden file."""
    (sample / "theme" / "overrides" / "assets" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(64))
    assert run("build", "--root", str(sample), "--date", BUILD_DATE, "--no-pdf").code == 0
    assert not list((sample / "site").rglob(".DS_Store"))


def test_the_sample_theme_passes_its_own_check():
    from ballata import sources
    from ballata.errors import Problems

    problems = Problems()
    sources.check_theme(Path(__file__).resolve().parents[1], problems)
    assert not problems.errors


def test_a_phone_s_hdr_photo_mpo_is_published_as_its_first_picture(sample, run):
    """Recent phones save HDR photos as MPO (a JPEG with a second picture after it): an editor's
    ordinary photo must not stop the build; only the first picture is published."""
    photo = sample / "stories" / "paspor-ditahan" / "tangan.jpg"
    with Image.open(photo) as first:
        first.load()
        second = first.rotate(180)
        first.save(photo, "MPO", save_all=True, append_images=[second])
    with Image.open(photo) as check:
        assert check.format == "MPO" and check.n_frames == 2
    assert run("build", "--root", str(sample), "--date", BUILD_DATE, "--no-pdf").code == 0
    published = sample / "site" / "stories" / "paspor-ditahan" / "tangan.jpg"
    with Image.open(published) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert b"MPF\x00" not in published.read_bytes()


def test_a_link_in_her_folder_never_blocks_her_withdrawal(sample, run):
    folder = sample / "stories" / "paspor-ditahan"
    (folder / "index.en.opus").symlink_to("index.id.opus")
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 1  # while published
    assert run("consent", "withdraw", "paspor-ditahan", "--root", str(sample)).code == 0
    result = run("build", "--root", str(sample), "--date", BUILD_DATE, "--no-pdf")
    assert result.code == 0, result.err
    assert "stories/paspor-ditahan/index.en.opus: is a symbolic link, left out with her withdrawn " \
           "story" in result.err
    assert not (sample / "site" / "stories" / "paspor-ditahan").exists()


def test_a_byte_that_is_not_utf8_is_counted_from_the_file_s_start_even_after_a_bom(tmp_path):
    from ballata import sources
    from ballata.errors import Problems

    path = tmp_path / "index.id.md"
    path.write_bytes(b"\xef\xbb\xbf# Judul\n\ncaf\xe9\n")
    problems = Problems()
    assert sources.read_bytes(path, tmp_path, problems, sources.MAX_TEXT_BYTES) is None
    assert problems.errors[0].message == "the file is not UTF-8 text (byte 15: 0xe9)"
    assert problems.errors[0].line == 3
