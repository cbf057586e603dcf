"""Spoken testimonies (SPEC §7, issue 15): a recording is published only with her consent to her
voice and her approval of the recording, re-encoded without any metadata, shown with its text as
the transcript, never in the search index, and audited by its bytes."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mutagen.oggopus import OggOpus

from conftest import BUILD_DATE, REPO, copy_project
from site_helpers import search_fragments, serve, text_of
from ballata import audio, audit
from ballata.audit.exclusions import Exclusions
from ballata.cli import main

STORY = "stories/paspor-ditahan"
PAGE = "stories/paspor-ditahan/index.html"
FFMPEG = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is installed by `make test`")
SECRET = "Wa Ode Rahmatia Binongko"
"""Words a phone or an editor put into a recording's tags: they must never reach the reader."""


def make_recording(path: Path, seconds: float = 2, tags: bool = True, extra: tuple[str, ...] = ()) -> Path:
    """A tone recorded 'on a phone': tags with a name, GPS, cover art and a titled chapter."""
    suffix = path.suffix[1:].lower()
    codec = {"m4a": "aac", "mp3": "libmp3lame", "opus": "libopus", "wav": "pcm_s16le"}[suffix]
    command = [FFMPEG or "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}"]
    if tags:
        chapters = path.with_suffix(".chapters")
        chapters.write_text(f";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\n"
                            f"title={SECRET}\n", encoding="utf-8")
        command += ["-f", "ffmetadata", "-i", str(chapters)]
        if suffix != "opus":  # cover art: a picture stream in MP3 (ID3 APIC) and M4A (covr)
            command += ["-f", "lavfi", "-i", "color=c=red:s=32x32:d=1", "-map", "0:a", "-map", "2:v",
                        "-c:v", "png", "-disposition:v", "attached_pic"]
        command += ["-map_chapters", "1", "-metadata", f"title={SECRET}", "-metadata", f"artist={SECRET}",
                    "-metadata", "location=+05.9804+116.0735/", "-metadata", f"comment={SECRET}"]
    command += [*extra, "-c:a", codec, str(path)]
    subprocess.run(command, check=True)
    path.with_suffix(".chapters").unlink(missing_ok=True)
    return path


def build(root: Path, *extra: str) -> int:
    return main(["build", "--root", str(root), "--date", BUILD_DATE, "--no-pdf", *extra])


def report(root: Path) -> dict:
    return json.loads((root / "build" / "report.json").read_text(encoding="utf-8"))


def messages(root: Path, kind: str = "warnings") -> list[str]:
    return [f"{p['file']}: {p['message']}" for p in report(root)[kind]]


