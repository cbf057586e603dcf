"""The output audit denies by default (issue: sound the gate did not publish): a file is published
only when the audit positively knows its kind, sound is looked for at every offset of every binary
file, and theme/ can carry nothing but text. Each attack of the review is a case here."""

from __future__ import annotations

import base64
import bz2
import datetime as dt
import gzip
import hashlib
import io
import lzma
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from mutagen.oggopus import OggOpus
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject

from conftest import BUILD_DATE
from ballata import audit
from ballata.audit import exclusions, sound
from ballata.audit.exclusions import Exclusions
from ballata.build import gather
from ballata.model import Channel

FFMPEG = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is installed by `make test`")
UNKNOWN = "is a file of a kind the audit does not know: nothing unknown is published"
NOT_PUBLISHED = "is a sound file that the consent gate did not publish"


def encode(folder: Path, name: str, *options: str) -> bytes:
    """One second of a tone, as ffmpeg writes it with ``options``."""
    path = folder / name
    subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "sine=frequency=330:duration=1", *options, str(path)],
                   check=True)
    return path.read_bytes()


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("media")
    return {
        "mp3": encode(folder, "a.mp3", "-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"),
        "m4a": encode(folder, "a.m4a", "-c:a", "aac"),
        "rf64": encode(folder, "a.wav", "-c:a", "pcm_s16le", "-rf64", "always"),
        "ts": encode(folder, "a.ts", "-c:a", "mp2", "-f", "mpegts"),
        "ac3": encode(folder, "a.ac3", "-c:a", "ac3", "-f", "ac3"),
        "avi": encode(folder, "a.avi", "-c:a", "pcm_s16le", "-f", "avi"),
        "adts": encode(folder, "a.aac", "-c:a", "aac", "-f", "adts"),
    }


def audit_site(folder: Path, files: dict[str, bytes | str], rules: Exclusions | None = None
               ) -> dict[str, list[str]]:
    """File name -> the audit's messages about it, for a site holding ``files``."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    found: dict[str, list[str]] = {}
    for problem in audit.audit_folder(folder, "site", rules or Exclusions(),
                                      site_url="https://ballata.example.org/", in_site=True):
        found.setdefault(problem.file.split("/", 1)[1], []).append(problem.message)
    return found


def boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, whole box) of the top-level boxes of an MP4 file."""
    out, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        out.append((data[at + 4:at + 8], data[at:at + size]))
        at += size
    return out


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    return out.getvalue()


def tar(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_STORED, comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.comment = comment
    return out.getvalue()


def pdf(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stream(writer: PdfWriter, data: bytes, compress: bool = False, **keys: object) -> object:
    obj = StreamObject()
    obj.set_data(data)
    obj.update({NameObject(k): v for k, v in keys.items()})
    return writer._add_object(obj.flate_encode() if compress else obj)


def sound_annotation(mp3: bytes):
    def change(writer: PdfWriter) -> None:
        sound_ = stream(writer, mp3, **{"/Type": NameObject("/Sound"), "/R": NumberObject(44100)})
        annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                       NameObject("/Subtype"): NameObject("/Sound"),
                                       NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                       NameObject("/Sound"): sound_})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return change


# Sound the audit read as text or skipped ----------------------------------------------------------

