"""content/zines/<edition>/: zine.yml, intro.<lang>.md and a cover; what goes into each PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import sources
from .config import Config
from .errors import Problems
from .model import Project, Text
from .readers import PAGE_FRONT_MATTER, SLUG, rel, read_text
from .schema import INVALID, Bool, Choice, Field, Group, ListOf, PerLanguage, Text as TextType
from .schema import Type, validate

PAGE_SIZES = {"A4": (210, 297), "A5": (148, 210), "A6": (105, 148), "B5": (176, 250)}
"""Width and height in millimetres."""


class StoriesField(Type):
    """``all``, or a list of story slugs in the order they are printed."""

    expected = "all, or a list of story folder names"

    def check(self, value, path, ctx):  # type: ignore[no-untyped-def]
        if value == "all":
            return value
        return ListOf(TextType(SLUG.pattern, "a story folder name")).check(value, path, ctx)


ZINE = Group({
    "title": Field(PerLanguage()),
    "subtitle": Field(PerLanguage(), required=False, default={}),
    "languages": Field(ListOf(TextType(r"[a-z]{2,3}", "a language code")), required=False),
    "page_size": Field(Choice(*PAGE_SIZES), required=False, default="A5"),
    "bleed": Field(TextType(r"\d+(?:\.\d+)?mm", "a length in millimetres, e.g. 3mm"),
                   required=False, default="3mm"),
    "crop_marks": Field(Bool(), required=False, default=True),
    "stories": Field(StoriesField(), required=False, default="all"),
    "guides": Field(ListOf(TextType(SLUG.pattern, "a guide folder name")), required=False, default=[]),
    "statistics": Field(ListOf(TextType(SLUG.pattern, "a dataset folder name")), required=False,
                        default=[]),
    "cover": Field(TextType(r"[A-Za-z0-9._-]+\.(?:jpg|jpeg|png)", "an image file in the folder"),
                   required=False),
})


@dataclass
class Edition:
    slug: str
    folder: str
    title: dict[str, str]
    subtitle: dict[str, str]
    languages: list[str]
    page_size: str
    bleed_mm: float
    crop_marks: bool
    stories: list[str] | None
    """Slugs in print order; ``None`` for all published stories."""
    guides: list[str]
    statistics: list[str]
    cover: Path | None
    intro: dict[str, Text]

    @property
    def size_mm(self) -> tuple[int, int]:
        return PAGE_SIZES[self.page_size]


def read_editions(project: Project, config: Config, problems: Problems) -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    root = config.root / "content" / "zines"
    for yml in sorted(root.glob("*/zine.yml")) if root.is_dir() else []:
        edition = read_edition(yml, project, config, problems)
        if edition is not None:
            editions[edition.slug] = edition
    return editions


def read_edition(yml: Path, project: Project, config: Config, problems: Problems) -> Edition | None:
    """One edition folder; ``None`` (with problems recorded) when anything is wrong."""
    folder = yml.parent
    name = rel(yml, config)
    doc = sources.read_yaml(yml, config.root, problems)
    data = validate(doc, ZINE, problems, config.languages) if doc else INVALID
    if data is INVALID or doc is None:
        return None
    before = len(problems.errors)

    def error(field: str, message: str, tip: str) -> None:
        problems.error(name, message, field=field, line=doc.line(tuple(field.split("."))), tip=tip)

    if not SLUG.fullmatch(folder.name):
        error("slug", f"the folder name {folder.name!r} cannot be a file name on the web",
              "Use lowercase letters, digits and hyphens.")
    for slug in data["stories"] if data["stories"] != "all" else []:
        if slug not in project.stories and slug not in project.invalid_stories:
            error("stories", f"there is no story {slug!r}", "Check the folder name under stories/.")
    for slug in data["guides"]:
        if f"guides/{slug}" not in project.pages:
            error("guides", f"there is no guide {slug!r}", "Check the folder name under content/guides/.")
    for slug in data["statistics"]:
        # A dataset that exists but has errors is reported in its own files, not again here.
        exists = (config.root / "content" / "statistics" / slug / "dataset.yml").is_file()
        if f"statistics/{slug}" not in project.datasets and not exists:
            error("statistics", f"there is no dataset {slug!r}",
                  "Check the folder name under content/statistics/.")
    languages = data["languages"] or list(config.languages)
    for lang in languages:
        if lang not in config.languages:
            error("languages", f"{lang!r} is not a configured language", "See ballata.yml.")
    cover = folder / data["cover"] if data["cover"] else None
    if cover is not None and not cover.is_file() and not cover.is_symlink():
        error("cover", f"there is no file {data['cover']!r} in {rel(folder, config)}",
              "Check the spelling (capitals count).")
    elif cover is not None:
        sources.check_image(cover, config.root, problems, field="cover")
    intro = {}
    for lang in languages:
        path = folder / f"intro.{lang}.md"
        if path.is_file():
            read = read_text(path, lang, config, problems, PAGE_FRONT_MATTER)
            if read:
                intro[lang] = read[0]
    if len(problems.errors) > before:
        return None
    return Edition(
        slug=folder.name, folder=rel(folder, config), title=data["title"],
        subtitle=data["subtitle"], languages=languages, page_size=data["page_size"],
        bleed_mm=float(data["bleed"].removesuffix("mm")), crop_marks=data["crop_marks"],
        stories=None if data["stories"] == "all" else data["stories"], guides=data["guides"],
        statistics=data["statistics"], cover=cover, intro=intro)
