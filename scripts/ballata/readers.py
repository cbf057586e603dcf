"""Files on disk -> the content model. Every problem is collected, none is raised."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .config import Config
from .consent import FINGERPRINT
from .errors import Problems
from .model import (Attribution, Channel, Consent, ConsentStatus, HistoryEntry, Medium, Narrator,
                    Page, Project, SourceRecording, Story, Text)
from . import audio, sources
from .schema import (INVALID, Bool, Choice, Date, Field, Group, ListOf,
                     PerLanguage, Text as TextType, YamlDoc, dotted, parse_yaml, validate)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANG_FILE = re.compile(r"index\.([^.]+)\.md")
RECORDING_FILE = re.compile(r"index\.([^.]+)\.(" + "|".join(audio.DEMUXERS) + ")")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}

SLUG_TIP = "Use lowercase letters, digits and hyphens only, e.g. paspor-ditahan."

NARRATOR = Group({
    "display_name": Field(TextType(), required=False,
                          doc="Write the byline exactly as printed, or use attribution: anonymous."),
    "attribution": Field(Choice(*(a.value for a in Attribution))),
    "minor": Field(Bool(), required=False, default=False),
}, when=lambda v: {"display_name": v["attribution"] != Attribution.ANONYMOUS.value})

MEDIUM = Group({
    "file": Field(TextType(r"[A-Za-z0-9._-]+\.(?:jpg|jpeg|png|webp)",
                           "an image file name in the story folder (.jpg, .png or .webp)")),
    "alt": Field(PerLanguage(), doc="Describe the picture for people who cannot see it."),
    "shows_faces": Field(Bool(), doc="Say whether anyone's face can be recognised."),
    "caption": Field(PerLanguage(), required=False, default={}),
})

HISTORY_ENTRY = Group({
    "date": Field(Date()),
    "change": Field(TextType(), doc="Say what changed, e.g. \"status: given → withdrawn\"."),
    "recorded_by": Field(TextType(), required=False),
})
"""One entry of consent.history, written by `ballata consent set|withdraw`."""

CONSENT = Group({
    "status": Field(Choice(*(s.name.lower() for s in reversed(ConsentStatus)))),
    "date": Field(Date(), required=False),
    "expires": Field(Date(), required=False),
    "method": Field(Choice("written", "verbal-recorded", "verbal-witnessed", "guardian"),
                    required=False),
    "recorded_by": Field(TextType(), required=False),
    "channels": Field(ListOf(Choice(*(c.value for c in Channel))), required=False, default=[]),
    "photos": Field(Bool(), required=False, default=False),
    "approved": Field(PerLanguage(TextType(FINGERPRINT.pattern, "a fingerprint sha256:…",
                                           "Run `ballata consent approve <slug> <lang>`; "
                                           "never write it by hand.")),
                      required=False, default={}),
    "approved_meta": Field(PerLanguage(TextType(FINGERPRINT.pattern, "a fingerprint sha256:…",
                                                "Run `ballata consent approve <slug> <lang>`; "
                                                "never write it by hand.")),
                           required=False, default={},
                           doc="The fingerprint of the title, byline and captions she approved."),
    "voice": Field(Bool(), required=False, default=False,
                   doc="Write true only if she agrees that a recording of her voice may be heard."),
    "approved_voice": Field(PerLanguage(TextType(FINGERPRINT.pattern, "a fingerprint sha256:…",
                                                 "Run `ballata consent approve <slug> <lang>`; "
                                                 "never write it by hand.")),
                            required=False, default={},
                            doc="The fingerprint of the recording she listened to and approved."),
    "history": Field(ListOf(HISTORY_ENTRY, unique=False), required=False, default=[]),
}, when=lambda v: {
    "date": v["status"] != "pending",
    "method": v["status"] == "given",
    "recorded_by": v["status"] == "given",
    "channels": v["status"] == "given",
})

STORY = Group({
    "title": Field(PerLanguage(), required=False, default={}),
    "narrator": Field(NARRATOR),
    "region": Field(TextType(), doc="Origin as published: district level at most."),
    "destination": Field(TextType(), doc="Destination as published: state level at most."),
    "recorded": Field(Date()),
    "original_language": Field(TextType(r"[a-z]{2,3}", "a language code such as id")),
    "tags": Field(ListOf(TextType(SLUG.pattern, "a tag in lowercase with hyphens", SLUG_TIP)),
                  required=False, default=[]),
    "media": Field(ListOf(MEDIUM), required=False, default=[]),
    "consent": Field(CONSENT, doc="Every story needs a consent block; "
                                  "`ballata new story` writes a template."),
})

TRANSLATED_FROM = Field(TextType(FINGERPRINT.pattern, "a fingerprint sha256:… of the source text"),
                        required=False, doc="The fingerprint of the text this one was translated from.")
STORY_FRONT_MATTER = Group({"title": Field(TextType(), required=False),
                            "translated_from": TRANSLATED_FROM})
PAGE_FRONT_MATTER = Group({
    "title": Field(TextType(), required=False),
    "description": Field(TextType(), required=False),
    "handout": Field(Bool(), required=False, default=False),
    "translated_from": TRANSLATED_FROM,
})


def rel(path: Path, config: Config) -> str:
    return path.relative_to(config.root).as_posix()


def read_text(path: Path, lang: str, config: Config, problems: Problems,
              front_matter: Group) -> tuple[Text, dict[str, Any]] | None:
    """Read one Markdown file with optional front matter."""
    raw = sources.read_bytes(path, config.root, problems, sources.MAX_TEXT_BYTES)
    if raw is None:
        return None
    name = rel(path, config)
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, Any] = {}
    body, body_line = text, 1
    if text.startswith("---\n"):
        end = text.find("\n---", 3)
        if end == -1:
            problems.error(name, "the front matter that starts on line 1 is never closed", line=1,
                           tip="End it with a line of three hyphens: ---")
            return None
        doc = parse_yaml(text[4:end + 1], name, problems, line_offset=1)
        if doc is None:
            return None
        checked = validate(doc, front_matter, problems, config.languages) if doc.data is not None \
            else {k: f.default for k, f in front_matter.fields.items()}
        if checked is INVALID:
            return None
        meta = checked
        rest = text[end + 4:]
        body_line = text[:end + 4].count("\n") + 2
        body = rest[1:] if rest.startswith("\n") else rest
    if not body.strip():
        problems.error(name, "the text is empty", tip="Write the text, or delete the file.")
        return None
    title = meta.get("title") or ""
    if not title:
        heading = re.search(r"^# +(.+?)\s*#*$", body, re.MULTILINE)
        title = heading.group(1).strip() if heading else ""
    return Text(lang, name, raw, meta, body, body_line, title), meta


def _language_files(folder: Path, config: Config, problems: Problems) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("index.*.md")):
        match = LANG_FILE.fullmatch(path.name)
        if not match:
            continue
        lang = match.group(1)
        if lang not in config.languages:
            problems.error(rel(path, config), f"{path.name} is for the language {lang!r}, which is "
                           f"not configured (configured: {', '.join(config.languages)})",
                           tip="Rename the file (e.g. index.id.md) or add the language to ballata.yml.")
            continue
        found[lang] = path
    return found


def attach_recordings(folder: Path, texts: dict[str, Text], config: Config,
                      problems: Problems) -> None:
    """Give each text the recording of it lying next to it (``index.<lang>.opus|mp3|m4a``). A
    recording that cannot be used is left out with a warning, never an error: no recording may
    stop a build, and with it a withdrawal."""
    for path in sorted(folder.iterdir()):
        match = RECORDING_FILE.fullmatch(path.name)
        name = rel(path, config)
        if match is None:
            if path.suffix.lower() in audio.OTHER_SOUNDS or path.suffix.lower()[1:] in audio.DEMUXERS:
                problems.warning(name, "this sound file is not published: a recording is named "
                                 "index.<language>.opus, .mp3 or .m4a (lowercase)",
                                 tip="Rename it, e.g. index.id.m4a, or remove it.")
            continue
        lang, text = match.group(1), texts.get(match.group(1))
        if lang not in config.languages:
            problems.warning(name, f"not published: {path.name} is for the language {lang!r}, which "
                             f"is not configured (configured: {', '.join(config.languages)})",
                             tip="Rename the file (e.g. index.id.m4a) or remove it.")
        elif text is None:
            problems.warning(name, f"not published: there is no index.{lang}.md to show with it "
                             "as its transcript", tip=f"Write its text in index.{lang}.md, or "
                                                      "remove the recording.")
        elif text.recording is not None:
            problems.warning(name, f"not published: a second recording of index.{lang}.md (the "
                             f"first, {text.recording.path.rsplit('/', 1)[-1]}, is used)",
                             tip="Keep one recording per language and remove the other.")
        else:
            unusable = Problems()
            fingerprint = sources.fingerprint_file(path, config.root, unusable,
                                                   sources.MAX_RECORDING_BYTES)
            for problem in unusable.errors:
                problems.warning(name, f"not published: {problem.message}", tip=problem.tip)
            if fingerprint is not None:
                text.recording = SourceRecording(name, fingerprint)




def _is_withdrawn(doc: YamlDoc | None, raw: bytes | None) -> bool:
    """Whether she withdrew, read as leniently as possible: a withdrawal must never be blocked by
    another mistake in the file (SPEC §2)."""
    if doc is not None:
        consent = doc.data.get("consent") if isinstance(doc.data, dict) else None
        return isinstance(consent, dict) and consent.get("status") == "withdrawn"
    if raw is None:
        return False
    return bool(sources.WITHDRAWN_LINE.search(raw.decode("utf-8", "replace")))


def read_story(folder: Path, config: Config, problems: Problems) -> Story | None:
    """Read one story folder; ``None`` (with problems recorded) when anything is wrong."""
    return _read_story(folder, config, problems)[0]


def _read_story(folder: Path, config: Config,
                problems: Problems) -> tuple[Story | None, str | None]:
    """The story, or ``None`` and, when known, why it is left out. A withdrawn story with errors is
    left out with a warning: her withdrawal is never blocked by a mistake elsewhere in its files."""
    mine = Problems()
    yml = folder / "story.yml"
    name = rel(yml, config)
    if not SLUG.fullmatch(folder.name):
        mine.error(rel(folder, config), f"the folder name {folder.name!r} cannot be a web "
                   "address", field="slug", tip=SLUG_TIP)
    if not yml.is_file():
        problems.extend(mine)
        problems.error(name, "every story folder needs a story.yml with its consent",
                       tip=f"Run `ballata new story {folder.name}` or copy one from another story.")
        return None, None
    raw = sources.read_bytes(yml, config.root, mine, sources.MAX_YAML_BYTES)
    doc = parse_yaml(raw.decode("utf-8-sig"), name, mine) if raw is not None else None
    data = validate(doc, STORY, mine, config.languages) if doc is not None else INVALID
    texts: dict[str, Text] = {}
    for lang, path in _language_files(folder, config, mine).items():
        read = read_text(path, lang, config, mine, STORY_FRONT_MATTER)
        if read is not None:
            texts[lang] = read[0]
    attach_recordings(folder, texts, config, mine)
    if data is not INVALID and doc is not None:
        _check_story(folder, doc, data, texts, config, mine)
    if mine.errors:
        if _is_withdrawn(doc, raw):
            problems.extend(Problems(mine.warnings))
            problems.warning(name, f"she withdrew her consent, so the story is left out; "
                             f"{len(mine.errors)} other problem(s) in its files were not checked",
                             field="consent.status", line=doc.line(("consent", "status")) if doc
                             else None, tip="Nothing to do for the build. Fix the files only if she "
                                            "gives her consent again.")
            return None, "withdrawn"
        problems.extend(mine)
        return None, None
    problems.extend(mine)
    consent = data["consent"]
    story = Story(
        slug=folder.name, folder=rel(folder, config), yml=name,
        narrator=Narrator(data["narrator"]["display_name"],
                          Attribution(data["narrator"]["attribution"]), data["narrator"]["minor"]),
        region=data["region"], destination=data["destination"], recorded=data["recorded"],
        original_language=data["original_language"], tags=data["tags"],
        media=[Medium(m["file"], m["alt"], m["shows_faces"], m["caption"]) for m in data["media"]],
        consent=Consent(ConsentStatus[consent["status"].upper()], consent["date"], consent["expires"],
                        consent["method"], consent["recorded_by"],
                        frozenset(Channel(c) for c in consent["channels"]), consent["photos"],
                        consent["approved"], consent["approved_meta"], consent["voice"],
                        consent["approved_voice"],
                        tuple(HistoryEntry(h["date"], h["change"], h["recorded_by"])
                              for h in consent["history"])),
        texts=texts,
    )
    return story, None


def _check_story(folder: Path, doc: YamlDoc, data: dict[str, Any], texts: dict[str, Text],
                 config: Config, problems: Problems) -> None:
    """Rules that tie several fields together (SPEC §1 and §2)."""
    name = doc.file

    def error(path: tuple[str | int, ...], message: str, tip: str) -> None:
        problems.error(name, message, field=dotted(path), line=doc.line(path),
                       tip=tip)

    consent, narrator = data["consent"], data["narrator"]
    if consent["date"] and consent["expires"] and consent["expires"] < consent["date"]:
        error(("consent", "expires"), f"expires ({consent['expires']}) is before the consent date "
              f"({consent['date']})", "Check both dates; expires must come after date.")
    if narrator["attribution"] == "anonymous" and narrator["display_name"]:
        error(("narrator", "display_name"), "an anonymous story must not carry a name",
              "Delete display_name, or change attribution to pseudonym.")
    if narrator["minor"]:
        if consent["method"] not in (None, "guardian"):
            error(("consent", "method"), f"a minor's consent must be given by a guardian; got "
                  f"{consent['method']!r}", "Write method: guardian.")
        if narrator["attribution"] == "named":
            error(("narrator", "attribution"), "a minor must not be named",
                  "Use attribution: pseudonym or anonymous.")
        if consent["photos"]:
            error(("consent", "photos"), "photos of a minor must not be published",
                  "Write photos: false.")
        if consent["voice"]:
            error(("consent", "voice"), "a recording of a minor's voice must not be published",
                  "Write voice: false.")
    if data["original_language"] not in config.languages:
        error(("original_language",), f"expected a configured language "
              f"({', '.join(config.languages)}); got {data['original_language']!r}",
              "Languages are set in ballata.yml.")
    for i, medium in enumerate(data["media"]):
        picture = folder / medium["file"]
        if not picture.is_file() and not picture.is_symlink():
            error(("media", i, "file"), f"there is no file {medium['file']!r} in {rel(folder, config)}",
                  "Check the spelling (capitals count) or add the image to the story folder.")
        else:
            sources.check_image(picture, config.root, problems, field=f"media[{i}].file")
        if medium["shows_faces"] and not consent["photos"]:
            error(("media", i, "shows_faces"), "this picture shows faces but consent.photos is false",
                  "Remove the picture, or record her consent to photos (photos: true).")
    for lang in data["consent"]["approved"]:
        if lang not in texts:
            error(("consent", "approved", lang), f"approved for {lang!r} but there is no "
                  f"index.{lang}.md", "Remove the approval or restore the text.")
    for lang, text in texts.items():
        # A version without a title is a draft: the gate leaves it out as "not ready", the
        # story's other versions are published.
        if not text.title:
            text.title = data["title"].get(lang) or ""
    declared = {m["file"] for m in data["media"]}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in IMAGE_SUFFIXES and path.name not in declared:
            problems.warning(rel(path, config), "this image is not listed under media in story.yml, "
                             "so it is not published", tip="List it with its alt text and "
                             "shows_faces, or remove it.")


def read_pages(config: Config, problems: Problems) -> dict[str, Page]:
    content = config.root / "content"
    pages: dict[str, Page] = {}
    if not content.is_dir():
        return pages
    folders = sorted({p.parent for p in content.rglob("index.*.md")})
    for folder in folders:
        key = folder.relative_to(content).as_posix()
        key = "" if key == "." else key
        if key.split("/", 1)[0] == "zines":
            continue
        bad = [part for part in key.split("/") if key and not SLUG.fullmatch(part)]
        if bad:
            problems.error(rel(folder, config), f"the folder name {bad[0]!r} cannot be a web address",
                           field="slug", tip=SLUG_TIP)
            continue
        texts: dict[str, Text] = {}
        for lang, path in _language_files(folder, config, problems).items():
            read = read_text(path, lang, config, problems, PAGE_FRONT_MATTER)
            if read is None:
                continue
            if not read[0].title:
                problems.error(read[0].path, "the page has no title", field="title",
                               tip="Start the text with a heading line such as '# About us', or "
                                   "add title: to the front matter.")
                continue
            texts[lang] = read[0]
        attach_recordings(folder, texts, config, problems)
        if texts:
            assets = [rel(p, config) for p in sorted(folder.iterdir())
                      if p.suffix.lower() in IMAGE_SUFFIXES
                      and sources.check_image(p, config.root, problems)]
            pages[key] = Page(key, texts, assets)
    return pages


def read_project(config: Config, problems: Problems) -> Project:
    sources.refuse_links(config.root, problems)
    project = Project()
    stories = config.root / "stories"
    if stories.is_dir():
        for folder in sorted(p for p in stories.iterdir() if p.is_dir()):
            story, reason = _read_story(folder, config, problems)
            if story is None:
                project.invalid_stories[folder.name] = rel(folder / "story.yml", config)
                if reason:
                    project.invalid_reasons[folder.name] = reason
            else:
                project.stories[story.slug] = story
    project.pages = read_pages(config, problems)
    return project
