"""Sound in outputs: only the recordings the gate published, exactly as the core re-encoded them,
and without a single tag. Recognised by their bytes, whatever a file is named, and wherever in a
file they start: a recording glued behind a picture or inside a PDF plays as well as a bare one.

Two kinds of sign are looked for at every offset of a binary file: a container's header, checked
beyond its magic bytes (an Ogg page of version 0, a FLAC stream header, an ID3 tag with a valid
size, RIFF/RF64 with WAVE or AVI, an ISO media box with a plausible size...), and runs of frames
(MPEG audio, ADTS, AC-3, MPEG-TS) whose headers each give the length of the frame and so the place
of the next header: one FF Ex pair is chance, four frames in a row are a stream."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable

from mutagen.oggopus import OggOpus

IMAGE_BRANDS = {b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}
"""ISO media files that hold pictures, not sound (the picture audit reads those)."""

FRAMES = 4
"""Consecutive frames that make a stream of MPEG audio, ADTS or AC-3 (8 packets for MPEG-TS)."""

_SYNC = re.compile(rb"\xff[\xe0-\xff]|\x0bw")
_TS = re.compile(rb"\x47(?=(?:[\x00-\xff]{187}\x47){7})|\x47(?=(?:[\x00-\xff]{191}\x47){7})")
"""MPEG-TS (188-byte packets) and M2TS (192): eight sync bytes in a row."""

_MPEG_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_MPEG_KBPS = {  # (MPEG-1, layer bits: 3 is layer I, 1 is layer III) -> kbit/s by index 1..14
    (True, 3): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 1): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 3): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 1): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_AC3_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640)
_STREAMS = {"mpeg": "an MPEG audio (MP3) stream", "adts": "an AAC (ADTS) stream",
            "ac3": "an AC-3 stream"}

Frame = tuple[int, tuple[object, ...]]
"""(length in bytes, kind): frames of one stream share their kind."""


def is_sound(data: bytes) -> bool:
    """Whether ``data`` starts as a sound (or video) file of any common kind."""
    head = data[:12]
    return (head[:4] in (b"OggS", b"fLaC", b"caff", b".snd", b"#!AM", b"MThd", b"\x1aE\xdf\xa3",
                         b"0&\xb2u")
            or head[:3] == b"ID3"
            or (head[:4] in (b"RIFF", b"FORM", b"RF64", b"BW64")
                and head[8:12] in (b"WAVE", b"AIFF", b"AIFC", b"AVI "))
            or (head[4:8] == b"ftyp" and head[8:12] not in IMAGE_BRANDS)
            or _stream_at(data, 0) is not None or _TS.match(data) is not None
            # A single MPEG audio or ADTS frame (a bare MP3 or AAC); FF FE is a UTF-16 text's mark.
            or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] != 0xFE))


def _box(largest: int) -> Callable[[bytes, int], bool]:
    """A check that the ISO media box whose type is at ``at`` has a size (at most ``largest``)
    that the file can hold: 0 (to the end), 1 (64 bits) or 8 bytes and more."""
    def fits(data: bytes, at: int) -> bool:
        size = int.from_bytes(data[at - 4:at], "big")
        return at >= 4 and (size in (0, 1) or 8 <= size <= min(largest, len(data) - at + 4))
    return fits


def _after(offset: int, *values: bytes) -> Callable[[bytes, int], bool]:
    """Whether one of ``values`` follows ``offset`` bytes after the sign."""
    return lambda data, at: data[at + offset:at + offset + len(values[0])] in values


def _id3(data: bytes, at: int) -> bool:
    """Version 2 to 4, no unknown flag, a size of 7-bit bytes."""
    header = data[at + 3:at + 10]
    return (len(header) == 7 and header[0] in (2, 3, 4) and header[1] == 0 and header[2] & 0x0F == 0
            and max(header[3:]) < 0x80)


def _ebml(data: bytes, at: int) -> bool:
    """The EBML header's version or document type follows its size."""
    return any(data.find(element, at + 4, at + 16) != -1 for element in (b"\x42\x86", b"\x42\x82"))


_any_box, _small_box = _box(1 << 62), _box(4096)


def _ftyp(data: bytes, at: int) -> bool:
    """A small box whose brand is not a picture's."""
    brand = data[at + 4:at + 8]
    return _small_box(data, at) and brand.isascii() and brand not in IMAGE_BRANDS


def _always(data: bytes, at: int) -> bool:
    return True


