"""Spoken recordings (SPEC §7): her voice reading a text, published on the website only where her
consent covers her voice and she approved the recording, re-encoded without any metadata.

A phone recording carries more than a voice: the phone's name, a title typed in a recorder app,
GPS in an MP4 box, cover art, chapters. None of it is copied: ffmpeg decodes the sound only and
encodes it anew as Opus (small enough for costly data), and the result is checked before anything
publishes it. ffmpeg reads an adversary's bytes, so it gets a private copy, only the demuxer the
file's suffix names (never a playlist or concatenation list that could open other files), the file
protocol only, a time limit and a length limit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.oggopus import OggOpus

from . import sources, urls
from .errors import Problems
from .model import SourceRecording, Story, Text

log = logging.getLogger(__name__)

DEMUXERS = {"opus": "ogg", "mp3": "mp3", "m4a": "mov"}
"""A recording's suffix -> the one ffmpeg demuxer allowed to read it."""
OTHER_SOUNDS = {".wav", ".ogg", ".oga", ".aac", ".flac", ".amr", ".3gp", ".wma", ".mp4", ".webm",
                ".caf", ".aif", ".aiff", ".mpeg", ".m4b"}
"""Sound files an editor may drop next to a text by mistake: never published, with a warning."""
MAX_SECONDS = 2 * 60 * 60
BUILD_BUDGET = 20 * 60
"""Seconds one build may spend re-encoding (a 2-hour recording takes about 2 minutes here): a
folder of recordings made to be slow cannot hold a build for hours."""
MEMORY_LIMIT = 2 * 1024 ** 3
"""Address space of ffmpeg and ffprobe: a tag made to decompress to gigabytes fails instead."""
FILE_LIMIT = 256 * 1024 ** 2
"""The largest file ffmpeg may write: a 2-hour recording at 16 kbit/s is 15 MB."""
SETTINGS = ("-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "16k", "-application", "voip")
"""Mono wideband speech at 16 kbit/s, as a WhatsApp voice note: about 120 kB a minute."""
TIP_FFMPEG = "Install ffmpeg (Debian: apt-get install ffmpeg; `make build` does it)."
TIP_EXPORT = ("Export the recording again from the phone or recorder app as .m4a, .mp3 or .opus, "
              "or remove it.")


@dataclass(frozen=True)
class Recording:
    """A recording as published: the re-encoded file the website copies, and what it shows."""

    source: str
    """The recording on disk, relative to the project root."""
    site_path: str
    file: Path
    """The re-encoded Opus file (in build/cache/audio/)."""
    seconds: int
    size: int
    digest: str
    """sha256 of the published bytes: the output audit publishes no other sound."""


@dataclass(frozen=True)
class Wanted:
    """A recording the gate lets through, before it is encoded."""

    source: str
    page_url: str


def voice_reason(story: Story, lang: str) -> str | None:
    """Why her recording in ``lang`` is not published; ``None`` when it may be."""
    text = story.texts.get(lang)
    if text is None or text.recording is None:
        return "there is no recording"
    if story.narrator.minor:
        return "a minor's voice is never published"
    if not story.consent.voice:
        return "her consent does not cover her voice (consent.voice is not true)"
    approved = story.consent.approved_voice.get(lang)
    if approved is None:
        return "she has not approved this recording"
    if approved != text.recording.fingerprint:
        return "the recording changed since she approved it"
    return None


def select(stories: dict[str, list[tuple[str, Text, Story]]], pages: list[tuple[str, Text]],
           voices: StoryVoices, problems: Problems) -> list[Wanted]:
    """The recordings to publish: a story's where :func:`voice_reason` allows (the text version
    itself published on the web, ``stories`` by language), a page's with its text unless it is
    one of ``voices``, the recordings of every story, published or not. A recording
    left out is a warning naming it: the text is published all the same."""
    wanted: list[Wanted] = []
    for lang, versions in stories.items():
        for url, text, story in versions:
            if text.recording is None:
                continue
            reason = voice_reason(story, lang)
            if reason is None:
                wanted.append(Wanted(text.recording.path, url))
                continue
            problems.warning(text.recording.path, f"not published: {reason}", field="consent.voice",
                             tip=f"The text is published without it. Once she agrees that her voice "
                                 f"may be heard and has listened to this recording: `ballata consent "
                                 f"set {story.slug} --voice yes`, then `ballata consent approve "
                                 f"{story.slug} {lang} --recording`." if not story.narrator.minor else
                             "Remove the recording.")
    seen: set[str] = set()
    for url, text in pages:
        if text.recording is None or url in seen:
            continue
        seen.add(url)
        if voices.holds(text.recording):
            # Her voice needs her consent wherever it is: a copy next to a guide has none.
            problems.warning(text.recording.path, "not published: it is the recording of a story",
                             tip="A narrator's voice is published only with her story, with her "
                                 "consent; record the guide with a team member's voice.")
            continue
        wanted.append(Wanted(text.recording.path, url))
    return wanted


class Refused(Exception):
    """Why a recording is not published; the text is published all the same."""

    def __init__(self, message: str, tip: str = TIP_EXPORT) -> None:
        super().__init__(message)
        self.tip = tip


class Encoder:
    """ffmpeg, called the one safe way, with a cache of what it made before. A recording that
    cannot be published safely is left out with a warning: never an error, so that no recording
    can stop a build (and with it a withdrawal)."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.ffmpeg = shutil.which("ffmpeg")
        self.ffprobe = shutil.which("ffprobe")
        self._version: str | None = None
        self.budget = float(BUILD_BUDGET)
        """Seconds of encoding left for this build."""
        self.used: set[Path] = set()

    def version(self) -> str:
        if self._version is None:
            assert self.ffmpeg is not None
            done = _run([self.ffmpeg, "-version"], Path(tempfile.gettempdir()), 30)
            self._version = done.stdout.decode("utf-8", "replace").split("\n", 1)[0]
        return self._version

    def encode(self, root: Path, wanted: Wanted, problems: Problems) -> Recording | None:
        """The published recording, or ``None`` with a warning naming the file and why."""
        try:
            return self._encode(root, wanted)
        except Refused as refused:
            problems.warning(wanted.source, f"not published: {refused}", tip=refused.tip)
            return None

    def _encode(self, root: Path, wanted: Wanted) -> Recording:
        if self.ffmpeg is None or self.ffprobe is None:
            raise Refused("ffmpeg, which re-encodes recordings, is not installed", TIP_FFMPEG)
        source = root / wanted.source
        demuxer = DEMUXERS[source.suffix[1:]]
        data = source.read_bytes()
        key = hashlib.sha256(b"\0".join([data, " ".join(SETTINGS).encode(),
                                         self.version().encode()])).hexdigest()
        out, facts = self.cache / f"{key}.opus", self.cache / f"{key}.json"
        if not (out.is_file() and facts.is_file()):
            seconds = self._encode_fresh(data, demuxer, out)
            facts.write_text(json.dumps({"seconds": seconds}), encoding="utf-8")
        self.used |= {out, facts}
        published = out.read_bytes()
        return Recording(wanted.source, urls.recording(wanted.page_url), out,
                         int(json.loads(facts.read_text(encoding="utf-8"))["seconds"]),
                         len(published), hashlib.sha256(published).hexdigest())

    def _encode_fresh(self, data: bytes, demuxer: str, out: Path) -> int:
        assert self.ffmpeg is not None and self.ffprobe is not None
        streams = ogg_streams(data) if demuxer == "ogg" else 1
        if streams == 0:
            raise Refused("it cannot be read as an Ogg recording")
        if streams > 1:
            raise Refused("it holds more than one recording (a chained or multiplexed Ogg file)")
        with tempfile.TemporaryDirectory(prefix="ballata-audio.") as folder:
            work = Path(folder)
            copy = work / "recording"
            copy.write_bytes(data)
            reading = ["-protocol_whitelist", "file", "-f", demuxer]
            length = checked_length(self._probe([self.ffprobe, *reading, "-i", str(copy)], work))
            timeout = min(self.budget, 60 + length / 20)
            if timeout <= 0:
                raise Refused("the time this build gives to re-encoding recordings is used up",
                              "Build again: recordings re-encoded before are kept in build/cache/.")
            encoded = work / "published.opus"
            started = time.monotonic()
            try:
                _run([self.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", *reading,
                      "-i", str(copy), "-map", "0:a:0", "-map_metadata", "-1", "-map_chapters", "-1",
                      "-vn", "-sn", "-dn", "-t", str(MAX_SECONDS), *SETTINGS, "-fflags", "+bitexact",
                      "-flags:a", "+bitexact", "-f", "ogg", str(encoded)], work, timeout)
            except subprocess.CalledProcessError as exc:
                raise Refused("it cannot be read as a sound recording: " + _last_line(exc.stderr)) \
                    from None
            except subprocess.TimeoutExpired:
                raise Refused(f"re-encoding took over {round(timeout)} seconds") from None
            finally:
                self.budget -= time.monotonic() - started
            # ffmpeg always writes its own "encoder" comment: none is published.
            written = OggOpus(encoded)
            if written.tags is not None:
                written.tags.clear()
                written.save()
            checked = self._probe([self.ffprobe, "-protocol_whitelist", "file", "-f", "ogg",
                                   "-i", str(encoded)], work, chapters=True)
            problem = published_problem(checked)
            assert checked is not None
            seconds = float(checked["format"].get("duration") or 0)
            if problem is None and abs(seconds - length) > max(1.0, length / 50):
                problem = f"lasts {seconds:.0f} s where the recording lasts {length:.0f} s"
            if problem:
                raise Refused(f"the re-encoded recording {problem}",
                              "This is a bug in the pipeline or a recording made to deceive it: "
                              "export the recording again; report it if it happens again.")
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_suffix(".part")
            shutil.copyfile(encoded, partial)
            partial.replace(out)
            return round(seconds)

    def _probe(self, command: list[str], work: Path, chapters: bool = False) -> dict[str, Any] | None:
        """What ffprobe says of a file: only the fields checked (never a source's tags, which
        may be made to fill the memory; the tags and chapters of the file made here, with
        ``chapters``), or ``None`` when it cannot read it."""
        entries = "format=format_name,duration:stream=codec_type,codec_name,channels" \
                  + (":format_tags:stream_tags" if chapters else "")
        try:
            done = _run([command[0], "-v", "error", *command[1:], "-show_entries", entries,
                         *(["-show_chapters"] if chapters else []), "-of", "json"], work, 120)
            result = json.loads(done.stdout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ValueError):
            return None
        return result if isinstance(result, dict) else None

    def forget_unused(self) -> None:
        """Remove re-encoded recordings this build did not publish: a voice withdrawn or replaced
        does not stay on the editor's computer."""
        if self.cache.is_dir():
            for path in self.cache.iterdir():
                if path not in self.used:
                    path.unlink()


def ogg_streams(data: bytes) -> int:
    """How many logical streams an Ogg file starts (pages with the beginning-of-stream flag): one
    for a recording; more for a chained or multiplexed file, whose other streams a reader's player
    might play instead of what she approved."""
    count, at = 0, 0
    while at + 27 <= len(data) and data[at:at + 4] == b"OggS":
        segments = data[at + 26]
        header = at + 27 + segments
        if header > len(data):
            break
        count += bool(data[at + 5] & 0x02)
        at = header + sum(data[at + 27:header])
    return count if at >= len(data) else max(count, 2) if count else 0


def checked_length(probe: dict[str, Any] | None) -> float:
    """The length in seconds of a recording that has exactly one sound track, as ffprobe read it;
    :class:`Refused` otherwise."""
    if probe is None:
        raise Refused("it cannot be read as a sound recording")
    streams = [s for s in probe.get("streams", []) if isinstance(s, dict)]
    # Pictures, chapter tracks and video are dropped: the sound she heard is what is published.
    sound = [s for s in streams if s.get("codec_type") == "audio"]
    if not sound:
        raise Refused("it holds no sound")
    if len(sound) > 1:
        raise Refused(f"it holds {len(sound)} sound tracks; a recording has one, the one she approved")
    try:
        length = float(str((probe.get("format") or {}).get("duration")))
    except (TypeError, ValueError):
        raise Refused("its length cannot be read") from None
    if not math.isfinite(length):
        raise Refused("its length cannot be read")
    if length < 1:
        raise Refused("it is shorter than a second")
    if length > MAX_SECONDS:
        raise Refused(f"it is {length / 3600:.1f} hours long; the limit is {MAX_SECONDS // 3600} hours",
                      "Split it, or check that the right file was saved here.")
    return length


def published_problem(probe: dict[str, Any] | None) -> str | None:
    """What is wrong with a file to be published as a recording, as ffprobe saw it: anything but
    one mono Opus stream in Ogg without tags or chapters."""
    if probe is None:
        return "cannot be read"
    streams = probe.get("streams")
    fmt = probe.get("format")
    if not isinstance(streams, list) or not isinstance(fmt, dict):
        return "cannot be read"
    if fmt.get("format_name") != "ogg" or len(streams) != 1:
        return "is not one stream of sound in Ogg"
    stream = streams[0]
    if not isinstance(stream, dict) or stream.get("codec_name") != "opus" or stream.get("channels") != 1:
        return "is not mono Opus"
    if fmt.get("tags") or stream.get("tags"):
        return "carries tags"
    if probe.get("chapters"):
        return "carries chapters"
    return None


def _run(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """A tool run with nothing of ours: no input, a bare environment, its own working folder,
    bounded memory and output."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    return subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, check=True, preexec_fn=_limits)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def _last_line(stderr: bytes | None) -> str:
    lines = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else "ffmpeg failed")[:200]


def encode_all(root: Path, wanted: list[Wanted], problems: Problems) -> dict[str, Recording]:
    """Page address -> its published recording, encoded once per recording and build settings."""
    encoder = Encoder(root / "build" / "cache" / "audio")
    out: dict[str, Recording] = {}
    for item in wanted:
        log.info("recording: %s", item.source)
        recording = encoder.encode(root, item, problems)
        if recording is not None:
            out[item.page_url] = recording
    encoder.forget_unused()
    return out


class StoryVoices:
    """Her voice, wherever a copy of it turns up: the fingerprints of every recording in stories/
    (of stories that could not even be read too) and of every recording a narrator approved, and,
    for a copy with other tags or in another container, the sound itself (its packets, hashed).
    Gathered only when a page has a recording (rare); the readers' fingerprints are reused."""

    def __init__(self, root: Path, stories: Iterable[Story]) -> None:
        self.root = root
        self.stories = list(stories)
        self._files: list[Path] | None = None
        self._fingerprints: set[str] | None = None
        self._sounds: set[str] | None = None

    def files(self) -> list[Path]:
        if self._files is None:
            self._files = [p for p in sorted((self.root / "stories").glob("*/index.*.*"))
                           if p.suffix[1:] in DEMUXERS and p.is_file() and not p.is_symlink()]
        return self._files

    def fingerprints(self) -> set[str]:
        if self._fingerprints is None:
            read = {t.recording.path: t.recording.fingerprint
                    for story in self.stories for t in story.texts.values() if t.recording}
            problems = Problems()
            found = {fp for story in self.stories for fp in story.consent.approved_voice.values()}
            found |= set(read.values())
            found |= {fp for p in self.files() if sources.relative(p, self.root) not in read
                      and (fp := sources.fingerprint_file(p, self.root, problems,
                                                          sources.MAX_RECORDING_BYTES))}
            self._fingerprints = found
        return self._fingerprints

    def holds(self, recording: SourceRecording) -> bool:
        if recording.fingerprint in self.fingerprints():
            return True
        sound = sound_hash(self.root / recording.path)
        if sound is None:
            return False
        if self._sounds is None:
            self._sounds = {h for p in self.files() if (h := sound_hash(p)) is not None}
        return sound in self._sounds


def sound_hash(path: Path) -> str | None:
    """SHA-256 of the sound's packets (not of the file): the same for a copy with other tags or
    in another container; ``None`` without ffmpeg or for a file it cannot read."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    try:
        done = _run([ffmpeg, "-nostdin", "-v", "error", "-protocol_whitelist", "file",
                     "-f", DEMUXERS[path.suffix[1:]], "-i", str(path), "-map", "0:a:0", "-c", "copy",
                     "-f", "hash", "-hash", "sha256", "-"], path.parent, 120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("ascii", "replace").strip() or None
