"""The project configuration (``ballata.yml``): languages, site identity, public identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import BallataError, Problem, Problems
from . import sources
from .schema import INVALID, Bool, Context, Field, Group, ListOf, MapOf, PerLanguage, Text, Type, validate
from .schema import Path as YamlPath

CONFIG_FILE = "ballata.yml"

LANGUAGE = Group({
    "code": Field(Text(r"[a-z]{2,3}", "a language code such as id, en, bug or mak")),
    "name": Field(Text(), doc="The language's name in itself, e.g. Bahasa Indonesia."),
})

class PublicIdentifier(Type):
    """A number as plain text, or ``{number: "...", placeholder: true}`` for one not yet verified
    (the build warns; print PDFs are refused unless ``--allow-placeholders``)."""

    expected = 'a number, or {number: "...", placeholder: true}'
    MARKED = Group({"number": Field(Text()), "placeholder": Field(Bool(), required=False, default=False)})

    def check(self, value: object, path: YamlPath, ctx: Context) -> object:
        if isinstance(value, dict):
            return self.MARKED.check(value, path, ctx)
        number = Text().check(value, path, ctx)
        return number if number is INVALID else {"number": number, "placeholder": False}


CONFIG_SCHEMA = Group({
    "site_name": Field(PerLanguage()),
    "site_description": Field(PerLanguage(), required=False, default={}),
    "site_url": Field(Text(r"https?://\S+/", "an address ending in /, e.g. https://example.org/"),
                      required=False),
    "languages": Field(ListOf(LANGUAGE),
                       doc="List the languages, the default (published at /) first."),
    "public_identifiers": Field(ListOf(PublicIdentifier()), required=False, default=[],
                                doc="Hotlines and embassy numbers that pages may show."),
    "licence": Field(PerLanguage(), required=False, default={}),
    "tags": Field(MapOf(Text(r"[a-z0-9]+(?:-[a-z0-9]+)*", "a tag in lowercase with hyphens"),
                        PerLanguage()), required=False, default={},
                  doc="How each story tag is shown in each language."),
})


@dataclass(frozen=True)
class Config:
    root: Path
    site_name: dict[str, str]
    languages: tuple[str, ...]
    """Configured language codes; the first is the default, published at the site root."""
    language_names: dict[str, str]
    site_url: str | None = None
    site_description: dict[str, str] = field(default_factory=dict)
    public_identifiers: tuple[str, ...] = ()
    placeholder_identifiers: tuple[str, ...] = ()
    """Those of public_identifiers marked ``placeholder: true``: not yet verified."""
    placeholder_line: int | None = None
    """Line in ballata.yml of the first of them, for the warning."""
    licence: dict[str, str] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)

    def tag_label(self, tag: str, lang: str) -> str:
        return self.tags.get(tag, {}).get(lang) or tag.replace("-", " ")

    @property
    def default_language(self) -> str:
        return self.languages[0]


def load_config(root: Path) -> Config:
    path = root / CONFIG_FILE
    problems = Problems()
    if not path.is_file():
        raise BallataError([Problem(CONFIG_FILE, f"no {CONFIG_FILE} in {root}",
                                    tip="Run ballata from the project folder (the one with "
                                        "stories/ and content/).")], exit_code=2)
    doc = sources.read_yaml(path, root, problems)
    # The languages must be known before per-language fields can be checked: read them first.
    codes: list[str] = []
    if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("languages"), list):
        codes = [str(x.get("code")) for x in doc.data["languages"] if isinstance(x, dict)]
    data = validate(doc, CONFIG_SCHEMA, problems, codes) if doc is not None else INVALID
    if doc is None or data is INVALID or problems.errors:
        raise BallataError(problems.errors)
    return Config(
        root=root,
        site_name=data["site_name"],
        languages=tuple(lang["code"] for lang in data["languages"]),
        language_names={lang["code"]: lang["name"] for lang in data["languages"]},
        site_url=data["site_url"],
        site_description=data["site_description"],
        public_identifiers=tuple(i["number"] for i in data["public_identifiers"]),
        placeholder_identifiers=tuple(i["number"] for i in data["public_identifiers"]
                                      if i["placeholder"]),
        placeholder_line=next((doc.line(("public_identifiers", n, "placeholder"))
                               for n, i in enumerate(data["public_identifiers"])
                               if i["placeholder"]), None),
        licence=data["licence"],
        tags=data["tags"],
    )


def config_warnings(config: Config) -> Problems:
    """What every command says about ballata.yml itself: hotlines not yet verified (a wrong number
    on a page can be corrected; in a thousand printed copies it cannot, so print builds refuse
    them unless ``--allow-placeholders``)."""
    problems = Problems()
    numbers = config.placeholder_identifiers
    if numbers:
        one = len(numbers) == 1
        problems.warning(
            CONFIG_FILE, ", ".join(f'"{n}"' for n in numbers)
            + (" is" if one else " are") + " marked placeholder: true: not "
            + ("a number" if one else "numbers") + " the team has verified. The website shows "
            + ("it" if one else "them") + " as written; print PDFs are made only as a proof copy "
            "(ballata build --allow-placeholders).",
            field="public_identifiers", line=config.placeholder_line,
            tip="Check each number with the organisation that answers it, write it in ballata.yml "
                "and delete its placeholder: true.")
    return problems