_SIGNS: dict[bytes, tuple[str, Callable[[bytes, int], bool]]] = {
    b"OggS": ("an Ogg stream", _after(4, *(bytes([0, flags]) for flags in range(8)))),  # version 0
    b"fLaC": ("a FLAC stream", _after(4, b"\x00\x00\x00\x22", b"\x80\x00\x00\x22")),  # STREAMINFO
    b"ID3": ("an MP3 with an ID3 tag", _id3),
    b"RIFF": ("a RIFF file (WAV, AVI)", _after(8, b"WAVE", b"AVI ", b"AVIX", b"RMID")),
    b"RF64": ("an RF64 WAV file", _after(8, b"WAVE")),
    b"BW64": ("a BW64 WAV file", _after(8, b"WAVE")),
    b"FORM": ("an AIFF file", _after(8, b"AIFF", b"AIFC", b"8SVX")),
    b"ftyp": ("an MP4 or M4A file", _ftyp),
    b"moov": ("an MP4 or M4A 'moov' box", _any_box),
    b"mdat": ("an MP4 or M4A 'mdat' box", _any_box),
    b"moof": ("an MP4 or M4A 'moof' box", _any_box),
    b"\x1aE\xdf\xa3": ("a Matroska or WebM file", _ebml),
    b"0&\xb2u\x8ef\xcf\x11\xa6\xd9\x00\xaa\x00b\xcel": ("an ASF file (WMA, WMV)", _always),
    b"caff\x00\x01": ("a CAF file", _always),
    b".snd\x00\x00\x00": ("an AU file", _always),
    b"#!AMR\n": ("an AMR file", _always),
    b"#!AMR-WB\n": ("an AMR file", _always),
    b"MThd\x00\x00\x00\x06": ("a MIDI file", _always),
}
"""A container's sign -> (what it is, whether the bytes around it confirm it)."""


def _mpeg_frame(data: bytes, at: int) -> Frame | None:
    """An MPEG audio or ADTS frame whose header is at ``at``."""
    if at + 7 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    b1, b2 = data[at + 1], data[at + 2]
    version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
    if layer == 0:  # ADTS (AAC): a 12-bit sync word and the frame's length in the header
        rate = (b2 >> 2) & 15
        length = ((data[at + 3] & 3) << 11) | (data[at + 4] << 3) | (data[at + 5] >> 5)
        return (length, ("adts", rate)) if b1 & 0xF0 == 0xF0 and rate <= 12 and length >= 7 else None
    index, rate_index = b2 >> 4, (b2 >> 2) & 3
    if version == 1 or index in (0, 15) or rate_index == 3:
        return None
    bitrate = _MPEG_KBPS[(version == 3, layer)][index - 1] * 1000
    rate = _MPEG_RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    if layer == 3:  # layer I: slots of four bytes
        length = (12 * bitrate // rate + padding) * 4
    else:
        length = (72 if layer == 1 and version != 3 else 144) * bitrate // rate + padding
    return length, ("mpeg", version, layer, rate_index)


def _ac3_frame(data: bytes, at: int) -> Frame | None:
    """An AC-3 or E-AC-3 frame whose header is at ``at``."""
    if at + 6 > len(data) or data[at:at + 2] != b"\x0bw":
        return None
    bsid = data[at + 5] >> 3
    if 11 <= bsid <= 16:  # E-AC-3: the frame's length in the header
        return ((((data[at + 2] & 7) << 8) | data[at + 3]) + 1) * 2, ("ac3", bsid)
    fscod, code = data[at + 4] >> 6, data[at + 4] & 63
    if bsid > 10 or fscod == 3 or code >= 38:
        return None
    kbps = _AC3_KBPS[code >> 1]
    words = (kbps * 2, kbps * 96_000 // 44_100 + (code & 1), kbps * 3)[fscod]
    return words * 2, ("ac3", fscod)


def _stream_at(data: bytes, at: int) -> str | None:
    """What stream starts at ``at``: ``FRAMES`` frame headers of one kind, each where the length
    of the one before puts it."""
    read = _ac3_frame if data[at:at + 2] == b"\x0bw" else _mpeg_frame
    kind: tuple[object, ...] | None = None
    for _ in range(FRAMES):
        frame = read(data, at)
        if frame is None or kind not in (None, frame[1]):
            return None
        at, kind = at + frame[0], frame[1]
    return _STREAMS[str(kind[0])] if kind else None


def find(data: bytes) -> tuple[int, str] | None:
    """(offset, what) of the first sound or video found inside ``data``, at any offset."""
    found: list[tuple[int, str]] = []
    for sign, (what, confirmed) in _SIGNS.items():
        at = data.find(sign)
        while at != -1 and not confirmed(data, at):
            at = data.find(sign, at + 1)
        if at != -1:
            found.append((at, what))
    for match in _SYNC.finditer(data):
        stream = _stream_at(data, match.start())
        if stream is not None:
            found.append((match.start(), stream))
            break
    ts = _TS.search(data)
    if ts is not None:
        found.append((ts.start(), "an MPEG transport stream"))
    return min(found) if found else None


def findings(data: bytes, allowed: frozenset[str]) -> list[str]:
    """What is wrong with one sound file found in an output; ``allowed`` are the SHA-256 digests
    of the recordings this build published."""
    if hashlib.sha256(data).hexdigest() not in allowed:
        return ["is a sound file that the consent gate did not publish"]
    try:
        opus = OggOpus(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - a recording the audit cannot read is not published
        return [f"is a recording the audit cannot read ({type(exc).__name__})"]
    if opus.tags is not None and list(opus.tags.items()):
        return [f"is a recording that carries tags ({', '.join(sorted({k for k, _ in opus.tags.items()}))})"]
    return []
