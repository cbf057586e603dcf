"""The one way source files are read: contained, bounded, checked before anything uses them.

Every file under stories/, content/, theme/ and private/ comes in through here: UTF-8 or an
error naming the byte, a size limit per kind of file, YAML with depth and alias limits (see
schema.py), pictures verified before any renderer opens them, and no symbolic links, so no
source can pull in a file from outside the project.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile, UnidentifiedImageError

from .errors import BallataError, Problems
from .schema import YamlDoc, parse_yaml

SOURCE_FOLDERS = ("stories", "content", "theme")
"""Where an adversary may write any byte; symbolic links are refused in all of them."""

MAX_TEXT_BYTES = 1024 * 1024
"""A testimony is a few pages; a megabyte of Markdown is a pasted file, not a story."""
MAX_YAML_BYTES = 256 * 1024
"""A story.yml is a page of metadata; anything larger is a mistake (a pasted file, a wrong drag)."""
MAX_TABLE_BYTES = 4 * 1024 * 1024
"""An aggregated table has a few hundred rows."""
MAX_IMAGE_BYTES = 40 * 1024 * 1024
MAX_RECORDING_BYTES = 100 * 1024 * 1024
"""An hour of speech from a phone is 30 to 60 MB; more is a video or a wrong file."""
MAX_IMAGE_PIXELS = 50_000_000
"""50 megapixels: more than any phone camera; a larger picture is refused before it is decoded."""
IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
"""MPO: a JPEG with more pictures in it (HDR photos of recent phones); only the first is used."""
WITHDRAWN_LINE = re.compile(r"""^[ \t]+status:[ \t]*["']?withdrawn["']?[ \t]*(?:#.*)?$""", re.MULTILINE)
"""``status: withdrawn`` in the consent block of a story.yml, read even where YAML cannot be."""
UTF8_TIP = "Save it again as UTF-8 (most editors offer this under 'Save as', e.g. 'CSV UTF-8')."
THEME_SUFFIXES = (".html", ".xml", ".css", ".js", ".svg", ".json", ".txt", ".yml", ".yaml", ".md")
"""What theme/ holds: templates, style sheets, scripts, SVG marks and settings, all UTF-8 text.
MkDocs copies every file of theme/overrides/ that is not a template to the website as it is, so
a picture, a font, a zip or a sound file there would be published without any check."""
THEME_TIP = ("theme/ holds the design's text files only. Put a picture in the folder of the story "
             "or page that shows it (it is checked there and published without its metadata), "
             "draw the design's marks as SVG, and use the reader's own fonts; remove this file.")


def relative(path: Path, root: Path) -> str:
    """The path as messages show it: relative to the project folder."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def refuse_links(root: Path, problems: Problems) -> None:
    """A symbolic link under a source folder is an error: it could publish a file from anywhere.
    So is any file of theme/ that is not a text file of a kind the design uses (see
    :func:`check_theme`): both are checked before any source is read."""
    for folder in SOURCE_FOLDERS:
        base = root / folder
        if base.is_symlink():
            problems.error(folder, "is a symbolic link", tip="Replace the link with a real folder.")
            continue
        for current, dirs, files in os.walk(base, followlinks=False):
            for name in sorted(dirs + files):
                path = Path(current) / name
                if not path.is_symlink():
                    continue
                if _in_withdrawn_story(path, root):
                    # Never read: her story is left out. Nothing may block her withdrawal.
                    problems.warning(relative(path, root), "is a symbolic link, left out with her "
                                     "withdrawn story", tip="Delete the link.")
                    continue
                problems.error(relative(path, root), "is a symbolic link: files are never read "
                               "through links", tip="Copy the file itself here, or delete the "
                               "link; nothing outside the project folder may be published.")
    check_theme(root, problems)


def _in_withdrawn_story(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if len(parts) < 3 or parts[0] != "stories":
        return False
    yml = root / "stories" / parts[1] / "story.yml"
    if yml.is_symlink() or not yml.is_file() or yml.stat().st_size > MAX_YAML_BYTES:
        return False
    return bool(WITHDRAWN_LINE.search(yml.read_bytes().decode("utf-8", "replace")))


def check_theme(root: Path, problems: Problems) -> None:
    """Every file under theme/ is UTF-8 text without a NUL byte, of a kind in ``THEME_SUFFIXES``
    and at most ``MAX_TEXT_BYTES``: nothing else can reach the website through the theme."""
    if (root / "theme").is_symlink():
        return  # an error of its own
    for current, dirs, files in os.walk(root / "theme", followlinks=False):
        dirs.sort()
        for file in sorted(files):
            path = Path(current) / file
            name = relative(path, root)
            if path.is_symlink():
                continue  # an error of its own, above
            if path.name.startswith("."):
                continue  # .DS_Store and the like: MkDocs never publishes a hidden file
            if not path.name.lower().endswith(THEME_SUFFIXES):
                problems.error(name, "is not a text file of a kind the design uses (" +
                               ", ".join(THEME_SUFFIXES) + ")", tip=THEME_TIP)
            elif path.stat().st_size > MAX_TEXT_BYTES:
                problems.error(name, f"the file is {path.stat().st_size // 1024} KB; the limit is "
                               f"{MAX_TEXT_BYTES // 1024} KB", tip=THEME_TIP)
            elif b"\x00" in (data := path.read_bytes()):
                problems.error(name, f"the file holds a NUL byte (byte {data.index(0)}): it is not "
                               "a text file", tip=THEME_TIP)
            else:
                _is_utf8(data, name, problems)


def _within(path: Path, name: str, problems: Problems, limit: int) -> bool:
    """Whether ``path`` is a regular file (no link) of at most ``limit`` bytes; if not, says so."""
    if path.is_symlink() or not path.is_file():
        problems.error(name, "is not a regular file", tip="Replace it with the file itself.")
        return False
    size = path.stat().st_size
    if size > limit:
        unit, scale = ("MB", 1024 * 1024) if limit >= 1024 * 1024 * 10 else ("KB", 1024)
        problems.error(name, f"the file is {size // scale} {unit}; the limit is {limit // scale} {unit}",
                       tip="Check that the right file was saved here.")
        return False
    return True


def read_bytes(path: Path, root: Path, problems: Problems, limit: int) -> bytes | None:
    """The file's bytes if it is a regular file of at most ``limit`` bytes of UTF-8 text."""
    name = relative(path, root)
    if not _within(path, name, problems, limit):
        return None
    data = path.read_bytes()
    return data if _is_utf8(data, name, problems) else None


def _is_utf8(data: bytes, name: str, problems: Problems) -> bool:
    """Whether ``data`` is UTF-8 (a byte-order mark allowed); if not, says at which byte and line.
    Decoded as plain UTF-8, which reads the mark as a character, so the byte counts from the
    file's start."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.error(name, f"the file is not UTF-8 text (byte {exc.start}: 0x{data[exc.start]:02x})",
                       line=data[:exc.start].count(b"\n") + 1, tip=UTF8_TIP)
        return False
    return True


def fingerprint_file(path: Path, root: Path, problems: Problems, limit: int) -> str | None:
    """``sha256:`` of a binary source (a recording) read in pieces, or ``None`` with the problem
    recorded: a regular file of at most ``limit`` bytes."""
    if not _within(path, relative(path, root), problems, limit):
        return None
    with path.open("rb") as source:
        return "sha256:" + hashlib.file_digest(source, "sha256").hexdigest()


def read_text(path: Path, root: Path, problems: Problems, limit: int = MAX_TEXT_BYTES) -> str | None:
    """UTF-8 text without a byte-order mark, or ``None`` with the problem recorded."""
    data = read_bytes(path, root, problems, limit)
    return None if data is None else data.decode("utf-8-sig")


def read_yaml(path: Path, root: Path, problems: Problems,
              limit: int = MAX_YAML_BYTES) -> YamlDoc | None:
    """A YAML source, bounded in bytes, depth and expanded size."""
    text = read_text(path, root, problems, limit)
    return None if text is None else parse_yaml(text, relative(path, root), problems)


def read_theme_file(path: Path, root: Path) -> str:
    """A design file of theme/ (CSS, strings, font list): read like every source; a problem stops
    the build, since nothing can be laid out without it."""
    problems = Problems()
    text = read_text(path, root, problems, MAX_YAML_BYTES)
    if text is None:
        raise BallataError(problems.errors)
    return text


def read_theme_yaml(path: Path, root: Path) -> Any:
    problems = Problems()
    doc = read_yaml(path, root, problems)
    if doc is None or problems.errors:
        raise BallataError(problems.errors)
    return doc.data


def check_image(path: Path, root: Path, problems: Problems, *, field: str | None = None) -> bool:
    """Whether ``path`` is a whole JPEG, PNG or WebP picture of at most 50 megapixels. Decoded
    here, once, so no renderer meets a broken or oversized picture."""
    name = relative(path, root)
    tip = "Export the picture again as JPEG or PNG (at most 50 megapixels) and replace the file."
    if path.is_symlink() or not path.is_file():
        problems.error(name, "is not a regular file", field=field, tip=tip)
        return False
    if path.stat().st_size > MAX_IMAGE_BYTES:
        problems.error(name, f"the picture is over {MAX_IMAGE_BYTES // 1024 // 1024} MB",
                       field=field, tip=tip)
        return False
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when it is imported: a check
    # must not inherit that, or half a picture would pass.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in IMAGE_FORMATS:
                    problems.error(name, f"is a {image.format} picture; expected JPEG, PNG or WebP",
                                   field=field, tip=tip)
                    return False
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    problems.error(name, f"the picture is {image.width}×{image.height} pixels, over "
                                   f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels", field=field, tip=tip)
                    return False
                image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        problems.error(name, "is not a picture Pillow can read", field=field, tip=tip)
        return False
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow raises OSError for a truncated file ("image file is truncated") and
        # SyntaxError/ValueError for broken headers.
        problems.error(name, f"the picture is damaged ({exc})", field=field, tip=tip)
        return False
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return True
