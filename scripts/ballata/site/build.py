"""Build the website into a folder with MkDocs, handing it the publish set already gathered."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from pathlib import Path
from collections.abc import Iterator

from ..build import Gathered
from ..errors import BallataError, Problem

log = logging.getLogger("ballata.progress")


@contextlib.contextmanager
def _build_environment(build_date: dt.date) -> Iterator[None]:
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


def build_site(gathered: Gathered, site_dir: Path, print_dir: Path | None = None) -> None:
    """The website into ``site_dir``; with ``print_dir``, the PDFs too (before the output audit)."""
    # Imported here so that `ballata check` never loads MkDocs.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    root = gathered.config.root
    with _build_environment(gathered.publish_set.build_date):
        log.info("rendering the website")
        try:
            config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir))
            plugin = config.plugins.get("ballata")
            if plugin is None:
                raise BallataError([Problem("mkdocs.yml", "the ballata plugin is not enabled",
                                            field="plugins", tip="Add `- ballata` under plugins:.")])
            plugin.gathered = gathered  # type: ignore[attr-defined]
            plugin.print_dir = print_dir  # type: ignore[attr-defined]
            build(config)
        except MkDocsException as exc:
            found = getattr(plugin, "audit_problems", None)
            if found:
                raise BallataError(found) from None
            raise BallataError([Problem("mkdocs.yml", f"the website could not be built: {exc}")]) \
                from None
