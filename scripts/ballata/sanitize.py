"""The allowlist for HTML that comes from content: what it may contain, checked at the source
and cleaned again in every renderer.

``check`` reads a text's Markdown as the site renders it and its HTML as a browser parses it
(entities decoded, tabs and line breaks removed from addresses, backslashes read as slashes), and
reports everything the allowlist does not allow as an error with its line. ``clean`` applies the
same allowlist with nh3 (ammonia) to every rendered body: on content that passed ``check`` it
changes nothing, and on anything that slipped past it, it removes what is not allowed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import markdown
import nh3
import tinyhtml5

from .errors import Problems
from .model import Text

MARKDOWN_EXTENSIONS: tuple[str, ...] = ("attr_list", "md_in_html", "admonition", "tables", "toc",
                                        "fenced_code", "pymdownx.tasklist")
"""The Markdown the site and the zine understand; mkdocs.yml lists the same (MkDocs adds toc,
tables and fenced_code itself)."""
MARKDOWN_CONFIG: dict[str, dict[str, Any]] = {
    "toc": {"permalink": False},
    # align="…" rather than style="text-align: …": no page may carry a style attribute.
    "tables": {"use_align_attribute": True},
    "pymdownx.tasklist": {"custom_checkbox": False},
}

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TAGS: frozenset[str] = frozenset({
    "p", *_HEADINGS, "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "pre", "hr", "div",
    "figure", "figcaption", "details", "summary",
    "table", "thead", "tbody", "tr", "th", "td",
    "a", "img", "em", "strong", "b", "i", "code", "br", "span", "abbr", "sup", "sub",
    "input",  # only the checkbox of a task list item, `- [x]`
})
"""Tags that Markdown, its extensions (mkdocs.yml) and the design need."""
GLOBAL_ATTRIBUTES: frozenset[str] = frozenset({"id", "class"})
"""On every allowed tag: what attr_list (`{: #id .class }`), admonitions and task lists set."""
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    "details": frozenset({"open"}),
    "input": frozenset({"type", "checked", "disabled"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("input", "type"): frozenset({"checkbox"}),
    ("th", "align"): frozenset({"left", "center", "right"}),
    ("td", "align"): frozenset({"left", "center", "right"}),
}
"""Attributes that may take only these values."""
_NUMBERS = {("img", "width"), ("img", "height"), ("ol", "start")}
LINK_SCHEMES: frozenset[str] = frozenset({"https", "tel"})
"""Besides site-internal links: https, and tel: for hotlines. No mailto: in published pages."""

_HTML_NS = "{http://www.w3.org/1999/xhtml}"
_SENTINEL = "ballata-end-of-content"
_LOOK_BACK = 30
"""Lines above a finding's line searched for what it names."""
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


# Markdown ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS),
                             extension_configs=MARKDOWN_CONFIG)


def render(body: str) -> str:
    """A text's Markdown as HTML, with the site's extensions (not yet cleaned)."""
    return _markdown().reset().convert(body)


# Addresses -------------------------------------------------------------------------------------
def browser_url(value: str) -> str:
    """An address as a browser reads it (WHATWG URL): spaces and control characters around it
    dropped, tabs and line breaks inside it removed, backslashes read as slashes."""
    url = re.sub(r"[\t\n\r]", "", value.strip(_C0_AND_SPACE))
    return url.replace("\\", "/")


def scheme_of(url: str) -> str | None:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def link_problem(value: str) -> str | None:
    """Why ``<a href=value>`` is not allowed, or None: site-internal, https: and tel: are."""
    url = browser_url(value)
    scheme = scheme_of(url)
    if scheme is None:
        return "contains a link to another server without https" if url.startswith("//") else None
    if scheme in LINK_SCHEMES:
        return None
    if scheme == "http":
        return "contains a link to an http: address, which anyone on the way can read and change"
    return f"contains {_article(scheme)} {scheme}: address in a link"