def sounds(folder: Path) -> list[str]:
    """Every file under ``folder`` (and in every zip) whose bytes are sound, whatever its name."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as bundle:
                found += [f"{path.name}/{n}" for n in bundle.namelist() if audit.sound.is_sound(bundle.read(n))]
        elif audit.sound.is_sound(data[:2] == b"\x1f\x8b" and gzip.decompress(data) or data):
            found.append(path.relative_to(folder).as_posix())
    return found


def approve_voice(root: Path, slug: str, lang: str) -> None:
    """Her consent to her voice (the sample's story has it already) and her approval."""
    if "voice: true" not in (root / "stories" / slug / "story.yml").read_text(encoding="utf-8"):
        assert main(["consent", "set", slug, "--voice", "yes", "--root", str(root)]) == 0
    assert main(["consent", "approve", slug, lang, "--recording", "--root", str(root)]) == 0


# The sample ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("audio"))
    assert build(root) == 0
    return root


def test_the_sample_story_is_heard_with_its_text_as_transcript(built):
    page = text_of(built / "site" / PAGE)
    player = re.search(r'<section class="ballata-listen".*?</section>', page, re.DOTALL)
    assert player, "the story page has no player"
    block = player.group(0)
    assert "data-pagefind-ignore" in block and 'preload="none"' in block
    assert '<source src="recording.opus" type="audio/ogg; codecs=opus">' in block
    assert re.search(r"Rekaman \d+ menit, \d+ kB\. Teks di halaman ini adalah transkripnya\.", block)
    assert '<a href="recording.opus" download>Unduh rekaman</a>' in block
    # Under her title, before her words: the text that follows is the transcript.
    assert page.index("</h1>") < page.index("ballata-listen") < page.index('class="ballata-text"')
    # No English recording: the English page has no player.
    assert "ballata-listen" not in text_of(built / "site" / "en" / PAGE)


def test_the_published_recording_is_re_encoded_without_a_tag(built):
    source = (REPO / STORY / "index.id.opus").read_bytes()
    published = (built / "site" / STORY / "recording.opus").read_bytes()
    assert published != source
    assert b"sintetis" in source and b"sintetis" not in published  # the sample's own tags
    opus = OggOpus(io.BytesIO(published))
    assert opus.tags is not None and list(opus.tags.items()) == []
    assert opus.info.channels == 1 and 200 < opus.info.length < 400
    # About 16 kbit/s: what a minute costs a reader on mobile data.
    assert len(published) * 8 / opus.info.length < 20_000


def test_the_recording_is_not_in_the_search_index(built):
    fragments = "\n".join(search_fragments(built / "site"))
    assert "paspor-ditahan" in fragments
    assert "recording.opus" not in fragments and "Unduh rekaman" not in fragments
    assert "transkripnya" not in fragments


def test_the_offline_bundle_carries_the_recording_and_only_it(built):
    assert sounds(built / "build" / "offline") == ["ballata-migran-id.zip/ballata-migran-id/"
                                                   f"{STORY}/recording.opus"]
    assert sounds(built / "site") == [f"{STORY}/recording.opus"]


def test_a_browser_plays_the_published_recording(built):
    playwright = pytest.importorskip("playwright.sync_api", reason="install the test extras")
    from test_browser import ARGS, CHROMIUM

    with playwright.sync_playwright() as p, serve(built / "site") as url:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(f"{url}/{STORY}/")
        assert page.evaluate("document.querySelector('audio').networkState") == 1  # nothing fetched
        duration = page.evaluate("""() => new Promise((done) => {
            const a = document.querySelector('audio');
            a.addEventListener('loadedmetadata', () => done(a.duration));
            a.addEventListener('error', () => done(-1));
            a.preload = 'metadata'; a.load(); })""")
        browser.close()
    # Ogg states no length: a test server without Range requests gives Infinity, a real one the
    # minutes. Either way the browser decoded it (-1 is an error).
    assert duration > 200


def test_same_sources_same_bytes_with_or_without_the_cache(built, tmp_path):
    root = copy_project(tmp_path)
    shutil.rmtree(root / "build" / "cache")
    assert build(root) == 0
    assert (root / "site" / STORY / "recording.opus").read_bytes() == \
        (built / "site" / STORY / "recording.opus").read_bytes()


# The gate ------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["m4a", "mp3", "opus"])
def test_a_phone_recording_loses_tags_gps_cover_and_chapters(sample, suffix):
    make_recording(sample / STORY / f"index.en.{suffix}")
    approve_voice(sample, "paspor-ditahan", "en")
    assert build(sample) == 0
    published = (sample / "site" / "en" / STORY / "recording.opus").read_bytes()
    assert SECRET.encode() not in published and b"116.0735" not in published
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters", "-of", "json",
         "-"], input=published, capture_output=True, check=True).stdout)
    assert audio.published_problem(probe) is None
    assert [s["codec_type"] for s in probe["streams"]] == ["audio"] and probe["chapters"] == []
    page = text_of(sample / "site" / "en" / PAGE)
    assert "Listen to this story in the narrator's voice" in page and SECRET not in page


