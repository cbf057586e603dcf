"""Declarative field types for story.yml, front matter and other YAML sources, with line numbers."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Mapping, Sequence

import yaml

from .errors import Problems

Path = tuple[str | int, ...]


class Invalid:
    """Marks a value that failed its check (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = Invalid()


@dataclass
class YamlDoc:
    """A parsed YAML mapping and the line of every key and list item in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _index_lines(node: yaml.Node, path: Path, doc: YamlDoc, problems: Problems) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.error(doc.file, f"the field {key!r} appears twice", field=dotted(path + (key,)),
                               line=key_node.start_mark.line + 1,
                               tip="Keep one of them and delete the other.")
            seen.add(key)
            doc.lines[path + (key,)] = key_node.start_mark.line + 1
            _index_lines(value_node, path + (key,), doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, path + (i,), doc, problems)


MAX_YAML_DEPTH = 32
"""Nesting a source needs: story.yml goes four levels deep. Deeper is an attack on the parser."""
MAX_YAML_NODES = 20_000
"""Values a source may hold once aliases (*name) are expanded: a small file cannot unfold into
millions of values (the "billion laughs")."""


class _TooLarge(yaml.MarkedYAMLError):
    """A document over one of the limits above; reported like a syntax error, with its line."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves an impossible date (2025-02-30) as text for the schema to report,
    and refuses documents nested deeper than :data:`MAX_YAML_DEPTH`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _TooLarge(problem=f"values are nested more than {MAX_YAML_DEPTH} levels deep",
                                problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _expanded_size(node: yaml.Node, limit: int) -> int:
    """How many values ``node`` holds with every alias expanded, counted without expanding them
    (each shared node is counted once and its size reused); stops counting past ``limit``."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        total = 1
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                total += size(key) + size(value)
                if total > limit:
                    break
        elif isinstance(n, yaml.SequenceNode):
            for item in n.value:
                total += size(item)
                if total > limit:
                    break
        sizes[id(n)] = total
        return total

    return size(node)


def _open_quote(line: str) -> str | None:
    """The quote character of a quoted text that starts on ``line`` and is not closed on it."""
    i = 0
    while i < len(line):
        char = line[i]
        if char == "#" and (i == 0 or line[i - 1] in " \t"):
            return None
        if char in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-?"):
            j = i + 1
            while j < len(line):
                if char == '"' and line[j] == "\\":
                    j += 2
                    continue
                if line[j] == char:
                    if char == "'" and line[j + 1:j + 2] == "'":
                        j += 2
                        continue
                    break
                j += 1
            if j >= len(line):
                return char
            i = j + 1
            continue
        i += 1
    return None


def _line(mark: yaml.Mark | None) -> int | None:
    return mark.line + 1 if mark is not None else None


def explain_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str, str]:
    """(line, plain words, tip) for a YAML syntax error. The reader notices a mistake where it
    cannot go on, often lines later (an unclosed quote runs on to the next quote in the file):
    the line reported is where the mistake is."""
    problem = exc.problem or ""
    context = exc.context or ""
    line = _line(exc.problem_mark) or _line(exc.context_mark)
    last = line or len(text.splitlines())
    for number, source in enumerate(text.splitlines()[:last], start=1):
        quote = _open_quote(source)
        if quote:
            shown = source.strip()
            return (number, f"a quote ({quote}) opened on line {number} is never closed",
                    f"End the text with {quote} on the same line: {shown}{quote}")
    if "mapping values are not allowed" in problem:
        return (line, "a colon followed by a space (: ) inside a value",
                'Put the whole value in quotes, e.g. recorded_by: "Tim: lapangan".')
    if "cannot start any token" in problem and "'\\t'" in problem:
        return (line, "a tab is used to indent this line", "Indent with spaces only, never tabs.")
    if "flow sequence" in context:
        start = _line(exc.context_mark)
        return (start, f"a list opened with [ on line {start} is not closed with ]",
                "Close the list on the same line, e.g. channels: [web, print].")
    if "flow mapping" in context:
        start = _line(exc.context_mark)
        return (start, f"a group opened with {{ on line {start} is not closed with }}",
                'Close it on the same line, e.g. title: {id: "...", en: "..."}.')
    if "could not find expected ':'" in problem:
        start = _line(exc.context_mark) or line
        return (start, f"line {start} has no colon after its field name",
                "Write every field as name: value.")
    if "expected <block end>" in problem or "block mapping" in context:
        return (line, f"line {line} is not indented like the lines above it",
                "Fields of one group start in the same column; indent with spaces only.")
    return (line, problem or str(exc),
            "Check the indentation and that every text with a colon (:) is in quotes.")


def parse_yaml(text: str, file: str, problems: Problems, *, line_offset: int = 0) -> YamlDoc | None:
    """Parse YAML text into a :class:`YamlDoc`; a syntax error becomes a problem, not an exception."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise _TooLarge(problem=f"with its aliases (*name) expanded, it holds more than "
                                    f"{MAX_YAML_NODES} values", problem_mark=node.start_mark)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line, message, tip = explain_yaml_error(exc, text)
        problems.error(file, f"this is not valid YAML: {message}",
                       line=line + line_offset if line else None, tip=tip)
        return None
    except yaml.YAMLError as exc:
        problems.error(file, f"this is not valid YAML: {exc}",
                       tip="Check that the file is plain text saved as UTF-8.")
        return None
    finally:
        loader.dispose()
    doc = YamlDoc(file, data, {(): 1 + line_offset})
    if node is not None:
        _index_lines(node, (), doc, problems)
        if line_offset:
            doc.lines = {k: v + line_offset for k, v in doc.lines.items()}
    return doc


@dataclass
class Context:
    """What a check needs besides the value: where it came from and the project's languages."""

    doc: YamlDoc
    problems: Problems
    languages: Sequence[str]

    def error(self, path: Path, message: str, tip: str | None = None) -> Any:
        self.problems.error(self.doc.file, message, field=dotted(path) or None,
                            line=self.doc.line(path), tip=tip)
        return INVALID


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes, no, on and off as true or false)"
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    return repr(value)


