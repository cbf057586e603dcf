"""The editors' report: consents to renew, stories waiting, translations missing or stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import Config
from .consent import changes_since_approval, fingerprint
from .errors import Problems
from .model import ConsentStatus, HistoryEntry, Project, Text

HISTORY_SHOWN = 3
"""Entries of consent.history shown per story: the latest ones."""


@dataclass
class EditorsReport:
    expiring: list[tuple[str, dt.date]] = field(default_factory=list)
    expired: list[tuple[str, dt.date]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    not_approved: list[tuple[str, str]] = field(default_factory=list)
    """(story, language) with a text she has not approved as it is now."""
    missing: list[tuple[str, str]] = field(default_factory=list)
    """(file or folder, language) with no translation."""
    stale: list[tuple[str, str]] = field(default_factory=list)
    """(translation, source) where the source changed after the translation was made."""
    not_ready: list[tuple[str, str, str]] = field(default_factory=list)
    """(story, language, what is missing) of drafts: listed, never errors."""
    errors: list[tuple[str, list[str]]] = field(default_factory=list)
    """(story, locations of its errors): stories that stop a build."""
    history: list[tuple[str, list[HistoryEntry]]] = field(default_factory=list)
    """(story, latest consent.history entries, oldest first)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "errors": [{"story": s, "where": where} for s, where in self.errors],
            "not_ready": [{"story": s, "language": lang, "missing": what}
                          for s, lang, what in self.not_ready],
            "history": [{"story": s, "entries": [{"date": e.date.isoformat(), "change": e.change,
                                                  "recorded_by": e.recorded_by} for e in entries]}
                        for s, entries in self.history],
            "expiring": [{"story": s, "expires": d.isoformat()} for s, d in self.expiring],
            "expired": [{"story": s, "expires": d.isoformat()} for s, d in self.expired],
            "pending": self.pending,
            "not_approved": [{"story": s, "language": lang} for s, lang in self.not_approved],
            "missing_translations": [{"source": s, "language": lang} for s, lang in self.missing],
            "stale_translations": [{"translation": t, "source": s} for t, s in self.stale],
        }


def _stale(text: Text, source: Text | None) -> bool:
    recorded = text.meta.get("translated_from")
    return bool(recorded and source is not None and recorded != fingerprint(source.raw))


def _story_errors(project: Project, problems: Problems) -> list[tuple[str, list[str]]]:
    folders = {slug: story.folder for slug, story in project.stories.items()}
    folders.update({slug: yml.rsplit("/", 1)[0] for slug, yml in project.invalid_stories.items()})
    out = []
    for slug, folder in sorted(folders.items()):
        where = [p.location() for p in problems.errors if p.file.startswith(folder + "/")]
        if where:
            out.append((slug, where))
    return out


def editors_report(project: Project, config: Config, today: dt.date, days: int,
                   problems: Problems | None = None) -> EditorsReport:
    """What editors should do next; ``problems`` (of a check of the same sources) adds the
    stories with errors."""
    report = EditorsReport()
    if problems is not None:
        report.errors = _story_errors(project, problems)
    horizon = today + dt.timedelta(days=days)
    for slug, story in sorted(project.stories.items()):
        consent = story.consent
        if consent.history:
            report.history.append((slug, list(consent.history[-HISTORY_SHOWN:])))
        if consent.status is ConsentStatus.PENDING:
            report.pending.append(slug)
        if not consent.status.is_given():
            continue
        if consent.expires is not None:
            if consent.expires < today:
                report.expired.append((slug, consent.expires))
            elif consent.expires <= horizon:
                report.expiring.append((slug, consent.expires))
        for lang in config.languages:
            text = story.texts.get(lang)
            if text is None:
                report.missing.append((story.folder, lang))
                continue
            if not text.title:
                report.not_ready.append((slug, lang, "no title"))
            elif lang not in consent.approved or changes_since_approval(story, lang):
                report.not_approved.append((slug, lang))
            if _stale(text, story.texts.get(story.original_language)):
                report.stale.append((text.path, story.texts[story.original_language].path))
    for key, page in sorted(project.pages.items()):
        source = page.texts.get(config.default_language)
        for lang in config.languages:
            text = page.texts.get(lang)
            if text is None:
                report.missing.append((f"content/{key}".rstrip("/"), lang))
            elif lang != config.default_language and _stale(text, source):
                report.stale.append((text.path, source.path if source else ""))
    return report