@pytest.mark.parametrize("change, reason", [
    ({"voice": None}, "her consent does not cover her voice"),
    ({"approve": False}, "she has not approved this recording"),
    ({"replace": True}, "the recording changed since she approved it"),
])
def test_without_her_voice_consent_and_approval_the_recording_stays_home(sample, change, reason):
    recording = make_recording(sample / STORY / "index.en.m4a", tags=False)
    if "voice" in change:
        assert main(["consent", "set", "paspor-ditahan", "--voice", "no", "--root", str(sample)]) == 0
    approve = ["--recording"] if change.get("approve", True) else []
    assert main(["consent", "approve", "paspor-ditahan", "en", *approve, "--root", str(sample)]) == 0
    if change.get("replace"):
        make_recording(recording, seconds=3, tags=False)
    assert build(sample) == 0
    assert f"{STORY}/index.en.m4a: not published: {reason}" in " ".join(messages(sample))
    # Her text is published all the same, without a player and without the file.
    page = text_of(sample / "site" / "en" / PAGE)
    assert "The Passport They Kept" in page and "ballata-listen" not in page
    assert not (sample / "site" / "en" / STORY / "recording.opus").exists()
    kept = [] if "voice" in change else [f"{STORY}/recording.opus"]  # the sample's Indonesian one
    assert sounds(sample / "site") == kept


def test_a_minor_s_voice_is_refused(sample):
    yml = sample / "stories" / "mimpi-nurul" / "story.yml"
    assert "minor: true" in yml.read_text(encoding="utf-8")
    yml.write_text(yml.read_text(encoding="utf-8").replace("  status: given",
                                                          "  status: given\n  voice: true"),
                   encoding="utf-8")
    make_recording(sample / "stories" / "mimpi-nurul" / "index.id.mp3", tags=False)
    assert build(sample) == 1
    assert any("a recording of a minor's voice must not be published" in m
               for m in messages(sample, "errors"))


def test_a_withdrawal_is_never_blocked_by_a_broken_recording(sample):
    (sample / STORY / "index.en.m4a").write_bytes(b"not a recording at all")
    assert main(["consent", "withdraw", "paspor-ditahan", "--root", str(sample)]) == 0
    assert build(sample) == 0
    assert sounds(sample / "site") == [] and sounds(sample / "build" / "offline") == []
    assert not (sample / "site" / STORY).exists()


@pytest.mark.parametrize("content", [
    b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
    b"ffconcat version 1.0\nfile '../../private/register.yml'\n",
    b"\xff\xfb\x90\x00" + b"\x00" * 400,
    b"",
])
def test_a_file_that_is_no_recording_is_left_out_with_a_warning_naming_it(sample, content):
    """Never an error: no recording may stop a build, and with it a withdrawal."""
    (sample / STORY / "index.en.mp3").write_bytes(content)
    approve_voice(sample, "paspor-ditahan", "en")
    assert build(sample) == 0
    assert any(w.startswith(f"{STORY}/index.en.mp3: not published: it ") for w in messages(sample))
    assert not (sample / "site" / "en" / STORY / "recording.opus").exists()
    assert "The Passport They Kept" in text_of(sample / "site" / "en" / PAGE)


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True)


def _tone(path: Path, hz: int, seconds: float = 3) -> Path:
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={hz}:duration={seconds}", "-c:a", "libopus", str(path))
    return path


@pytest.mark.parametrize("kind, reason", [
    ("two tracks", "it holds 2 sound tracks; a recording has one, the one she approved"),
    ("chained", "it holds more than one recording (a chained or multiplexed Ogg file)"),
    ("multiplexed", "it holds more than one recording (a chained or multiplexed Ogg file)"),
    ("too short", "it is shorter than a second"),
])
def test_what_a_player_plays_is_what_she_approved(sample, tmp_path, kind, reason):
    """A second track, a second chained or multiplexed stream: a reader's player might play the
    part she never heard; such a file is not published."""
    a, b = _tone(tmp_path / "a.opus", 440), _tone(tmp_path / "b.opus", 1000)
    target = sample / STORY / ("index.en.m4a" if kind == "two tracks" else "index.en.opus")
    if kind == "two tracks":
        _ffmpeg("-i", str(a), "-i", str(b), "-map", "0", "-map", "1", "-c:a", "aac",
                "-disposition:a:0", "0", "-disposition:a:1", "default", str(target))
    elif kind == "chained":
        target.write_bytes(a.read_bytes() + b.read_bytes())
    elif kind == "multiplexed":
        _ffmpeg("-i", str(a), "-i", str(b), "-map", "0", "-map", "1", "-c", "copy", "-f", "ogg", str(target))
    else:
        _tone(target, 440, seconds=0.4)
    approve_voice(sample, "paspor-ditahan", "en")
    assert build(sample) == 0
    assert f"{target.relative_to(sample).as_posix()}: not published: {reason}" in messages(sample)
    assert not (sample / "site" / "en" / STORY / "recording.opus").exists()


