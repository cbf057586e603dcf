"""The website renderer: MkDocs + Material + Pagefind, handed the public view by the core."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os
from collections.abc import Iterator

import jinja2

from ..build import Outputs
from ..errors import BallataError, Problem, Problems
from ..publish import PublicView
from .config import check_mkdocs_config

_handed: contextvars.ContextVar[PublicView | None] = contextvars.ContextVar("ballata_public_view",
                                                                           default=None)


def handed_view() -> PublicView | None:
    """The public view the core handed to this build; None under plain `mkdocs build`/`serve`."""
    return _handed.get()


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
    """Pages in, HTML out: MkDocs renders the pages of the public view into the staging site."""

    name = "website"
    makes_pdfs = False

    def render(self, public: PublicView, outputs: Outputs) -> Problems:
        # Imported here so that `ballata check` never loads MkDocs.
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException

        root = public.config.root
        token = _handed.set(public)
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
            # A sandbox refusal or a broken template in theme/overrides: the design's problem.
            raise BallataError([Problem(f"theme/overrides/{getattr(exc, 'name', None) or ''}".rstrip("/"),
                                        f"a template could not be used: {exc}",
                                        line=getattr(exc, "lineno", None),
                                        tip="Templates may only lay out the values they are given.")]) \
                from None
        finally:
            _handed.reset(token)
        return Problems()