ATTACKS = {
    "junk-prefix.mp3": lambda m: b"\x00" + m["mp3"],
    "notes.txt": lambda m: b"hello world\n" + m["mp3"],
    "utf16-mark.bin": lambda m: b"\xff\xfe" + m["mp3"][2:],
    "free-box-first.m4a": lambda m: b"\x00\x00\x00\x08free" + m["m4a"],
    "no-ftyp.m4a": lambda m: b"".join(box for kind, box in boxes(m["m4a"]) if kind != b"ftyp"),
    "brand-mif1.m4a": lambda m: m["m4a"][:8] + b"mif1" + m["m4a"][12:],
    "rf64.wav": lambda m: m["rf64"],
    "stream.ts": lambda m: m["ts"],
    "sound.ac3": lambda m: m["ac3"],
    "film.avi": lambda m: m["avi"],
    "junk-prefix.aac": lambda m: b"\x00" + m["adts"],
    "assets/font.woff": lambda m: b"wOFF" + m["mp3"],
    "assets/fonts/x.woff2": lambda m: b"wOF2" + m["mp3"],
    "assets/x.pagefind": lambda m: b"pagefind_dcd" + m["mp3"],
    "pagefind/wasm.xx.pagefind": lambda m: gzip.compress(b"pagefind_dcd" + m["mp3"]),
    "pagefind/index/x.pf_index": lambda m: gzip.compress(b"pagefind_dcd" + b"\x00" + m["mp3"]),
    "voice.tar": lambda m: tar("voice.mp3", m["mp3"]),
    "voice.xz": lambda m: lzma.compress(m["mp3"]),
    "voice.bz2": lambda m: bz2.compress(m["mp3"]),
    "double.json.gz": lambda m: gzip.compress(gzip.compress(m["mp3"])),
    "stored.zip": lambda m: zipped({"voice.mp3": m["mp3"]}),
    "deflated.zip": lambda m: zipped({"voice.mp3": m["mp3"]}, zipfile.ZIP_DEFLATED),
    "zip-in-zip.zip": lambda m: zipped({"inner.zip": zipped({"voice.mp3": b"\x00" + m["mp3"]})}),
    "after-end.jpg": lambda m: jpeg() + m["mp3"],
    "in-app0.jpg": lambda m: jpeg()[:2] + segment(0xE0, b"JFIF\x00" + m["mp3"][:60000]) + jpeg()[2:],
    "in-app14.jpg": lambda m: jpeg()[:2] + segment(0xEE, b"Adobe" + m["mp3"][:60000]) + jpeg()[2:],
    "unknown-segment.jpg": lambda m: jpeg()[:2] + segment(0xF7, m["mp3"][:60000]) + jpeg()[2:],
    "after-trailer.gif": lambda m: gif() + m["mp3"],
    "after-iend.png": lambda m: png() + m["mp3"],
    "sound-annotation.pdf": lambda m: pdf(sound_annotation(m["mp3"])),
    "loose-stream.pdf": lambda m: pdf(lambda w: stream(w, m["mp3"], compress=True)),
    "percent.js": lambda m: f"var a='data:audio/mpeg,{quote_from_bytes(m['mp3'])}';",
    "base64-param.js": lambda m: 'var a="data:audio/mpeg;codecs=\\"mp3\\";base64,'
                                 + base64.b64encode(m["mp3"]).decode() + '";',
    "base64-concat.js": lambda m: 'var a="data:audio/mpeg;base64," + "'
                                  + base64.b64encode(m["mp3"]).decode() + '";',
    "raw-base64.json": lambda m: '{"x": "' + base64.b64encode(m["mp3"]).decode() + '"}',
    "disguised-type.js": lambda m: 'var a="data:image/png;base64,' + "A"
                                   + base64.b64encode(m["mp3"]).decode() + '";',
}


COMPRESSED_UNSEEN = {"voice.xz", "voice.bz2"}
"""Kinds the site never publishes, whose sound cannot be seen without unpacking: unknown is enough."""


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_sound_the_gate_did_not_publish_is_found_however_it_is_wrapped(name, media, tmp_path):
    found = audit_site(tmp_path, {name: ATTACKS[name](media)})
    assert name in found, found
    sign = UNKNOWN if name in COMPRESSED_UNSEEN else "consent gate did not publish"
    assert any(sign in m or "has sound or video" in m for m in found[name]), found[name]


def test_sound_is_named_where_it_starts(media, tmp_path):
    found = audit_site(tmp_path, {"a.jpg": jpeg() + media["mp3"], "b.bin": b"\x00" + media["m4a"],
                                  "c.ts.gz": gzip.compress(media["ts"]),
                                  "d.zip": zipped({"x/voice.txt": b"\x00" + media["mp3"]})})
    assert found == {
        "a.jpg": [f"holds an MPEG audio (MP3) stream (at byte {len(jpeg())}) that the consent gate "
                  "did not publish", f"has {len(media['mp3'])} bytes after the end of the image"],
        "b.bin": [UNKNOWN, "holds an MP4 or M4A file (at byte 5) that the consent gate did not publish"],
        "c.ts.gz": [NOT_PUBLISHED],
        "d.zip": [f"the zipped file x/voice.txt: {UNKNOWN}", "the zipped file x/voice.txt: holds an "
                  "MPEG audio (MP3) stream (at byte 1) that the consent gate did not publish"]}


def test_a_pdf_that_plays_sound_is_found(media, tmp_path):
    found = audit_site(tmp_path, {"a.pdf": pdf(sound_annotation(media["mp3"])),
                                  "b.pdf": pdf(lambda w: stream(w, media["mp3"], compress=True))})
    assert found["a.pdf"][-1] == "has sound or video (Sound)"
    assert found["b.pdf"] == ["holds an MPEG audio (MP3) stream (at byte 0 of PDF object 5) that "
                              "the consent gate did not publish"]