def picture_problem(value: str, *, output: bool = False, own: str | None = None) -> str | None:
    """Why ``<img src=value>`` is not allowed, or None: only a file in the page's own folder is.

    In rendered ``output``, ``..`` is allowed: the site's own relative addresses use it. ``own``
    is where a renderer serves the pictures it hands over itself (the zine's sealed fetcher).
    Neither is ever allowed in a source."""
    url = browser_url(value)
    scheme = scheme_of(url)
    if own and url.startswith(own) and "\\" not in value and ".." not in url:
        return None
    if not url:
        return "shows a picture with no address"
    if scheme in ("http", "https") or url.startswith("//"):
        return ("shows a picture from another server: every reader's phone would contact it, "
                "which tells that server who reads this")
    if scheme == "data":
        return "shows a picture written into the text as a data: address"
    if scheme == "file":
        return "shows a picture from a file: address"
    if scheme is not None:
        return f"shows a picture from {_article(scheme)} {scheme}: address"
    if "\\" in value:
        return "shows a picture whose address has a backslash, which browsers read as a slash"
    if url.startswith("/"):
        return "shows a picture addressed from the root of the site or the disk"
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not output and ".." in (unquote(segment) for segment in path.split("/")):
        return "shows a picture from outside the page's folder (..)"
    return None


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# Checking ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One thing in a body's HTML that the allowlist does not allow."""

    message: str
    tip: str
    evidence: str | None = None
    """What the source line of the finding shows (a tag's `<name`, an attribute's name)."""


_TIP_TAG = ("Remove it. Pages may use Markdown, and of HTML only these tags: "
            + ", ".join(sorted(TAGS, key=lambda t: (t not in _HEADINGS, t))) + ".")
_TIP_PICTURE = ("Save the picture in the page's own folder and show it by its file name, "
                "e.g. ![what it shows](photo.jpg).")
_TIP_LINK = "Link to a page of this site, or to an https:// address."


def findings(html: str) -> list[Finding]:
    """Everything in ``html`` that the allowlist does not allow, in document order."""
    # Parsed as a browser parses the page around it (tinyhtml5 follows the WHATWG parser); the
    # sentinel after the content shows whether the content leaves a tag or a comment unfinished.
    root = tinyhtml5.parse(f'<!DOCTYPE html><body><div>{html}\n<b id="{_SENTINEL}"></b>')
    found: list[Finding] = []
    ended = False
    stack = [root]
    while stack:
        element = stack.pop()
        if element.tag is ElementTree.Comment:
            found.append(Finding("contains an HTML comment",
                                 "Delete it: comments are not published, and a comment can hide "
                                 "markup. Keep notes for editors outside the text.", "<!--"))
            continue
        if not isinstance(element.tag, str):
            continue
        if element.tag == f"{_HTML_NS}b" and element.get("id") == _SENTINEL:
            ended = True
            continue
        if not element.tag.startswith(_HTML_NS):
            # <svg> or <math>: the whole subtree goes with its root.
            name = element.tag.rsplit("}", 1)[-1]
            found.append(Finding(f"contains {_article(name)} <{name}> tag, which pages may not use",
                                 _TIP_TAG, f"<{name}"))
            continue
        name = element.tag.removeprefix(_HTML_NS)
        if name in ("html", "head", "body"):
            # Made by the parser; a <body onload=…> in the content adds its attributes here.
            found += [_attribute_finding(name, attr) for attr in element.attrib]
        elif name not in TAGS:
            found.append(Finding(f"contains {_article(name)} <{name}> tag, which pages may not use",
                                 _TIP_TAG, f"<{name}"))
        else:
            found += _element_findings(name, element.attrib)
        stack += list(element)[::-1]
    if not ended:
        found.append(Finding("ends inside an unfinished HTML tag or comment",
                             "Close the tag with > and every quote you opened, or the comment "
                             "with -->."))
    return found


def _element_findings(name: str, attrib: dict[str, str]) -> list[Finding]:
    found = []
    for attr, value in attrib.items():
        if _SENTINEL in attr or _SENTINEL in value:
            continue  # a tag left open swallowed the sentinel: reported once, as unfinished
        allowed = GLOBAL_ATTRIBUTES | ATTRIBUTES.get(name, frozenset())
        if attr not in allowed:
            found.append(_attribute_finding(name, attr))
        elif (name, attr) in VALUES and value not in VALUES[(name, attr)]:
            expected = ", ".join(sorted(VALUES[(name, attr)]))
            found.append(Finding(f"contains <{name} {attr}=…> with a value other than {expected}",
                                 f"Remove the {attr}= attribute, or give it one of: {expected}.",
                                 attr))
        elif (name, attr) in _NUMBERS and not value.strip().isdigit():
            found.append(Finding(f"contains <{name} {attr}=…> that is not a number",
                                 f"Write {attr}= as a whole number, or remove it.", attr))
        elif name == "a" and attr == "href" and (problem := link_problem(value)):
            found.append(Finding(problem, _TIP_LINK, "href"))
        elif name == "img" and attr == "src" and (problem := picture_problem(value)):
            found.append(Finding(problem, _TIP_PICTURE, "src"))
    if name == "input" and not {"type", "disabled"} <= set(attrib):
        found.append(Finding("contains an <input> that is not a task list's checkbox",
                             "Write a task list item as `- [ ] text` or `- [x] text`."))
    return found