class Type:
    """A field type: checks a value and returns it converted, or :data:`INVALID`."""

    expected = "a value"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        raise NotImplementedError

    def wrong(self, value: Any, path: Path, ctx: Context, tip: str | None = None) -> Any:
        return ctx.error(path, f"expected {self.expected}; got {_shown(value)}", tip)


class Text(Type):
    def __init__(self, pattern: str | None = None, expected: str = "some text",
                 tip: str | None = None) -> None:
        self.pattern = re.compile(pattern) if pattern else None
        self.expected = expected
        self.tip = tip

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not self.pattern:
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return self.wrong(value, path, ctx, self.tip)
        if self.pattern and not self.pattern.fullmatch(value):
            return self.wrong(value, path, ctx, self.tip)
        return value.strip()


class Choice(Type):
    def __init__(self, *choices: str) -> None:
        self.choices = choices
        self.expected = "one of " + ", ".join(choices)

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if value not in self.choices:
            near = difflib.get_close_matches(str(value), self.choices, n=1)
            tip = f'Did you mean "{near[0]}"?' if near else f"Write one of: {', '.join(self.choices)}."
            return self.wrong(value, path, ctx, tip)
        return value


class Date(Type):
    expected = "a date written like 2025-06-14"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return self.wrong(value, path, ctx, "Write the date as year-month-day, e.g. 2025-06-14.")


class Bool(Type):
    expected = "true or false"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, bool):
            return self.wrong(value, path, ctx, "Write true or false, without quotes.")
        return value


class Int(Type):
    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum
        self.expected = f"a whole number of at least {minimum}"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            return self.wrong(value, path, ctx)
        return value