def test_only_an_allowed_recording_passes(tmp_path, media):
    encode(tmp_path, "a.opus", "-c:a", "libopus")
    tagged = OggOpus(tmp_path / "a.opus")
    tagged.delete()   # as the core re-encodes it: without a single tag
    opus = (tmp_path / "a.opus").read_bytes()
    allowed = Exclusions(recordings=frozenset({hashlib.sha256(opus).hexdigest()}))
    found = audit_site(tmp_path / "site", {"stories/x/recording.opus": opus,
                                           "stories/x/copy.jpg": jpeg() + opus}, allowed)
    assert found == {"stories/x/copy.jpg": [
        f"holds an Ogg stream (at byte {len(jpeg())}) that the consent gate did not publish",
        f"has {len(opus)} bytes after the end of the image"]}


# Deny by default ------------------------------------------------------------------------------------

def test_the_kinds_a_site_publishes_pass(tmp_path):
    webp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(webp, "WEBP")
    wasm = b"pagefind_dcd\x00asm\x01\x00\x00\x00" + bytes(range(256)) * 8
    found = audit_site(tmp_path, {
        "index.html": "<!doctype html><html><body><p>Halo</p></body></html>",
        "a.jpg": jpeg(), "b.png": png(), "c.gif": gif(), "d.webp": webp.getvalue(),
        "e.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "f.css": "p{}",
        "g.js": "var x = 'data:image/svg+xml,%3Csvg%2F%3E';", "h.csv": "a,b\n1,2\n",
        "manifest.webmanifest": '{"name": "x"}', "sitemap.xml.gz": gzip.compress(b"<urlset/>"),
        "i.pdf": pdf(lambda w: None), "j.zip": zipped({"a.html": b"<p>x</p>"}, zipfile.ZIP_DEFLATED),
        "pagefind/wasm.id.pagefind": gzip.compress(wasm),
        "pagefind/index/id_1.pf_index": gzip.compress(b"pagefind_dcd\x81\x99\x03#\x83d0000"),
        "pagefind/fragment/id_1.pf_fragment": gzip.compress(b'pagefind_dcd{"url": "/a/"}')})
    assert found == {}


def test_pagefind_files_are_known_only_in_pagefind_and_as_what_they_say(tmp_path):
    wasm = gzip.compress(b"pagefind_dcd\x00asm\x01\x00\x00\x00" + bytes(range(256)))
    found = audit_site(tmp_path, {"assets/wasm.id.pagefind": wasm,
                                  "pagefind/index/id_1.pf_meta": gzip.compress(b"\x00\x01\x02"),
                                  "pagefind/wasm.en.pagefind": gzip.compress(b"pagefind_dcd\x81\x99")})
    assert found == {"assets/wasm.id.pagefind": [UNKNOWN],
                     "pagefind/index/id_1.pf_meta": [UNKNOWN],
                     "pagefind/wasm.en.pagefind": ["is not the Pagefind file its name says"]}


def test_fonts_and_unknown_pictures_are_not_published(tmp_path):
    ico = io.BytesIO()
    Image.new("RGB", (16, 16)).save(ico, "ICO")
    found = audit_site(tmp_path, {"a.woff": b"wOFF\x00\x01\x00\x00" + bytes(64),
                                  "b.ttf": b"\x00\x01\x00\x00\x00\x10" + bytes(64),
                                  "favicon.ico": ico.getvalue()})
    font = "is a font: the website uses the reader's own fonts and publishes none"
    assert found == {"a.woff": [font], "b.ttf": [font], "favicon.ico": [UNKNOWN]}


