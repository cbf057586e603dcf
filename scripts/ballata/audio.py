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
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.oggopus import OggOpus

from . import urls
from .errors import Problems
from .model import Story, Text

log = logging.getLogger(__name__)

DEMUXERS = {"opus": "ogg", "mp3": "mp3", "m4a": "mov"}
"""A recording's suffix -> the one ffmpeg demuxer allowed to read it."""
OTHER_SOUNDS = {".wav", ".ogg", ".oga", ".aac", ".flac", ".amr", ".3gp", ".wma", ".mp4", ".webm",
                ".caf", ".aif", ".aiff", ".mpeg", ".m4b"}
"""Sound files an editor may drop next to a text by mistake: never published, with a warning."""
MAX_SECONDS = 2 * 60 * 60
ENCODER_TIMEOUT = 10 * 60
"""Seconds ffmpeg may take for one recording (a 2-hour recording takes about a minute here)."""
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
    lang: str


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
           problems: Problems) -> list[Wanted]:
    """The recordings to publish: a story's where :func:`voice_reason` allows (the text version
    itself published on the web, ``stories`` by language), a page's with its text. A recording
    left out is a warning naming it: her text is published all the same."""
    wanted: list[Wanted] = []
    for lang, versions in stories.items():
        for url, text, story in versions:
            if text.recording is None:
                continue
            reason = voice_reason(story, lang)
            if reason is None:
                wanted.append(Wanted(text.recording.path, url, lang))
                continue
            problems.warning(text.recording.path, f"not published: {reason}", field="consent.voice",
                             tip=f"The text is published without it. Once she agrees that her voice "
                                 f"may be heard and has listened to this recording: `ballata consent "
                                 f"set {story.slug} --voice yes`, then `ballata consent approve "
                                 f"{story.slug} {lang}`." if not story.narrator.minor else
                             "Remove the recording.")
    seen: set[str] = set()
    for url, text in pages:
        if text.recording is not None and url not in seen:
            seen.add(url)
            wanted.append(Wanted(text.recording.path, url, text.lang))
    return wanted


class Encoder:
    """ffmpeg, called the one safe way, with a cache of what it made before."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.ffmpeg = shutil.which("ffmpeg")
        self.ffprobe = shutil.which("ffprobe")
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            assert self.ffmpeg is not None
            done = _run([self.ffmpeg, "-version"], Path(tempfile.gettempdir()), 30)
            self._version = done.stdout.decode("utf-8", "replace").split("\n", 1)[0]
        return self._version

    def encode(self, root: Path, wanted: Wanted, problems: Problems) -> Recording | None:
        """The published recording, or ``None`` with an error naming the file."""
        if self.ffmpeg is None or self.ffprobe is None:
            problems.error(wanted.source, "ffmpeg is needed to publish this recording, and it is "
                           "not installed", tip=TIP_FFMPEG)
            return None
        source = root / wanted.source
        demuxer = DEMUXERS[source.suffix[1:]]
        data = source.read_bytes()
        key = hashlib.sha256(b"\0".join([data, " ".join(SETTINGS).encode(),
                                         self.version().encode()])).hexdigest()
        out, facts = self.cache / f"{key}.opus", self.cache / f"{key}.json"
        if not (out.is_file() and facts.is_file()):
            seconds = self._encode_fresh(data, demuxer, wanted.source, out, problems)
            if seconds is None:
                return None
            facts.write_text(json.dumps({"seconds": seconds}), encoding="utf-8")
        published = out.read_bytes()
        return Recording(wanted.source, urls.recording(wanted.page_url), out,
                         int(json.loads(facts.read_text(encoding="utf-8"))["seconds"]),
                         len(published), hashlib.sha256(published).hexdigest())

    def _encode_fresh(self, data: bytes, demuxer: str, name: str, out: Path,
                      problems: Problems) -> int | None:
        assert self.ffmpeg is not None and self.ffprobe is not None
        with tempfile.TemporaryDirectory(prefix="ballata-audio.") as folder:
            work = Path(folder)
            copy = work / "recording"
            copy.write_bytes(data)
            reading = ["-protocol_whitelist", "file", "-f", demuxer]
            probe = self._probe([self.ffprobe, "-v", "error", *reading, "-i", str(copy)], work)
            streams = probe.get("streams", []) if probe else []
            if not any(s.get("codec_type") == "audio" for s in streams):
                problems.error(name, "cannot be read as a sound recording" if probe is None
                               else "holds no sound", tip=TIP_EXPORT)
                return None
            length = float(probe.get("format", {}).get("duration") or 0) if probe else 0
            if length > MAX_SECONDS:
                problems.error(name, f"the recording is {length / 3600:.1f} hours long; the limit "
                               f"is {MAX_SECONDS // 3600} hours", tip="Split it, or check that the "
                               "right file was saved here.")
                return None
            encoded = work / "published.opus"
            try:
                _run([self.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", *reading,
                      "-i", str(copy), "-map", "0:a:0", "-map_metadata", "-1", "-map_chapters", "-1",
                      "-vn", "-sn", "-dn", *SETTINGS, "-fflags", "+bitexact", "-flags:a", "+bitexact",
                      "-f", "ogg", str(encoded)], work, ENCODER_TIMEOUT)
            except subprocess.CalledProcessError as exc:
                problems.error(name, "cannot be read as a sound recording: "
                               + _last_line(exc.stderr), tip=TIP_EXPORT)
                return None
            except subprocess.TimeoutExpired:
                problems.error(name, f"re-encoding took over {ENCODER_TIMEOUT // 60} minutes",
                               tip=TIP_EXPORT)
                return None
            # ffmpeg always writes its own "encoder" comment: none is published.
            written = OggOpus(encoded)
            if written.tags is not None:
                written.tags.clear()
                written.save()
            checked = self._probe([self.ffprobe, "-v", "error", "-protocol_whitelist", "file",
                                   "-f", "ogg", "-show_chapters", "-i", str(encoded)], work)
            problem = published_problem(checked)
            if problem:
                problems.error(name, f"the re-encoded recording {problem}",
                               tip="This is a bug in the pipeline: report it.")
                return None
            assert checked is not None
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_suffix(".part")
            shutil.copyfile(encoded, partial)
            partial.replace(out)
            return round(float(checked["format"]["duration"]))

    def _probe(self, command: list[str], work: Path) -> dict[str, Any] | None:
        try:
            done = _run([*command, "-show_format", "-show_streams", "-of", "json"], work, 120)
            result = json.loads(done.stdout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ValueError):
            return None
        return result if isinstance(result, dict) else None


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


def _run(command: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess[bytes]:
    """A tool run with nothing of ours: no input, a bare environment, its own working folder."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    return subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, check=True)


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
    return out
