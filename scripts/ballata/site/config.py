"""mkdocs.yml keeps theme and Markdown settings; site name, address and languages come from
ballata.yml only. A value set in both that disagrees is an error, never silently overridden."""

from __future__ import annotations

from typing import Any

from ..config import CONFIG_FILE, Config
from ..errors import BallataError, Problem

MKDOCS_FILE = "mkdocs.yml"
NAME_PLACEHOLDER = "see ballata.yml"
"""MkDocs 1.x refuses to start without a site_name: mkdocs.yml may carry this instead of a copy."""


def check_mkdocs_config(mkdocs: Any, config: Config, *, serving: bool = False) -> None:
    """Raise when mkdocs.yml sets a value that ballata.yml owns to something else. `mkdocs serve`
    sets site_url to the preview's own address, which is then not a conflict."""
    problems = []
    name = config.site_name[config.default_language]
    if mkdocs.site_name not in (NAME_PLACEHOLDER, name):
        problems.append(Problem(
            MKDOCS_FILE, f"site_name is {mkdocs.site_name!r} here but {name!r} in {CONFIG_FILE}",
            field="site_name", tip=f"Write site_name: \"{NAME_PLACEHOLDER}\" in {MKDOCS_FILE}; the "
                                   f"site's name is set per language in {CONFIG_FILE}."))
    if mkdocs.site_url and mkdocs.site_url != config.site_url and not serving:
        problems.append(Problem(
            MKDOCS_FILE, f"site_url is {mkdocs.site_url!r} here but {config.site_url!r} in "
            f"{CONFIG_FILE}", field="site_url",
            tip=f"Delete site_url from {MKDOCS_FILE}: the address is set in {CONFIG_FILE} only, "
                "so canonical links, the sitemap, the PDFs and the takedown list agree."))
    language = mkdocs.theme.get("language")
    if language not in (None, "en", config.default_language):
        # "en" is Material's default when mkdocs.yml says nothing.
        problems.append(Problem(
            MKDOCS_FILE, f"theme.language is {language!r} here but the default language in "
            f"{CONFIG_FILE} is {config.default_language!r}", field="theme.language",
            tip=f"Delete theme.language from {MKDOCS_FILE}: languages are set in {CONFIG_FILE}."))
    if problems:
        raise BallataError(problems)