def test_a_recording_without_a_stated_length_is_not_published(sample, tmp_path):
    """Pages of silence glued between two recordings: no length in its header, hours of sound."""
    a = _tone(tmp_path / "a.opus", 440)
    target = sample / STORY / "index.en.mp3"
    _ffmpeg("-i", str(a), "-c:a", "libmp3lame", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3",
            str(target))
    # A raw stream of frames states no length, yet ffprobe estimates one: nothing to refuse
    # there. A stated length of NaN or none at all is refused (checked_length).
    for probe in ({"streams": [{"codec_type": "audio"}], "format": {"duration": "N/A"}},
                  {"streams": [{"codec_type": "audio"}], "format": {}},
                  {"streams": [{"codec_type": "audio"}], "format": {"duration": "nan"}}):
        with pytest.raises(audio.Refused, match="its length cannot be read"):
            audio.checked_length(probe)


def test_a_tag_made_to_fill_the_memory_stays_within_the_limit(tmp_path):
    """An ID3v2.4 frame that inflates to a gigabyte (1 MB on disk; ffprobe alone takes 2 GB for
    it): ffmpeg and ffprobe run with 512 MB here and the recording comes out without the tag, or
    not at all."""
    import struct
    import zlib

    def synchsafe(n: int) -> bytes:
        return bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127])

    size, chunk = 1_000_000_000, b"\x01" * 1_000_000
    packer = zlib.compressobj(9)
    body = b"".join([packer.compress(b"\x03x\x00")] + [packer.compress(chunk) for _ in range(size // len(chunk))]
                    + [packer.flush()])
    frame_body = struct.pack(">I", size + 3) + body
    frame = b"TXXX" + synchsafe(len(frame_body)) + b"\x00\x09" + frame_body
    tone = subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                           "sine=duration=3", "-c:a", "libmp3lame", "-id3v2_version", "0", "-f", "mp3", "-"],
                          capture_output=True, check=True).stdout
    (tmp_path / "index.en.mp3").write_bytes(b"ID3\x04\x00\x00" + synchsafe(len(frame)) + frame + tone)
    script = f"""
import resource, sys
from pathlib import Path
from ballata import audio
from ballata.errors import Problems
audio.MEMORY_LIMIT = 512 * 1024 ** 2
problems = Problems()
made = audio.Encoder(Path({str(tmp_path / "cache")!r})).encode(
    Path({str(tmp_path)!r}), audio.Wanted("index.en.mp3", "x/"), problems)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(peak, made is not None and b"xxxx" not in made.file.read_bytes(), made is None and
      bool(problems.warnings))
"""
    peak, clean, refused = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                          check=True, timeout=300).stdout.split()
    assert int(peak) < 512 and "True" in (clean, refused), (peak, clean, refused)


@pytest.mark.parametrize("copy", ["as it is", "other tags", "other container"])
def test_her_voice_next_to_a_guide_is_not_published(sample, copy):
    guide = sample / "content" / "guides" / "mengurus-paspor"
    shutil.copy(REPO / STORY / "index.id.opus", guide / "index.id.opus")
    if copy == "other tags":
        tagged = OggOpus(guide / "index.id.opus")
        tagged["comment"] = ["forwarded"]
        tagged.save()
    elif copy == "other container":  # the same sound packets in an MP4 box: a re-export
        _ffmpeg("-i", str(REPO / STORY / "index.id.opus"), "-c", "copy", "-f", "mp4",
                str(guide / "index.id.m4a"))
        (guide / "index.id.opus").unlink()
    name = "index.id.m4a" if copy == "other container" else "index.id.opus"
    assert main(["consent", "withdraw", "paspor-ditahan", "--root", str(sample)]) == 0
    assert build(sample) == 0
    assert f"content/guides/mengurus-paspor/{name}: not published: it is the recording of a " \
           "story" in messages(sample)
    assert sounds(sample / "site") == [] and sounds(sample / "build" / "offline") == []


