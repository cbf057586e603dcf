"""Writing sources for editors: new story folders, recorded approvals and consent changes."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .config import load_config
from .consent import fingerprint, meta_fingerprint
from .errors import BallataError, Problem, Problems, UsageError
from .readers import SLUG, SLUG_TIP, read_story

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
    # The same date in consent.date and in the history is written twice, never as an alias.
    yaml.representer.ignore_aliases = lambda *args: True
    # An empty field stays empty (`expires:`), as the template writes it, not `null`.
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", ""))
    return yaml


def _story_file(root: Path, slug: str) -> tuple[Path, str]:
    yml = root / "stories" / slug / "story.yml"
    if not SLUG.fullmatch(slug) or not yml.is_file():
        raise UsageError(f"there is no story {slug!r}", tip="Check the folder name under stories/.")
    return yml, f"stories/{slug}/story.yml"


def _load(yml: Path, name: str) -> tuple[YAML, Any]:
    yaml = _round_trip()
    try:
        return yaml, yaml.load(yml.read_text(encoding="utf-8-sig"))
    except Exception as exc:  # ruamel raises many error types; all mean the same to an editor
        raise BallataError([Problem(name, f"cannot be read: {exc}",
                                    tip="Run `ballata check` to see what is wrong.")]) from None


def _save(yml: Path, yaml: YAML, data: Any) -> None:
    out = io.StringIO()
    yaml.dump(data, out)
    yml.write_text(out.getvalue(), encoding="utf-8")


def _set_after(mapping: Any, key: str, value: Any, after: str) -> None:
    """Set ``key``, placing a new key right after ``after`` (or at the end) so related fields
    stay together."""
    if key in mapping or after not in mapping:
        mapping[key] = value
    else:
        mapping.insert(list(mapping).index(after) + 1, key, value)


def approve(root: Path, slug: str, lang: str, recording: bool = False) -> str:
    """Write the fingerprints of her approved text and of the words shown with it (title, byline,
    captions, alt texts) into story.yml, keeping the editors' comments; with ``recording``, also
    of the recording lying next to the text, which she listened to (asked for by name, so that a
    recording put there unnoticed is never approved with a text)."""
    config = load_config(root)
    if lang not in config.languages:
        raise UsageError(f"{lang!r} is not a configured language ({', '.join(config.languages)})")
    yml, name = _story_file(root, slug)
    if not (yml.parent / f"index.{lang}.md").is_file():
        raise UsageError(f"stories/{slug}/index.{lang}.md does not exist",
                         tip="Write the text she approved first.")
    yaml, data = _load(yml, name)
    consent = data.get("consent") if isinstance(data, dict) else None
    if not isinstance(consent, dict) or consent.get("status") != "given":
        raise BallataError([Problem(name, "consent.status is not 'given': an approval can only be "
                                          "recorded once she has given consent", field="consent.status",
                                    tip="Record her consent (status, date, method, channels) first.")])
    # The model decides what is shown with her story: the same reader as the build.
    problems = Problems()
    story = read_story(yml.parent, config, problems)
    if story is None:
        raise BallataError(problems.errors or [Problem(name, "the story cannot be read")])
    if not story.texts[lang].title:
        raise BallataError([Problem(name, f"index.{lang}.md has no title yet: she approves the "
                                          "title with the text", field="title",
                                    tip=f"Add title: {{{lang}: \"...\"}} to story.yml (or `title:` "
                                        f"to the front matter of index.{lang}.md), then approve.")])
    value = fingerprint(story.texts[lang].raw)
    found = story.texts[lang].recording
    if recording and found is None:
        raise UsageError(f"there is no recording of stories/{slug}/index.{lang}.md "
                         f"(index.{lang}.m4a, .mp3 or .opus)",
                         tip="Put the recording she listened to next to the text, or approve "
                             "without --recording.")
    fingerprints = [("approved", value), ("approved_meta", meta_fingerprint(story, lang))]
    if recording and found is not None:
        fingerprints.append(("approved_voice", found.fingerprint))
    for key, fp in fingerprints:
        recorded = consent.get(key)
        if not isinstance(recorded, dict):
            recorded = CommentedMap()
            _set_after(consent, key, recorded, "approved_meta" if key == "approved_voice" else "approved")
        recorded[lang] = fp
    _save(yml, yaml, data)
    return value


def recording_approved(root: Path, slug: str, lang: str) -> bool | None:
    """Whether the recording next to stories/SLUG/index.LANG.md is the one she approved; ``None``
    when there is no recording."""
    story = read_story(root / "stories" / slug, load_config(root), Problems())
    text = story.texts.get(lang) if story else None
    if text is None or text.recording is None:
        return None
    return story is not None and story.consent.approved_voice.get(lang) == text.recording.fingerprint


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return "none" if value is None else str(value)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _history_entry(day: dt.date, change: str, recorded_by: str | None) -> CommentedMap:
    entry = CommentedMap()
    entry["date"] = day
    entry["change"] = DoubleQuotedScalarString(change)
    if recorded_by:
        entry["recorded_by"] = recorded_by
    entry.fa.set_flow_style()
    return entry


def _append_history(consent: Any, entry: CommentedMap) -> None:
    history = consent.get("history")
    if not isinstance(history, list):
        history = CommentedSeq()
        consent["history"] = history
    history.append(entry)


def set_consent(root: Path, slug: str, *, status: str | None = None,
                channels: list[str] | None = None, photos: bool | None = None,
                voice: bool | None = None, method: str | None = None, recorded_by: str | None = None,
                day: dt.date | None = None) -> str:
    """Change her consent in story.yml (comments kept) and append what changed, when and who
    recorded it to consent.history. Returns the change as written in the history."""
    if status == "withdrawn":
        return withdraw(root, slug, recorded_by=recorded_by, day=day)
    day = day or dt.date.today()
    yml, name = _story_file(root, slug)
    yaml, data = _load(yml, name)
    if not isinstance(data, dict):
        raise BallataError([Problem(name, "expected a group of fields (name: value)",
                                    tip="Run `ballata check` to see what is wrong.")])
    consent = data.get("consent")
    if not isinstance(consent, dict):
        consent = CommentedMap()
        data["consent"] = consent
    wanted: dict[str, Any] = {}
    if status is not None:
        wanted["status"] = status
    if channels is not None:
        wanted["channels"] = channels
    if photos is not None:
        wanted["photos"] = photos
    if voice is not None:
        wanted["voice"] = voice
    if method is not None:
        wanted["method"] = method
    # An unwritten yes/no field means no (readers.CONSENT's defaults).
    old = {key: consent.get(key, False if key in ("photos", "voice") else None) for key in wanted}
    changed = [key for key, value in wanted.items() if _plain(old[key]) != value]
    if not changed:
        raise UsageError("nothing to change: story.yml already says so",
                         tip="Give --status, --channels, --photos, --voice or --method with a new "
                             "value.")
    for key in changed:
        value = wanted[key]
        if key == "channels":
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()
            value = seq
        _set_after(consent, key, value, "photos" if key == "voice" and "photos" in consent else "status")
    if "status" in changed or consent.get("date") is None:
        _set_after(consent, "date", day, "status")
    if recorded_by and (status == "given" or not consent.get("recorded_by")):
        _set_after(consent, "recorded_by", recorded_by, "method")
    change = "; ".join(f"{key}: {_shown(old[key])} → {_shown(wanted[key])}" for key in changed)
    _append_history(consent, _history_entry(day, change, recorded_by))
    _save(yml, yaml, data)
    return change


_STATUS_LINE = re.compile(r"^([ \t]+status:[ \t]*)([^#\n]*?)([ \t]*(?:#.*)?)$", re.MULTILINE)


def withdraw(root: Path, slug: str, *, recorded_by: str | None = None,
             day: dt.date | None = None) -> str:
    """Record her withdrawal. Always possible: only consent.status, consent.date and
    consent.history are touched, whatever else is wrong in story.yml; a file that is not even
    valid YAML gets ``status: withdrawn`` written into its text, which the reader honours."""
    day = day or dt.date.today()
    yml, name = _story_file(root, slug)
    yaml = _round_trip()
    try:
        data = yaml.load(yml.read_text(encoding="utf-8-sig"))
    except Exception:  # not YAML at all: edit the text, see below
        data = None
    if not isinstance(data, dict):
        _withdraw_in_text(yml, day)
        return "status: withdrawn"
    consent = data.get("consent")
    if not isinstance(consent, dict):
        consent = CommentedMap()
        data["consent"] = consent
    old = consent.get("status")
    consent["status"] = "withdrawn"
    _set_after(consent, "date", day, "status")
    change = f"status: {_shown(old)} → withdrawn"
    _append_history(consent, _history_entry(day, change, recorded_by))
    _save(yml, yaml, data)
    return change


def _withdraw_in_text(yml: Path, day: dt.date) -> None:
    text = yml.read_text(encoding="utf-8", errors="replace")
    match = _STATUS_LINE.search(text)
    if match:
        text = text[:match.start(2)] + "withdrawn" + text[match.end(2):]
    else:
        text = text.rstrip("\n") + f"\nconsent:\n  status: withdrawn\n  date: {day.isoformat()}\n"
    yml.write_text(text, encoding="utf-8")
