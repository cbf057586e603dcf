"""The phases in order: read -> gate -> scan -> render (zine, website, bundles) -> audit -> swap.

The core calls each renderer with the public view only; renderers are equal steps handed in by the
entry point (cli.py), so the core imports no adapter. What must never be published reaches only the
output audit.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from collections.abc import Callable, Sequence

from . import audio, audit, privacy, publish, quotes, strings, takedown, urls
from .config import Config, config_warnings, load_config
from .datasets import read_datasets
from .editions import Edition, read_editions
from .errors import BallataError, Level, Problem, Problems, UsageError
from .model import Channel, Project
from .readers import read_project

log = logging.getLogger(__name__)

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
    recordings: list[audio.Wanted] = field(default_factory=list)
    """Recordings the gate lets through, encoded by :meth:`encode_recordings` before rendering."""

    @property
    def ok(self) -> bool:
        return not self.problems.errors

    def encode_recordings(self) -> None:
        """Re-encode the recordings to publish (cached in build/cache/audio/) and hand them to
        the public view; a recording that cannot be re-encoded is an error naming it."""
        if self.ok:  # also with none to publish: the cache then forgets every voice
            found = audio.encode_all(self.config.root, self.recordings, self.problems)
            self.publish_set.public = replace(self.public, recordings=found)

    @property
    def public(self) -> publish.PublicView:
        return self.publish_set.public

    def report(self) -> dict[str, Any]:
        return publish.report(self.publish_set, self.problems)


def _drop(project: Project, bad_files: set[str]) -> None:
    """Take every story and page text that has an error out of the project."""
    for slug, story in list(project.stories.items()):
        if any(f == story.folder or f.startswith(story.folder + "/") for f in bad_files):
            project.invalid_stories[slug] = story.yml
            del project.stories[slug]
    _drop_texts(project, bad_files)


def _drop_texts(project: Project, paths: set[str]) -> None:
    for key, page in list(project.pages.items()):
        page.texts = {lang: t for lang, t in page.texts.items() if t.path not in paths}
        if not page.texts:
            del project.pages[key]


def _page_urls(project: Project, config: Config) -> set[str]:
    """Addresses of the pages of content/ (an untranslated page has one in every language)."""
    return {urls.page(config, lang, key) for key in project.pages for lang in config.languages}


def _leave_out_quoting(project: Project, editions: dict[str, Edition], paths: set[str]) -> None:
    """Take page texts and zine intros that quote an excluded version out of what is published."""
    _drop_texts(project, paths)
    for edition in editions.values():
        edition.intro = {lang: t for lang, t in edition.intro.items() if t.path not in paths}


def gather(root: Path, build_date: dt.date, exclude_invalid: bool = False,
           with_editions: bool = True) -> Gathered:
    """Read the sources and apply the gate and the source scan once, for every output."""
    config = load_config(root)
    read_problems = config_warnings(config)
    project = read_project(config, read_problems)
    project.datasets = read_datasets(config, read_problems)
    editions = read_editions(project, config, read_problems)
    secrets = privacy.load_register(config, read_problems)
    log.info("read %d stories and %d pages", len(project.stories) + len(project.invalid_stories),
             len(project.pages))
    bad: set[str] = set()
    quoted: list[quotes.Quote] = []
    all_pages = _page_urls(project, config)
    for _ in range(MAX_EXCLUSION_ROUNDS):
        problems = Problems(list(read_problems.items))
        if exclude_invalid:
            bad |= read_problems.files_with_errors()
            _drop(project, bad)
        left_out = frozenset(all_pages - _page_urls(project, config)) if quoted else frozenset()
        publish_set = publish.build_publish_set(project, config, build_date, problems, secrets,
                                                editions if with_editions else None, left_out)
        found = quotes.find_quotes(publish_set, [t for e in editions.values() for t in e.intro.values()])
        if found:
            # Withdrawing her story must never fail because a page quotes it: the page goes too.
            quoted += found
            _leave_out_quoting(project, editions, {q.text.path for q in found})
            continue
        if not exclude_invalid or not (problems.files_with_errors() - read_problems.files_with_errors()):
            break
        read_problems = Problems(list(problems.items))
    for quote in quoted:
        problems.warning(quote.text.path, f"left out: from this line on it quotes {quote.source}",
                         line=quote.line, tip="Remove the quotation (a few words may stay) to publish "
                                              "this text again; her consent decides where her words "
                                              "appear.")
    if exclude_invalid:
        problems = Problems([Problem(p.file, "excluded: " + p.message, p.field, p.line, p.tip,
                                     Level.WARNING) if p.level is Level.ERROR else p
                             for p in problems.items])
        publish_set.problems = problems
    for edition in editions.values():
        # Intros and titles are printed in the zine: the same scan as every page.
        for text in edition.intro.values():
            privacy.scan_text(text, False, config, secrets, problems)
        privacy.scan_yaml_file(config.root, f"{edition.folder}/zine.yml", secrets, problems,
                               public=config.public_identifiers)
    for dataset in project.datasets.values():
        privacy.scan_dataset(config, dataset, secrets, problems)
    # Every word a page or PDF shows must exist in every language before anything is laid out.
    problems.extend(strings.missing_words(config, strings.Strings(root / strings.STRINGS_FILE),
                                          project.datasets.values()))
    public = publish_set.public
    recordings = audio.select(
        {lang: [(v.url, v.text, v.story) for v in versions]
         for lang, versions in public.stories[Channel.WEB].items()},
        [(p.url, p.text) for versions in public.pages.values() for p in versions],
        audio.StoryVoices(root, project.stories.values()), problems)
    return Gathered(config, project, publish_set, problems, editions, recordings)


def write_report(gathered: Gathered, build_dir: Path) -> Path:
    """build/report.json: never under site/, since it names what was excluded and why."""
    path = build_dir / "report.json"
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


@dataclass(frozen=True)
class Outputs:
    """Staging folders of one build: renderers write here; only the swap publishes them."""

    site: Path
    print: Path | None
    """build/print/ in the making; None when this build makes no PDFs."""
    offline: Path | None = None
    """build/offline/ in the making (the offline bundles, zips of the website per language)."""
    downloads: Path | None = None
    """What the website publishes under downloads/ (screen PDFs, handouts and their pictures), by
    site path; made before the website, which copies it in. None when this build makes no PDFs."""


class Renderer(Protocol):
    """One rendering step (the website, the zine). It sees only the public view."""

    name: str
    makes_pdfs: bool
    """Whether it writes the downloads and build/print/: the site then links the PDFs."""

    def render(self, public: publish.PublicView, outputs: Outputs) -> Problems:
        """Write outputs; return warnings, and errors that stop the build."""
        ...


def audit_outputs(ps: publish.PublishSet, outputs: Outputs) -> list[Problem]:
    """The output audit: every file written, against everything that must not be published."""
    problems = audit.audit_site(ps, outputs.site)
    if outputs.print is not None:
        problems += audit.audit_print(ps, outputs.print)
    if outputs.offline is not None:
        problems += audit.audit_offline(ps, outputs.offline)
    return problems


def build(root: Path, build_date: dt.date, renderers: Sequence[Renderer], *,
          exclude_invalid: bool = False, strict: bool = False) -> Gathered:
    """Every phase; ``site/`` and ``build/print/`` are replaced only when all of them succeeded.
    ``strict``: a version left out because something changed since she approved it stops the
    build before anything is rendered (for CI and the upload step)."""
    makes_pdfs = any(r.makes_pdfs for r in renderers)
    gathered = gather(root, build_date, exclude_invalid, with_editions=makes_pdfs)
    if strict and gathered.ok and gathered.report()["approve_again"]:
        gathered.problems.error("stories", "--strict: a version is left out because something "
                                "changed since she approved it. Nothing was published.",
                                tip="Read the new words with her, then run the commands below.")
    gathered.encode_recordings()
    work = root / "build"
    write_report(gathered, work)
    if not gathered.ok:
        return gathered
    work.mkdir(exist_ok=True)
    outputs = Outputs(Path(tempfile.mkdtemp(prefix="site.", dir=work)),
                      Path(tempfile.mkdtemp(prefix="print.", dir=work)) if makes_pdfs else None,
                      Path(tempfile.mkdtemp(prefix="offline.", dir=work)),
                      Path(tempfile.mkdtemp(prefix="downloads.", dir=work)) if makes_pdfs else None)
    try:
        for renderer in renderers:
            log.info("rendering: %s", renderer.name)
            try:
                gathered.problems.extend(renderer.render(gathered.public, outputs))
            except BallataError as exc:
                gathered.problems.extend(Problems(list(exc.problems)))
            if not gathered.ok:
                return gathered
        log.info("auditing every output file")
        for problem in audit_outputs(gathered.publish_set, outputs):
            gathered.problems.add(problem)
        if not gathered.ok:
            return gathered
        _swap(gathered, outputs, root, build_date)
    finally:
        write_report(gathered, work)
        for folder in (outputs.site, outputs.print, outputs.offline, outputs.downloads):
            if folder is not None and folder.exists():
                shutil.rmtree(folder)
    log.info("site/ is ready")
    return gathered


def _swap(gathered: Gathered, outputs: Outputs, root: Path, build_date: dt.date) -> None:
    """Publish the staged outputs; a build without PDFs removes the earlier ones, so no folder
    holds PDFs older than the last successful build."""
    work = root / "build"
    swap_into_place(outputs.site, root / "site")
    if outputs.offline is not None:
        swap_into_place(outputs.offline, work / "offline")
    if outputs.print is not None:
        swap_into_place(outputs.print, work / "print")
    elif (work / "print").exists():
        shutil.rmtree(work / "print")
        gathered.problems.warning("build/print", "removed the print PDFs of an earlier build: "
                                  "this build made no PDFs", tip="Build without --no-pdf to make "
                                  "them again from the sources as they are now.")
    gone = takedown.record(root / "site", work, gathered.config.site_url or "/", build_date,
                           pdfs_built=outputs.print is not None)
    if gone:
        log.warning("%d address(es) disappeared since the previous build: see build/takedown.md",
                    len(gone))


def gate_for_mkdocs(root: Path, build_date: dt.date) -> tuple[publish.PublicView,
                                                             Callable[[Path], list[Problem]]]:
    """For plain `mkdocs build` / `mkdocs serve`: the same gate and the same output audit as
    `ballata build`. Returns the public view and the audit to run on the built site; raises
    :class:`BallataError` when the sources have errors."""
    gathered = gather(root, build_date, with_editions=False)
    gathered.encode_recordings()
    if not gathered.ok:
        raise BallataError(gathered.problems.errors)
    for problem in gathered.problems.warnings:
        log.warning("%s", problem)
    ps = gathered.publish_set
    return gathered.public, lambda site_dir: audit_outputs(ps, Outputs(site_dir, None))


def desk_for_preview(root: Path, build_date: dt.date, days: int = 60) -> dict[str, Any]:
    """For `ballata serve` only, never for a build: the gate's decisions for the editors' desk.

    ``public``: the public view (None when the sources have errors: the preview then shows
    ``problems``); ``report``: every story's versions, published or excluded with the reason;
    ``editors``: consents expiring, translations stale (:func:`ballata.editors.editors_report`);
    ``withheld``: each web address of an excluded story version with its reason; ``drafts``: the
    excluded versions that are only waiting for her (pending, not approved, changed since
    approval, not ready), with their story and text, to preview marked as drafts."""
    from . import consent, urls
    from .editors import editors_report

    try:
        gathered = gather(root, build_date, with_editions=False)
    except BallataError as exc:
        return {"ok": False, "public": None, "problems": list(exc.problems), "report": None,
                "editors": None, "withheld": [], "drafts": [], "config": None}
    gathered.encode_recordings()
    ps, config = gathered.publish_set, gathered.config
    withheld: list[dict[str, Any]] = []
    drafts: list[dict[str, Any]] = []
    for slug in sorted(set(ps.decisions) | set(ps.invalid_stories)):
        story = gathered.project.stories.get(slug)
        for lang in config.languages:
            decision = ps.decisions.get(slug, {}).get((Channel.WEB, lang))
            if decision is not None and decision.published:
                continue
            reason = decision.reason if decision else "story.yml has errors"
            entry = {"slug": slug, "lang": lang, "url": urls.story(config, lang, slug),
                     "reason": reason or ""}
            text = story.texts.get(lang) if story else None
            waiting = reason in (consent.NOT_APPROVED, consent.CHANGED, "pending") \
                or consent.is_draft(reason)
            if story is not None and text is not None and waiting:
                drafts.append(dict(entry, story=story, text=text))
            else:
                withheld.append(entry)
    found = editors_report(gathered.project, config, build_date, days, gathered.problems)
    return {"ok": gathered.ok, "public": gathered.public if gathered.ok else None,
            "problems": gathered.problems.errors + gathered.problems.warnings,
            "report": gathered.report(), "editors": found.as_dict(), "withheld": withheld,
            "drafts": drafts, "config": config}
