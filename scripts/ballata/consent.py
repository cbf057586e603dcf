"""The consent gate and the approval fingerprint. Pure: no MkDocs, no WeasyPrint."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
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
    approved = consent.approved.get(lang)
    if approved is None:
        return Decision(False, "not approved")
    if approved != fingerprint(text.raw):
        return Decision(False, "changed since approval")
    return PUBLISH
