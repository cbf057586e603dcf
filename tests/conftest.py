"""Shared fixtures: a copy of the sample project, and the CLI called in-process.

Tests never write into the repository tree: every build happens in a copy under a temporary
folder, artifacts (screenshots) go to ARTIFACTS, and the session fails if any file of the
repository was created, changed or removed while the tests ran.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from ballata import audio
from ballata.cli import main
from ballata.errors import Problems

REPO = Path(__file__).resolve().parents[1]
BUILD_DATE = "2026-11-26"
"""Fixed so the sample's expiry cases do not drift with the calendar."""
ARTIFACTS = Path(os.environ.get("BALLATA_ARTIFACTS")
                 or Path(tempfile.gettempdir()) / "ballata-test-artifacts")
"""Screenshots and rendered pages kept for people to look at: outside the repository."""
UNWATCHED = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache",
             ".ruff_cache", ".hypothesis"}
"""Caches of the tools themselves; everything else in the repository must stay as it was."""

# The sample's hotline numbers are marked as placeholders (they are not real): every build of it
# is a proof copy. The test of the refusal itself removes this.
os.environ["BALLATA_ALLOW_PLACEHOLDERS"] = "1"

settings.register_profile("ballata", database=DirectoryBasedExampleDatabase(
    str(Path(tempfile.gettempdir()) / "ballata-hypothesis")))
settings.load_profile("ballata")


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for current, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in UNWATCHED and not d.endswith(".egg-info")]
        for name in files:
            path = Path(current) / name
            stat = path.lstat()
            found[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _tree(REPO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    after = _tree(REPO)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Tests wrote into the repository tree: " + ", ".join(changed[:10]),
                                red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[dict[str, tuple[int, int]]]()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run(capsys):
    def _run(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err, captured.err
        return Result(code, captured.out, captured.err)
    return _run


@functools.cache
def sample_audio_cache() -> Path:
    """The sample's recordings re-encoded once for the session (seconds each): every copy of the
    sample starts with them in build/cache/audio/, as a second build on an editor's computer does.
    Tests of the encoding itself use recordings of their own."""
    cache = Path(tempfile.mkdtemp(prefix="ballata-audio-cache."))
    encoder = audio.Encoder(cache)
    for path in sorted([*REPO.glob("stories/*/index.*.*"), *REPO.glob("content/**/index.*.*")]):
        if path.suffix[1:] in audio.DEMUXERS:
            problems = Problems()
            encoder.encode(REPO, audio.Wanted(path.relative_to(REPO).as_posix(), ""), problems)
            assert not problems.errors, problems.errors
    return cache


def copy_project(dest: Path) -> Path:
    for name in ("ballata.yml", "mkdocs.yml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, dest / name)
    for name in ("stories", "content", "theme"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copytree(sample_audio_cache(), dest / "build" / "cache" / "audio")
    return dest


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A writable copy of the repository's sample content."""
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root)


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """The sample's configuration with no stories and only a home page."""
    root = tmp_path / "empty"
    root.mkdir()
    shutil.copy(REPO / "ballata.yml", root / "ballata.yml")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "stories").mkdir()
    (root / "content").mkdir()
    (root / "content" / "index.id.md").write_text("# Beranda\n\nHalo.\n", encoding="utf-8")
    return root