def test_bytes_a_zip_or_gzip_file_hides_are_findings(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:   # eight bytes between two files
        archive.writestr("a.html", b"<p>x</p>")
        archive.fp.write(b"XXXXXXXX")  # type: ignore[union-attr]
        archive.start_dir = archive.fp.tell()  # type: ignore[union-attr]
        archive.writestr("b.html", b"<p>y</p>")
    hidden = out.getvalue()
    assert [m.filename for m in zipfile.ZipFile(io.BytesIO(hidden)).infolist()] == ["a.html", "b.html"]
    commented = zipped({"a.html": b"x"}, comment=b"voice")
    two = zipped({"a.html": b"<p>x</p>", "b.html": b"<p>x</p>"})
    entry = two.rfind(b"PK\x01\x02")   # the directory's entry of b.html, pointed at a.html's data
    overlapping = two[:entry + 42] + bytes(4) + two[entry + 46:]
    second = zipfile.ZipFile(io.BytesIO(hidden)).infolist()[1].header_offset
    found = audit_site(tmp_path, {"a.zip": commented,
                                  "b.zip": hidden, "b2.zip": overlapping, "c.xml.gz": gzip.compress(b"<a/>") + b"junk",
                                  "d.json.gz": gzip.compress(gzip.compress(gzip.compress(
                                      gzip.compress(b"{}"))))})
    assert [m.split(" (")[0] for m in found["a.zip"]] == ["cannot be read by the audit"]
    assert f"5 bytes at byte {len(commented) - 5} belong to none of its files" in found["a.zip"][0]
    assert f"8 bytes at byte {second - 8} belong to none of its files" in found["b.zip"][0]
    assert "two of its files overlap" in found["b2.zip"][0]
    assert "4 bytes follow the compressed data" in found["c.xml.gz"][0]
    assert found["d.json.gz"] == ["nests files too deeply to audit"]


def test_an_image_may_not_carry_blocks_of_unknown_kinds(tmp_path):
    thumbnail = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x02\x02" + bytes(12)
    found = audit_site(tmp_path, {
        "a.jpg": jpeg()[:2] + segment(0xF7, b"x" * 100) + jpeg()[2:],
        "b.jpg": jpeg()[:2] + segment(0xE0, thumbnail) + jpeg()[2:],
        "c.gif": gif()[:-1] + b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\xff" + b"x" * 255 + b"\x00\x3b",
        "d.png": png()[:-12] + b"\x00\x00\x00\x04IDATjunk\x00\x00\x00\x00" + png()[-12:] + b"x"})
    assert found == {
        "a.jpg": ["has a JPEG block of a kind the audit does not know (FF F7)"],
        "b.jpg": ["an image carries a JPEG APP0 block metadata"],
        "c.gif": ["has a GIF looping block larger than its kind"],
        "d.png": ["has 1 byte after the end of the image"]}


# The search index ----------------------------------------------------------------------------------

def test_the_search_index_never_names_a_published_recording(tmp_path):
    rules = Exclusions(recording_names=frozenset({"stories/x/recording.opus", "recording.opus"}))
    fragment = b'pagefind_dcd{"url": "/stories/x/", "content": "Dengar: Recording.opus"}'
    found = audit_site(tmp_path, {"pagefind/fragment/id_1.pf_fragment": gzip.compress(fragment),
                                  "stories/x/index.html": '<audio src="recording.opus"></audio>'},
                       rules)
    assert found == {"pagefind/fragment/id_1.pf_fragment": [
        "names the recording recording.opus in the search index"]}


def test_the_rules_know_each_published_recording_by_its_address(sample):
    gathered = gather(sample, dt.date.fromisoformat(BUILD_DATE))
    gathered.encode_recordings()
    rules = exclusions.build(gathered.publish_set, (Channel.WEB,))
    paths = {r.site_path for r in gathered.publish_set.public.recordings.values()}
    assert paths and {p.casefold() for p in paths} <= rules.recording_names
    assert {p.rsplit("/", 1)[-1].casefold() for p in paths} <= rules.recording_names


# Chance is not sound -------------------------------------------------------------------------------

def test_random_bytes_and_a_single_frame_header_are_not_sound():
    noise = bytes((i * 7919 + (i >> 3) * 104729) % 251 for i in range(1 << 20))
    assert sound.find(noise) is None
    assert sound.find(b"\x00" * 100 + b"\xff\xfb\x50\xc4" + b"\x00" * 500) is None
    assert sound.find(b"<p>moov mdat ftyp OggS RIFF</p>" * 100) is None


# The theme route ------------------------------------------------------------------------------------

def test_a_sound_file_dropped_into_the_theme_stops_the_build(media, sample, run):
    folder = sample / "theme" / "overrides" / "assets" / "x"
    folder.mkdir()
    (folder / "voice.mp3").write_bytes(media["mp3"])
    (folder / "font.woff2").write_bytes(b"wOF2" + bytes(64))
    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "theme/overrides/assets/x/voice.mp3: is not a text file of a kind the design uses" in result.err
    assert "theme/overrides/assets/x/font.woff2: is not a text file" in result.err
    assert not (sample / "site").exists()


def test_words_about_a_data_address_are_no_file(tmp_path):
    """A guide may say "data:audio/mpeg,…": no sound, no file, no finding that stops a build."""
    page = ("<!doctype html><html lang=en><title>t</title><p>If a voice note arrives as "
            "data:audio/mpeg,voice-note or data:x,%FF do not forward it.</p></html>")
    assert audit_site(tmp_path, {"guide.html": page}) == {}


def test_base64_in_lines_of_76_is_read_for_sound(media, tmp_path):
    """As encoders write it, e.g. pasted into a code block of a page."""
    lines = base64.encodebytes(media["mp3"]).decode()
    page = f"<!doctype html><html lang=en><title>t</title><pre><code>{lines}</code></pre></html>"
    found = audit_site(tmp_path, {"about.html": page})
    assert any("consent gate did not publish" in m for m in found["about.html"]), found