def test_a_withdrawn_voice_is_taken_down_and_forgotten(sample):
    assert build(sample) == 0
    cached = sorted(p.name for p in (sample / "build" / "cache" / "audio").iterdir())
    assert len(cached) == 2  # the recording and its length
    assert main(["consent", "set", "paspor-ditahan", "--voice", "no", "--root", str(sample)]) == 0
    assert build(sample) == 0
    takedown = (sample / "build" / "takedown.md").read_text(encoding="utf-8")
    assert f"{STORY}/recording.opus" in takedown
    assert list((sample / "build" / "cache" / "audio").iterdir()) == []


def test_names_that_are_not_a_recording_are_not_published(sample):
    for name in ("interview.m4a", "index.EN.M4A", "index.en.wav"):
        make_recording(sample / STORY / name, tags=False, extra=("-f", "mp4") if name.endswith("M4A")
                       else ())
    make_recording(sample / "stories" / "gaji-tertunda" / "index.ms.mp3", tags=False)
    assert build(sample) == 0
    warnings = messages(sample, "warnings")
    assert any("gaji-tertunda/index.ms.mp3: not published: index.ms.mp3 is for the language 'ms'" in w
               for w in warnings)
    for name in ("interview.m4a", "index.EN.M4A", "index.en.wav"):
        assert f"{STORY}/{name}: this sound file is not published: a recording is named " \
               "index.<language>.opus, .mp3 or .m4a (lowercase)" in warnings


def test_a_recording_without_its_text_is_not_published(sample):
    make_recording(sample / "stories" / "gaji-tertunda" / "index.xx.opus", tags=False)
    (sample / "stories" / "gaji-tertunda" / "index.xx.opus").rename(
        sample / "stories" / "sekolah-di-ladang" / "index.en.opus")
    (sample / "stories" / "sekolah-di-ladang" / "index.en.md").unlink()
    assert build(sample) == 0
    assert "stories/sekolah-di-ladang/index.en.opus: not published: there is no index.en.md to " \
           "show with it as its transcript" in messages(sample)


def test_approving_a_recording_that_is_not_there_is_a_usage_error(sample, run):
    result = run("consent", "approve", "paspor-ditahan", "en", "--recording", "--root", str(sample))
    assert result.code == 2 and "there is no recording of stories/paspor-ditahan/index.en.md" in result.err


def test_an_oversized_recording_is_refused_before_it_is_read(sample, monkeypatch):
    from ballata import sources

    make_recording(sample / STORY / "index.en.m4a", seconds=5, tags=False)
    monkeypatch.setattr(sources, "MAX_RECORDING_BYTES", 1024)
    assert build(sample) == 0
    size = (sample / STORY / "index.en.m4a").stat().st_size // 1024
    assert f"{STORY}/index.en.m4a: not published: the file is {size} KB; the limit is 1 KB" in messages(sample)
    assert sounds(sample / "site") == []


def test_without_ffmpeg_the_text_is_published_and_a_warning_says_how_to_get_the_voice(sample,
                                                                                     monkeypatch):
    shutil.rmtree(sample / "build" / "cache")
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    assert build(sample) == 0
    warning = next(p for p in report(sample)["warnings"] if p["file"] == f"{STORY}/index.id.opus")
    assert "ffmpeg, which re-encodes recordings, is not installed" in warning["message"]
    assert "apt-get install ffmpeg" in warning["tip"]
    assert sounds(sample / "site") == [] and "Paspor yang Ditahan" in text_of(sample / "site" / PAGE)


def test_a_guide_read_aloud_sits_under_its_title(sample):
    guide = sample / "content" / "guides" / "mengurus-paspor"
    make_recording(guide / "index.en.mp3")
    assert build(sample) == 0
    page = text_of(sample / "site" / "en" / "guides" / "mengurus-paspor" / "index.html")
    assert "Listen to this page" in page
    assert page.index("</h1>") < page.index("ballata-listen") < page.index("<h2")
    published = sample / "site" / "en" / "guides" / "mengurus-paspor" / "recording.opus"
    assert SECRET.encode() not in published.read_bytes()


