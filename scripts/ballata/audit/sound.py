"""Sound in outputs: only the recordings the gate published, exactly as the core re-encoded them,
and without a single tag. Recognised by their bytes, whatever a file is named."""

from __future__ import annotations

import hashlib
import io

from mutagen.oggopus import OggOpus

IMAGE_BRANDS = {b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}
"""ISO media files that hold pictures, not sound (the picture audit reads those)."""


def is_sound(data: bytes) -> bool:
    """Whether ``data`` is a sound (or video) file of any common kind."""
    head = data[:12]
    return (head[:4] in (b"OggS", b"fLaC", b"caff", b".snd", b"#!AM", b"MThd", b"\x1aE\xdf\xa3",
                         b"0&\xb2u")
            or head[:3] == b"ID3"
            or (head[:4] in (b"RIFF", b"FORM") and head[8:12] in (b"WAVE", b"AIFF", b"AIFC"))
            or (head[4:8] == b"ftyp" and head[8:12] not in IMAGE_BRANDS)
            # An MPEG audio or ADTS frame (a bare MP3 or AAC); FF FE is a UTF-16 text's mark.
            or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] != 0xFE))


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
