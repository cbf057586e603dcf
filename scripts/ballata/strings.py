"""Interface words per language, from the project's theme/strings.yml."""

from __future__ import annotations

from pathlib import Path

from . import sources

STRINGS_FILE = Path("theme") / "strings.yml"
"""Relative to the project root: design lives in the project's theme/."""


class Strings:
    """Interface words from theme/strings.yml, per language, falling back to English then the key."""

    def __init__(self, path: Path) -> None:
        # The project root is two levels up from theme/strings.yml.
        self.table: dict[str, dict[str, str]] = sources.read_theme_yaml(path, path.parents[1]) or {}

    def get(self, key: str, lang: str, **values: object) -> str:
        row = self.table.get(key, {})
        text = row.get(lang) or row.get("en") or key
        return text.format(**values) if values else text

    def for_lang(self, lang: str) -> dict[str, str]:
        return {key: self.get(key, lang) for key in self.table}