def test_consent_set_and_approve_record_her_voice(sample, run):
    make_recording(sample / STORY / "index.en.m4a", tags=False)
    yml = sample / STORY / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  voice: true\n", ""), encoding="utf-8")
    result = run("consent", "set", "paspor-ditahan", "--voice", "yes", "--root", str(sample))
    assert result.code == 0 and "voice: no → yes" in result.out
    # Approving her text does not approve a recording someone put next to it.
    result = run("consent", "approve", "paspor-ditahan", "en", "--root", str(sample))
    assert "The recording of index.en.md is not approved (or changed since): after she listened to " \
           "it, run `ballata consent approve paspor-ditahan en --recording`" in result.out
    assert "    en: sha256:" + hashlib.sha256((sample / STORY / "index.en.m4a").read_bytes()).hexdigest() \
        not in (sample / STORY / "story.yml").read_text(encoding="utf-8")
    result = run("consent", "approve", "paspor-ditahan", "en", "--recording", "--root", str(sample))
    assert "Recorded her approval of the recording as it is now" in result.out
    yml = (sample / STORY / "story.yml").read_text(encoding="utf-8")
    digest = hashlib.sha256((sample / STORY / "index.en.m4a").read_bytes()).hexdigest()
    assert re.search(rf"approved_voice:\n    id: sha256:[0-9a-f]{{64}}\n    en: sha256:{digest}\n", yml)


# The audit -----------------------------------------------------------------------------------
def test_the_audit_finds_sound_the_gate_did_not_publish(tmp_path):
    phone = make_recording(tmp_path / "phone.m4a").read_bytes()
    mp3 = make_recording(tmp_path / "phone.mp3").read_bytes()
    site = tmp_path / "site"
    site.mkdir()
    (site / "tangan.jpg").write_bytes(phone)  # disguised as a picture
    (site / "notes.txt.gz").write_bytes(gzip.compress(mp3))  # compressed
    (site / "page.html").write_text('<img src="data:image/png;base64,' +
                                    __import__("base64").b64encode(mp3).decode() + '">',
                                    encoding="utf-8")  # inside a page
    found = [p.message for p in audit.audit_folder(site, "site", Exclusions())]
    assert sum("is a sound file that the consent gate did not publish" in m for m in found) == 3, found


def test_the_audit_finds_tags_even_in_a_recording_it_allows(tmp_path):
    tagged = make_recording(tmp_path / "tagged.opus").read_bytes()
    site = tmp_path / "site"
    site.mkdir()
    (site / "recording.opus").write_bytes(tagged)
    allowed = Exclusions(recordings=frozenset({hashlib.sha256(tagged).hexdigest()}))
    found = [p.message for p in audit.audit_folder(site, "site", allowed)]
    assert any("is a recording that carries tags (" in m and "title" in m for m in found), found


def test_check_and_the_report_say_whose_voice_is_heard(sample, run):
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0
    rows = {line.split()[0]: line.split() for line in result.out.splitlines() if line.strip()}
    assert rows["story"][:4] == ["story", "web", "print", "voice"]
    assert rows["paspor-ditahan"][:4] == ["paspor-ditahan", "id,en", "id,en", "id"]
    assert rows["jalan-pulang"][3] == "-"
    assert main(["consent", "set", "paspor-ditahan", "--voice", "no", "--root", str(sample)]) == 0
    assert build(sample) == 0
    assert {s["id"]: s["voice"] for s in report(sample)["stories"]}["paspor-ditahan"] == []


def test_a_theme_that_puts_the_recording_into_the_search_index_fails_the_audit(sample):
    """Pagefind is told to skip the player, but metadata slips past that: the audit stops it."""
    listen = sample / "theme" / "overrides" / "partials" / "ballata-listen.html"
    listen.write_text(listen.read_text(encoding="utf-8").replace(
        "data-pagefind-ignore>", 'data-pagefind-meta="recording:{{ r.url }}">'), encoding="utf-8")
    assert build(sample) == 1
    assert any(e.startswith("site/pagefind/") and "recording" in e for e in messages(sample, "errors")), \
        messages(sample, "errors")
    assert not (sample / "site").exists()
