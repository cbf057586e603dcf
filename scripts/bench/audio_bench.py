"""Recordings benchmark: what spoken testimonies add to `ballata build --no-pdf` at 300 stories.

Run: .venv/bin/python scripts/bench/audio_bench.py [--stories 300] [--recordings 30] [--minutes 4]
Gives ``--recordings`` of the generated stories an Indonesian recording of ``--minutes`` minutes
(speech-like noise made by ffmpeg, with tags and cover art as a phone writes them) and her voice
consent and approval, then times three builds: without recordings, with them on an empty cache
(every recording re-encoded), and again (the cache reused). Reports the bytes a reader downloads
per minute of listening and what the offline bundle grows by.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

BIN = Path(sys.executable).parent


def build(project: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "ballata"), "build", "--no-pdf", "--date", "2026-11-26"], cwd=project,
                   check=True, capture_output=True)
    return time.perf_counter() - start


def phone_recording(path: Path, minutes: float) -> None:
    """Noise shaped like speech (band-limited, pulsing), as an AAC file with a phone's tags."""
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"anoisesrc=color=pink:duration={minutes * 60}:sample_rate=44100",
                    "-af", "highpass=f=200,lowpass=f=3400,volume='0.5+0.5*sin(2*PI*3*t)':eval=frame",
                    "-metadata", "title=Rekaman", "-metadata", "location=+05.98+116.07/",
                    "-c:a", "aac", "-b:a", "96k", str(path)], check=True)


def give_voice(folder: Path, recording: bytes) -> None:
    """The recording next to her text, with her consent to her voice and her approval of it, as
    `ballata consent set --voice yes` and `consent approve --recording` write them."""
    (folder / "index.id.m4a").write_bytes(recording)
    yml = folder / "story.yml"
    text = yml.read_text(encoding="utf-8").replace("  photos: false\n", "  photos: false\n  voice: true\n")
    yml.write_text(text + f'  approved_voice:\n    id: "sha256:{hashlib.sha256(recording).hexdigest()}"\n',
                   encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--recordings", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ballata-audio-bench-"))
    project = make_corpus(work / "project", args.stories)
    without = build(project)
    bundle_before = (project / "build" / "offline" / "ballata-migran-id.zip").stat().st_size
    source = work / "phone.m4a"
    phone_recording(source, args.minutes)
    for n in range(args.recordings):
        # A different last byte (after the last atom, ignored by the demuxer): every recording
        # is its own file, re-encoded once, as in a real collection.
        give_voice(project / "stories" / f"cerita-contoh-{n:04d}", source.read_bytes() + bytes([n % 256]))
    cold = build(project)
    warm = build(project)
    published = sorted((project / "site" / "stories").glob("*/recording.opus"))
    size = published[0].stat().st_size if published else 0
    bundle_after = (project / "build" / "offline" / "ballata-migran-id.zip").stat().st_size
    print(f"corpus: {args.stories} stories, {len(published)} of them with a {args.minutes:g}-minute recording")
    print(f"build --no-pdf without recordings: {without:.1f} s")
    print(f"with recordings, empty cache: {cold:.1f} s (+{cold - without:.1f} s, "
          f"{(cold - without) / max(1, len(published)):.2f} s per recording)")
    print(f"with recordings, cache reused: {warm:.1f} s (+{warm - without:.1f} s)")
    print(f"published recording: {size / 1000:.0f} kB, {size / 1000 / args.minutes:.0f} kB per minute "
          f"(phone file: {source.stat().st_size / 1000:.0f} kB)")
    print(f"offline bundle (id): {bundle_before / 1e6:.1f} MB -> {bundle_after / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
