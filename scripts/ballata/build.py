"""The phases in order: read -> gate -> scan -> render -> audit -> swap."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import privacy, publish, takedown
from .config import Config, load_config
from .errors import BallataError, Level, Problem, Problems, UsageError
from .model import Project
from .datasets import read_datasets
from .readers import read_project
from .zine.edition import Edition, read_editions

log = logging.getLogger("ballata.progress")

MAX_EXCLUSION_ROUNDS = 5
"""Excluding an invalid story can break a link to it, which excludes the linking page: a short chain."""


def resolve_build_date(option: str | None, environ: dict[str, str] | None = None) -> dt.date:
    """``--date``, else ``SOURCE_DATE_EPOCH``, else today (UTC)."""
    environ = dict(os.environ) if environ is None else environ
    if option:
        try:
            return dt.date.fromisoformat(option)
        except ValueError:
            raise UsageError(f"--date expects a date like 2025-06-14; got {option!r}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds; got {epoch!r}") \
                from None
    return dt.datetime.now(dt.UTC).date()


@dataclass
class Gathered:
    """The result of the read, gate and scan phases: what every renderer starts from."""

    config: Config
    project: Project
    publish_set: publish.PublishSet
    problems: Problems
    editions: dict[str, Edition]

    @property
    def ok(self) -> bool:
        return not self.problems.errors

    def report(self) -> dict[str, Any]:
        return publish.report(self.publish_set, self.problems)


def _drop(project: Project, bad_files: set[str]) -> None:
    """Take every story and page text that has an error out of the project."""
    for slug, story in list(project.stories.items()):
        if any(f == story.folder or f.startswith(story.folder + "/") for f in bad_files):
            project.invalid_stories[slug] = story.yml
            del project.stories[slug]
    for key, page in list(project.pages.items()):
        page.texts = {lang: t for lang, t in page.texts.items() if t.path not in bad_files}
        if not page.texts:
            del project.pages[key]


def gather(root: Path, build_date: dt.date, exclude_invalid: bool = False) -> Gathered:
    """Read the sources and apply the gate and the source scan once, for every output."""
    config = load_config(root)
    read_problems = Problems()
    project = read_project(config, read_problems)
    project.datasets = read_datasets(config, read_problems)
    editions = read_editions(project, config, read_problems)
    secrets = privacy.load_register(config, read_problems)
    log.info("read %d stories and %d pages", len(project.stories) + len(project.invalid_stories),
             len(project.pages))
    bad: set[str] = set()
    for _ in range(MAX_EXCLUSION_ROUNDS):
        problems = Problems(list(read_problems.items))
        if exclude_invalid:
            bad |= read_problems.files_with_errors()
            _drop(project, bad)
        publish_set = publish.build_publish_set(project, config, build_date, problems, secrets)
        if not exclude_invalid or not (problems.files_with_errors() - read_problems.files_with_errors()):
            break
        read_problems = Problems(list(problems.items))
    if exclude_invalid:
        problems = Problems([Problem(p.file, "excluded: " + p.message, p.field, p.line, p.tip,
                                     Level.WARNING) if p.level is Level.ERROR else p
                             for p in problems.items])
        publish_set.problems = problems
    for edition in editions.values():
        # Intros and titles are printed in the zine: the same scan as every page.
        for text in edition.intro.values():
            privacy.scan_text(text, False, config, secrets, problems)
        for field_name, values in (("title", edition.title), ("subtitle", edition.subtitle)):
            for value in values.values():
                privacy.scan_register(f"{edition.folder}/zine.yml", value, secrets, problems,
                                      field=field_name)
    return Gathered(config, project, publish_set, problems, editions)


def write_report(gathered: Gathered, root: Path) -> Path:
    """build/report.json: never under site/, since it names what was excluded and why."""
    path = root / "build" / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(gathered.report(), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


def swap_into_place(new: Path, target: Path) -> None:
    """Replace ``target`` with ``new`` in two renames, so a reader never sees half a site."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)


def build(root: Path, build_date: dt.date, *, exclude_invalid: bool = False,
          pdf: bool = True) -> Gathered:
    """Every phase; ``site/`` is replaced only when all of them succeeded."""
    from .site.build import build_site

    gathered = gather(root, build_date, exclude_invalid)
    write_report(gathered, root)
    if not gathered.ok:
        return gathered
    work = root / "build"
    work.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="site.", dir=work))
    print_staging = Path(tempfile.mkdtemp(prefix="print.", dir=work)) if pdf else None
    try:
        build_site(gathered, staging, print_staging)
        swap_into_place(staging, root / "site")
        if print_staging is not None:
            swap_into_place(print_staging, work / "print")
        gone = takedown.record(root / "site", work, gathered.config.site_url or "/", build_date)
        if gone:
            log.warning("%d address(es) disappeared since the previous build: see build/takedown.md",
                        len(gone))
    except BallataError as exc:
        for problem in exc.problems:
            gathered.problems.add(problem)
        write_report(gathered, root)
        return gathered
    finally:
        for folder in (staging, print_staging):
            if folder is not None and folder.exists():
                shutil.rmtree(folder)
    log.info("site/ is ready")
    return gathered
