"""The consent gate and the approval fingerprint. Pure: no MkDocs, no WeasyPrint."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from .model import Channel, ConsentStatus, Story

FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")
_TRAILING_BLANKS = re.compile(r"[ \t]+$", re.MULTILINE)


def normalise(raw: bytes) -> str:
    """The text as approved: what an editor can change without changing what she heard."""
    text = raw.decode("utf-8-sig")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_BLANKS.sub("", text)
    return text.rstrip("\n") + "\n"


def fingerprint(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(normalise(raw).encode("utf-8")).hexdigest()


def shown_words(story: Story, lang: str) -> str:
    """The words shown with her story in ``lang`` besides its text, one per line: title, byline,
    region, destination, and every picture's alt text and caption. Spaces and Unicode forms that
    look the same (NFC) do not count, as trailing blanks do not count in a text."""

    def clean(value: str | None) -> str:
        return " ".join(unicodedata.normalize("NFC", value or "").split())

    text = story.texts.get(lang)
    lines = [f"title: {clean(text.title if text else '')}",
             f"byline: {clean(story.narrator.byline())}",
             f"attribution: {story.narrator.attribution.value}",
             f"region: {clean(story.region)}",
             f"destination: {clean(story.destination)}"]
    for medium in story.media:
        lines += [f"picture: {medium.file}", f"alt: {clean(medium.alt.get(lang))}",
                  f"caption: {clean(medium.caption.get(lang))}"]
    return "\n".join(lines) + "\n"


def meta_fingerprint(story: Story, lang: str) -> str:
    """What ``approved_meta.<lang>`` records: the fingerprint of :func:`shown_words`."""
    return fingerprint(shown_words(story, lang).encode("utf-8"))


CHANGED = "changed since approval"
NOT_APPROVED = "not approved"
NOT_READY = "not ready"
"""Prefix of the reasons of a draft: a version that is not finished, never an error."""


def changes_since_approval(story: Story, lang: str) -> list[str]:
    """What changed since she approved ``lang``: ``"the text"``, ``"the words shown with it"``
    (title, byline, captions...), both, or nothing."""
    text = story.texts.get(lang)
    approved = story.consent.approved.get(lang)
    if text is None or approved is None:
        return []
    out = []
    if approved != fingerprint(text.raw):
        out.append("the text")
    meta = story.consent.approved_meta.get(lang)
    if meta is not None and meta != meta_fingerprint(story, lang):
        out.append("the title, byline or captions")
    return out


def approved_before_meta(story: Story, lang: str) -> bool:
    """Approved before ``approved_meta`` existed: published, with a warning to approve again."""
    return lang in story.consent.approved and lang not in story.consent.approved_meta


@dataclass(frozen=True)
class Decision:
    published: bool
    reason: str | None = None
    """Why a version is excluded; ``None`` when published."""


PUBLISH = Decision(True)


def decide(story: Story, channel: Channel, lang: str, build_date: dt.date) -> Decision:
    """Whether one version (story, channel, language) may be published on ``build_date``."""
    consent = story.consent
    if consent.status is ConsentStatus.WITHDRAWN:
        return Decision(False, "withdrawn")
    if not consent.status.is_given():
        return Decision(False, "pending")
    if consent.date is None or consent.date > build_date:
        return Decision(False, "consent date is after the build date")
    if consent.expires is not None and consent.expires < build_date:
        return Decision(False, "expired")
    if channel not in consent.channels:
        return Decision(False, f"no consent for {channel.value}")
    text = story.texts.get(lang)
    if text is None:
        return Decision(False, f"no {lang} text")
    if not text.title:
        return Decision(False, f"{NOT_READY}: no title for {lang}")
    if consent.approved.get(lang) is None:
        return Decision(False, NOT_APPROVED)
    if changes_since_approval(story, lang):
        return Decision(False, CHANGED)
    return PUBLISH


def is_draft(reason: str | None) -> bool:
    """A version left out because it is not finished (no title, not approved): listed, never an
    error, and the story's other versions are published."""
    return bool(reason) and (reason == NOT_APPROVED or str(reason).startswith(NOT_READY))
