"""Shared fixtures: a copy of the sample project, and the CLI called in-process."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ballata.cli import main

REPO = Path(__file__).resolve().parents[1]
BUILD_DATE = "2026-11-26"
"""Fixed so the sample's expiry cases do not drift with the calendar."""


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


def copy_project(dest: Path) -> Path:
    for name in ("ballata.yml", "mkdocs.yml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, dest / name)
    for name in ("stories", "content", "theme"):
        shutil.copytree(REPO / name, dest / name)
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
