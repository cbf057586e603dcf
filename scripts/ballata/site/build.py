"""The website renderer: MkDocs + Material + Pagefind, handed the public view by the core."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .. import urls
from ..build import Outputs
from ..errors import BallataError, Problem, Problems
from ..publish import PublicView
from .config import check_mkdocs_config


@dataclass(frozen=True)
class Handover:
    """What the core hands the website for one build: the public view, and the files the zine
    renderer made before it (site path -> staged file) for the site to publish."""

    public: PublicView
    downloads: Mapping[str, Path] = field(default_factory=dict)
    cache: Path | None = None
    """Where pictures made by earlier builds are kept (build/cache/): the same inputs, the same
    bytes, not drawn again."""


_handed: contextvars.ContextVar[Handover | None] = contextvars.ContextVar("ballata_handover",
                                                                         default=None)


def handed_view() -> PublicView | None:
    """The public view the core handed to this build; None under plain `mkdocs build`/`serve`."""
    handed = _handed.get()
    return handed.public if handed else None


def handed_downloads() -> Mapping[str, Path]:
    """Site path -> file of every PDF and handout picture to publish; none without the core's
    PDFs (plain `mkdocs build`/`serve`, `--no-pdf`)."""
    handed = _handed.get()
    return handed.downloads if handed else {}


def handed_cache(name: str) -> Path | None:
    """build/cache/NAME/ of the project the core hands over; None under plain `mkdocs build` and
    `serve`, which keep what they made in memory only."""
    handed = _handed.get()
    return handed.cache / name if handed and handed.cache else None


def staged_downloads(folder: Path | None) -> dict[str, Path]:
    """The files of the downloads staging folder by their site path (the folder mirrors the site)."""
    if folder is None:
        return {}
    found = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    stray = [path for path in found if not path.startswith(urls.DOWNLOADS)]
    if stray:  # only PDFs and their pictures come this way, never a page or a stylesheet
        raise BallataError([Problem(f"build/{folder.name}/{path}", "staged outside downloads/: "
                                    "not published") for path in stray])
    return found


@contextlib.contextmanager
def build_environment(build_date: dt.date) -> Iterator[None]:
    """Dates in the sitemap and gzip headers come from the build date, so builds repeat exactly."""
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING")}
    epoch = dt.datetime.combine(build_date, dt.time(), dt.UTC).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class SiteRenderer:
    """Pages in, HTML out: MkDocs renders the pages of the public view into the staging site,
    with the PDFs the zine renderer staged before it (MkDocs empties its site folder first)."""

    name = "website"
    makes_pdfs = False

    def render(self, public: PublicView, outputs: Outputs) -> Problems:
        # Imported here so that `ballata check` never loads MkDocs.
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException

        root = public.config.root
        token = _handed.set(Handover(public, staged_downloads(outputs.downloads),
                                     cache=root / "build" / "cache"))
        try:
            with build_environment(public.build_date):
                config = load_config(config_file=str(root / "mkdocs.yml"),
                                     site_dir=str(outputs.site))
                check_mkdocs_config(config, public.config)
                if config.plugins.get("ballata") is None:
                    raise BallataError([Problem(
                        "mkdocs.yml", "the ballata plugin is not enabled", field="plugins",
                        tip="Add `- ballata` under plugins:; without it no page passes the "
                            "consent gate.")])
                build(config)
        except MkDocsException as exc:
            raise BallataError([Problem("mkdocs.yml", f"the website could not be built: {exc}")]) \
                from None
        except jinja2.TemplateError as exc:
            raise BallataError([template_problem(exc)]) from None
        finally:
            _handed.reset(token)
        return Problems()


def template_problem(exc: jinja2.TemplateError) -> Problem:
    """A sandbox refusal or a broken template in theme/overrides: the design's problem, named by
    file and line."""
    return Problem(f"theme/overrides/{getattr(exc, 'name', None) or ''}".rstrip("/"),
                   f"a template could not be used: {exc}", line=getattr(exc, "lineno", None),
                   tip="Fix the template (a Jinja tag left open or misspelt?); templates may only lay "
                       "out the values they are given.")