class ListOf(Type):
    def __init__(self, item: Type, unique: bool = True) -> None:
        self.item = item
        self.unique = unique
        self.expected = "a list"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, list):
            return self.wrong(value, path, ctx, "Write a list like [web, print] or one item per line "
                                                "starting with '- '.")
        out = [self.item.check(v, path + (i,), ctx) for i, v in enumerate(value)]
        if any(v is INVALID for v in out):
            return INVALID
        if self.unique:
            for i, v in enumerate(out):
                if v in out[:i]:
                    return ctx.error(path + (i,), f"{_shown(v)} is listed twice", "Remove the repeat.")
        return out


class PerLanguage(Type):
    """A mapping from configured language codes to a value, e.g. ``{id: "...", en: "..."}``."""

    def __init__(self, item: Type | None = None) -> None:
        self.item = item or Text()
        self.expected = "one entry per language, e.g. {id: \"...\", en: \"...\"}"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, path, ctx)
        out = {}
        for lang, text in value.items():
            if lang not in ctx.languages:
                ctx.error(path + (str(lang),), f"expected a configured language "
                          f"({', '.join(ctx.languages)}); got {_shown(lang)}",
                          "Languages are set in ballata.yml; fix the code or add the language there.")
                out[lang] = INVALID
                continue
            out[lang] = self.item.check(text, path + (lang,), ctx)
        return INVALID if INVALID in out.values() else out


class MapOf(Type):
    """A mapping whose keys follow a pattern, e.g. tag slugs to their labels."""

    def __init__(self, key: Text, value: Type) -> None:
        self.key = key
        self.value = value
        self.expected = "a group of entries"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, path, ctx)
        out = {self.key.check(k, path + (str(k),), ctx): self.value.check(v, path + (str(k),), ctx)
               for k, v in value.items()}
        return INVALID if INVALID in out or INVALID in out.values() else out


@dataclass
class Field:
    type: Type
    required: bool = True
    default: Any = None
    doc: str = ""


class Group(Type):
    """A mapping with declared fields; an unknown field is an error (typos must not pass silently)."""

    expected = "a group of fields"

    def __init__(self, fields: Mapping[str, Field],
                 when: Callable[[dict[str, Any]], dict[str, bool]] | None = None) -> None:
        self.fields = fields
        self.when = when
        """Decides, from the values read so far, which optional fields become required."""

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            return self.wrong(value, path, ctx)
        ok = True
        misspelt: set[str] = set()
        """Fields written under a misspelt name: one error, not also 'missing'."""
        for key in value:
            if key not in self.fields:
                near = difflib.get_close_matches(str(key), [f for f in self.fields if f not in value],
                                                 n=1)
                if near:
                    misspelt.add(near[0])
                    ctx.error(path + (str(key),), f"unknown field {_shown(str(key))}; did you mean "
                              f"{_shown(near[0])}?", f'Rename it to "{near[0]}".')
                else:
                    ctx.error(path + (str(key),), f"unknown field {_shown(str(key))}",
                              f"Known fields here: {', '.join(self.fields)}.")
                ok = False
        out: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if name in value and value[name] is not None:
                out[name] = spec.type.check(value[name], path + (name,), ctx)
                ok = ok and out[name] is not INVALID
            else:
                out[name] = spec.default
        required = {name: spec.required for name, spec in self.fields.items()}
        if self.when and ok:
            required.update(self.when(out))
        for name, needed in required.items():
            if needed and name not in misspelt and (name not in value or value[name] is None):
                ctx.error(path + (name,) if not path else path,
                          f"the field {dotted(path + (name,))!r} is missing",
                          self.fields[name].doc or None)
                ok = False
        return out if ok else INVALID


def validate(doc: YamlDoc, schema: Group, problems: Problems, languages: Sequence[str]) -> Any:
    """Check a whole document against ``schema``; returns plain values or :data:`INVALID`."""
    ctx = Context(doc, problems, languages)
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"{_shown(doc.data)}, not a group of fields"
        return ctx.error((), f"expected a group of fields (name: value); the file is {what}",
                         "Start from the template that `ballata new story <slug>` writes.")
    return schema.check(doc.data, (), ctx)