def _attribute_finding(name: str, attr: str) -> Finding:
    if attr.startswith("on"):
        return Finding(f"contains an on…= event handler ({attr}= on <{name}>), which could run "
                       "code in readers' browsers", "Remove it: pages run no scripts.", attr)
    if attr == "style":
        return Finding(f"contains a style= attribute on <{name}>",
                       "Remove it: the theme sets how pages look, and a style can load things "
                       "from other servers.", attr)
    allowed = sorted(GLOBAL_ATTRIBUTES | ATTRIBUTES.get(name, frozenset()))
    return Finding(f"contains the attribute {attr}= on <{name}>, which pages may not use",
                   f"Remove it. On <{name}>, pages may set only: {', '.join(allowed)}"
                   + (" (with attr_list: `{: #id .class }`)." if name != "body" else "."), attr)


def check(text: Text, problems: Problems) -> None:
    """Report, with its line, everything in the text's HTML that the allowlist does not allow."""
    found = findings(render(text.body))
    if not found:
        return
    lines = text.body.split("\n")
    counts: dict[int, Counter[str]] = {}

    def count(n_lines: int, *, message: str) -> int:
        if n_lines not in counts:
            prefix = "\n".join(lines[:n_lines])
            counts[n_lines] = Counter(f.message for f in findings(render(prefix)))
        return counts[n_lines][message]

    seen: Counter[str] = Counter()
    for finding in found:
        seen[finding.message] += 1
        line = _first_line(len(lines), functools.partial(count, message=finding.message),
                           seen[finding.message])
        line = _evidence_line(lines, line, finding.evidence)
        problems.error(text.path, finding.message, field="text",
                       line=text.body_line + line - 1, tip=finding.tip)


def _first_line(total: int, count: Callable[[int], int], nth: int) -> int:
    """The first line by which the ``nth`` finding of its kind has appeared: the rendered HTML
    does not say where it came from, so the text is rendered up to a line, bisecting."""
    low, high = 1, total
    while low < high:
        middle = (low + high) // 2
        if count(middle) >= nth:
            high = middle
        else:
            low = middle + 1
    return low


def _evidence_line(lines: list[str], line: int, evidence: str | None) -> int:
    """A block takes shape at its last line (a code fence at its closing ```): point at the line
    above that shows the tag or attribute, if there is one."""
    if evidence:
        for n in range(line, max(line - _LOOK_BACK, 0), -1):
            if evidence.lower() in lines[n - 1].lower():
                return n
            if not lines[n - 1].strip():
                break  # not past the start of the block
    return line


# Cleaning ------------------------------------------------------------------------------------
def _attribute_filter(own: str | None) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attr: str, value: str) -> str | None:
        if (tag, attr) in _NUMBERS and not value.strip().isdigit():
            return None
        if tag == "a" and attr == "href" and link_problem(value):
            return None
        if tag == "img" and attr == "src" and picture_problem(value, output=True, own=own):
            return None
        return value
    return keep


@functools.lru_cache(maxsize=2)
def _cleaner_options(own: str | None) -> dict[str, Any]:
    restricted = {tag for tag, _ in VALUES}
    return {
        "tags": set(TAGS),
        "attributes": {"*": set(GLOBAL_ATTRIBUTES),
                       **{tag: {a for a in attrs if (tag, a) not in VALUES}
                          for tag, attrs in ATTRIBUTES.items()}},
        "tag_attribute_values": {tag: {a: set(v) for (t, a), v in VALUES.items() if t == tag}
                                 for tag in restricted},
        # Whatever came in, an <input> goes out as what a task list makes.
        "set_tag_attribute_values": {"input": {"type": "checkbox", "disabled": ""}},
        "url_schemes": set(LINK_SCHEMES),
        "attribute_filter": _attribute_filter(own),
        "strip_comments": True,
        "link_rel": None,
    }


def clean(html: str, *, own_pictures: str | None = None) -> str:
    """``html`` with everything the allowlist does not allow removed (nh3), as a well-formed
    fragment that cannot leave a tag, a quote or a comment open in the page around it.

    ``own_pictures``: the address under which the renderer serves the pictures it hands over
    itself (the zine's sealed fetcher); pictures there are let through."""
    return nh3.clean(html, **_cleaner_options(own_pictures))
