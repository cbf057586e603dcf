"""The content model: stories, their language versions, pages and guides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum, IntEnum


class ConsentStatus(IntEnum):
    """Ordered so that anything below GIVEN is withheld; a missing value is never GIVEN."""

    WITHDRAWN = 0
    PENDING = 1
    GIVEN = 2

    def is_given(self) -> bool:
        return self is ConsentStatus.GIVEN


class Channel(str, Enum):
    WEB = "web"
    PRINT = "print"


class Attribution(str, Enum):
    NAMED = "named"
    PSEUDONYM = "pseudonym"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class HistoryEntry:
    """One change of her consent, as `ballata consent set|withdraw` recorded it."""

    date: dt.date
    change: str
    """What changed, e.g. ``status: given → withdrawn``."""
    recorded_by: str | None = None


@dataclass(frozen=True)
class Consent:
    status: ConsentStatus
    date: dt.date | None
    """When consent was given or withdrawn; may be empty while pending."""
    expires: dt.date | None
    method: str | None
    recorded_by: str | None
    channels: frozenset[Channel]
    photos: bool
    """Whether media that show faces may be published."""
    approved: dict[str, str]
    """Language -> fingerprint of the exact text she heard or read and approved."""
    approved_meta: dict[str, str] = field(default_factory=dict)
    """Language -> fingerprint of the words shown with that text (title, byline, captions, alt
    texts, region, destination) when she approved it; absent for approvals recorded before."""
    voice: bool = False
    """Whether a recording of her voice may be published (never for a minor)."""
    approved_voice: dict[str, str] = field(default_factory=dict)
    """Language -> fingerprint of the recording she listened to and approved."""
    history: tuple[HistoryEntry, ...] = ()
    """Changes of her consent, oldest first."""


@dataclass(frozen=True)
class Narrator:
    display_name: str | None
    attribution: Attribution
    minor: bool = False

    def byline(self) -> str | None:
        """The name as printed: none when anonymous."""
        return None if self.attribution is Attribution.ANONYMOUS else self.display_name


@dataclass(frozen=True)
class Medium:
    file: str
    alt: dict[str, str]
    shows_faces: bool
    caption: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceRecording:
    """A spoken version of a text (``index.<lang>.opus|mp3|m4a``), as it is on disk."""

    path: str
    """Path relative to the project root."""
    fingerprint: str
    """``sha256:`` of the file's bytes: what her approval of the recording records."""


@dataclass
class Text:
    """One language version of a story or page, as it is on disk."""

    lang: str
    path: str
    """Path relative to the project root."""
    raw: bytes
    """The file's bytes: what the approval fingerprint is taken of."""
    meta: dict[str, object]
    """Front matter."""
    body: str
    """Markdown without front matter."""
    body_line: int
    """Line of the file where ``body`` starts, for error messages."""
    title: str
    recording: SourceRecording | None = None
    """Her voice reading this text, if a recording lies next to it."""


@dataclass
class Story:
    slug: str
    folder: str
    yml: str
    """Path of story.yml relative to the project root."""
    narrator: Narrator
    region: str
    destination: str
    recorded: dt.date
    original_language: str
    tags: list[str]
    media: list[Medium]
    consent: Consent
    texts: dict[str, Text]

    def title(self, lang: str) -> str:
        return self.texts[lang].title


@dataclass
class Page:
    """A page of ``content/``: home, about, a guide, a statistics narrative."""

    key: str
    """Folder relative to ``content/`` ('' for the home page), e.g. ``guides/passport``."""
    texts: dict[str, Text]
    assets: list[str] = field(default_factory=list)
    """Image files next to the page, relative to the project root."""

    @property
    def section(self) -> str:
        return self.key.split("/", 1)[0] if self.key else ""

    @property
    def slug(self) -> str:
        return self.key.rsplit("/", 1)[-1]


@dataclass
class Project:
    stories: dict[str, Story] = field(default_factory=dict)
    invalid_stories: dict[str, str] = field(default_factory=dict)
    """Slug -> story.yml path of stories that failed validation."""
    invalid_reasons: dict[str, str] = field(default_factory=dict)
    """Slug -> why an invalid story is left out (``withdrawn``, or where its first error is);
    a story missing here is reported as ``invalid story.yml``."""
    pages: dict[str, Page] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)


@dataclass(frozen=True)
class Dimension:
    column: str
    label: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    """Category as written in table.csv -> its label per language."""

    def value_label(self, value: str, lang: str) -> str:
        return self.values.get(value, {}).get(lang) or value


@dataclass(frozen=True)
class Official:
    """A public figure shown for comparison; public already, so never suppressed."""

    label: dict[str, str]
    value: int
    source: dict[str, str]


@dataclass
class Dataset:
    key: str
    """Folder under content/, e.g. ``statistics/pekerja-migran``."""
    folder: str
    title: dict[str, str]
    source: dict[str, str]
    collected: str
    threshold: int
    dimensions: list[Dimension]
    measure: Dimension
    official: list[Official]
    chart_title: dict[str, str]
    table: object
    """The checked :class:`ballata.statistics.Table`."""
    csv_text: str
    """table.csv exactly as published for download."""
