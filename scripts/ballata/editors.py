"""The editors' report: consents to renew, stories waiting, translations missing or stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import Config
from .consent import fingerprint
from .model import ConsentStatus, Project, Text


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

    def as_dict(self) -> dict[str, object]:
        return {
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


def editors_report(project: Project, config: Config, today: dt.date, days: int) -> EditorsReport:
    report = EditorsReport()
    horizon = today + dt.timedelta(days=days)
    for slug, story in sorted(project.stories.items()):
        consent = story.consent
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
            if consent.approved.get(lang) != fingerprint(text.raw):
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
