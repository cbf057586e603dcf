"""Writing sources for editors: new story folders and recorded approvals."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .config import load_config
from .consent import fingerprint
from .errors import BallataError, Problem, UsageError
from .readers import SLUG, SLUG_TIP

TEMPLATES = Path("theme") / "templates"
"""Relative to the project root, beside the rest of the design."""


def new_story(root: Path, slug: str) -> Path:
    config = load_config(root)
    if not SLUG.fullmatch(slug):
        raise UsageError(f"{slug!r} cannot be a web address", tip=SLUG_TIP)
    folder = root / "stories" / slug
    if folder.exists():
        raise UsageError(f"stories/{slug} already exists", tip="Choose another name.")
    template = (root / TEMPLATES / "story.yml").read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    (folder / "story.yml").write_text(template.format(
        slug=slug, today=dt.date.today().isoformat(), default_language=config.default_language),
        encoding="utf-8")
    (folder / f"index.{config.default_language}.md").write_text(
        "Tulis ceritanya di sini, dengan kata-katanya sendiri.\n", encoding="utf-8")
    return folder


def _round_trip() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def approve(root: Path, slug: str, lang: str) -> str:
    """Write the fingerprint of her approved text into story.yml, keeping the editors' comments."""
    config = load_config(root)
    if lang not in config.languages:
        raise UsageError(f"{lang!r} is not a configured language ({', '.join(config.languages)})")
    folder = root / "stories" / slug
    yml, text = folder / "story.yml", folder / f"index.{lang}.md"
    name = f"stories/{slug}/story.yml"
    if not yml.is_file():
        raise UsageError(f"there is no story {slug!r}", tip="Check the folder name under stories/.")
    if not text.is_file():
        raise UsageError(f"stories/{slug}/index.{lang}.md does not exist",
                         tip="Write the text she approved first.")
    yaml = _round_trip()
    try:
        data = yaml.load(yml.read_text(encoding="utf-8-sig"))
    except Exception as exc:  # ruamel raises many error types; all mean the same to an editor
        raise BallataError([Problem(name, f"cannot be read: {exc}",
                                    tip="Run `ballata check` to see what is wrong.")]) from None
    consent = data.get("consent") if isinstance(data, dict) else None
    if not isinstance(consent, dict) or consent.get("status") != "given":
        raise BallataError([Problem(name, "consent.status is not 'given': an approval can only be "
                                          "recorded once she has given consent", field="consent.status",
                                    tip="Record her consent (status, date, method, channels) first.")])
    value = fingerprint(text.read_bytes())
    approved = consent.get("approved")
    if not isinstance(approved, dict):
        approved = CommentedMap()
        consent["approved"] = approved
    approved[lang] = value
    out = io.StringIO()
    yaml.dump(data, out)
    yml.write_text(out.getvalue(), encoding="utf-8")
    return value
