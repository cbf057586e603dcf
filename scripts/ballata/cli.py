"""Commands. The only module that prints or exits."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any
from collections.abc import Callable, Sequence

import click

from . import build as build_mod
from . import scaffold
from .errors import BallataError, Problem, Problems, UsageError

def _resolve_root(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Resolved once, here: every path below is made from the absolute project folder."""
    return value.resolve()


ROOT_OPTION = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, callback=_resolve_root,
                           help="The project folder (with ballata.yml).")
STRICT_OPTION = click.option(
    "--strict", is_flag=True,
    help="Fail (exit 1, nothing published) when a version is left out because something changed "
         "since she approved it.")
DATE_OPTION = click.option("--date", "date", metavar="YYYY-MM-DD",
                           help="Build date for consent expiry (default: SOURCE_DATE_EPOCH or today).")


def _echo_problem(problem: Problem) -> None:
    label = "ERROR" if problem.level.value == "error" else "WARNING"
    click.echo(f"{label} {problem}", err=True)
    if problem.tip:
        click.echo(f"  TIP {problem.tip}", err=True)


def _echo_problems(problems: Problems) -> None:
    """Warnings, then errors, each with its file and line; only the same link problem in several
    places (every page linking to a broken story) is said once, naming every place."""
    groups: dict[tuple[object, ...], list[Problem]] = {}
    for n, problem in enumerate(problems.warnings + problems.errors):
        key = (problem.level, problem.message, problem.field, problem.tip) \
            if problem.field == "link" else (n,)
        groups.setdefault(key, []).append(problem)
    for same in groups.values():
        if len(same) == 1:
            _echo_problem(same[0])
            continue
        first = same[0]
        places = ", ".join(p.location() for p in same)
        label = "ERROR" if first.level.value == "error" else "WARNING"
        click.echo(f"{label} {places}: " + (f"{first.field}: " if first.field else "")
                   + first.message, err=True)
        if first.tip:
            click.echo(f"  TIP {first.tip}", err=True)


def _echo_approve_again(report: dict[str, Any], strict: bool) -> None:
    """The loud ending: versions left out because something changed since she approved them."""
    again = report.get("approve_again") or []
    if not again:
        return
    click.echo("", err=True)
    click.echo(f"WARNING {len(again)} version(s) are NOT published because something changed "
               "since she approved them:", err=True)
    for item in again:
        changed = " and ".join(item["changed"]) or "something"
        click.echo(f"  - {item['story']} ({item['language']}): {changed} changed; after she "
                   f"approves the new words, run: {item['command']}", err=True)
    if strict:
        click.echo("  --strict: this is an error; nothing was published.", err=True)
    else:
        click.echo("  TIP Read the new words with her before running the command. "
                   "`--strict` makes this an error (for CI and uploads).", err=True)


def _fail(exc: BallataError) -> None:
    for problem in exc.problems:
        _echo_problem(problem)
    sys.exit(exc.exit_code)


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into messages and exit codes, never tracebacks."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BallataError as exc:
            _fail(exc)
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _table(report: dict[str, Any]) -> str:
    rows = [("story", "web", "print", "voice", "excluded because")]
    for story in report["stories"]:
        grouped: dict[str, dict[str, list[str]]] = {}
        for e in story["excluded"]:
            grouped.setdefault(e["reason"], {}).setdefault(e["channel"], []).append(e["language"])
        reasons = ["{} ({})".format(reason, "; ".join(f"{ch} {' '.join(langs)}"
                                                       for ch, langs in chans.items()))
                   for reason, chans in grouped.items()]
        if story.get("errors"):
            # Never shown as published while an error of its own stops the build.
            reasons.insert(0, f"ERROR, not published: {story['errors'][0]}"
                              + (f" and {len(story['errors']) - 1} more" if len(story["errors"]) > 1
                                 else ""))
        rows.append((story["id"], ",".join(story["published"]["web"]) or "-",
                     ",".join(story["published"]["print"]) or "-",
                     ",".join(story.get("voice", [])) or "-", "; ".join(reasons)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join([*(f"{r[i]:<{widths[i]}}" for i in range(4)), r[4]]).rstrip()
                     for r in rows)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show progress of each stage.")
def cli(verbose: bool) -> None:
    """Balla'ta Migran's publishing pipeline: consent-gated website and zine."""
    logging.basicConfig(format="%(message)s", level=logging.INFO if verbose else logging.WARNING)
    for noisy in ("weasyprint", "fontTools", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@cli.command()
@ROOT_OPTION
@DATE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--exclude-invalid", is_flag=True, help="Leave out stories and pages with errors.")
@STRICT_OPTION
@_guarded
def check(root: Path, date: str | None, as_json: bool, exclude_invalid: bool, strict: bool) -> None:
    """Check every source without rendering; print the publication report."""
    gathered = build_mod.gather(root, build_mod.resolve_build_date(date), exclude_invalid)
    build_mod.write_report(gathered, root / "build")
    report = gathered.report()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(_table(report))
    _echo_problems(gathered.problems)
    _echo_approve_again(report, strict)
    if not gathered.ok:
        click.echo(f"{len(gathered.problems.errors)} error(s): nothing would be published.",
                   err=True)
        sys.exit(1)
    if strict and report["approve_again"]:
        sys.exit(1)


@cli.command("build")
@ROOT_OPTION
@DATE_OPTION
@click.option("--exclude-invalid", is_flag=True, help="Leave out stories and pages with errors.")
@click.option("--no-pdf", is_flag=True, help="Build the website only.")
@click.option("--allow-placeholders", is_flag=True, envvar="BALLATA_ALLOW_PLACEHOLDERS",
              help="Make print PDFs even with numbers marked placeholder: true (a proof copy); "
                   "also set by BALLATA_ALLOW_PLACEHOLDERS=1.")
@STRICT_OPTION
@_guarded
def build_cmd(root: Path, date: str | None, exclude_invalid: bool, no_pdf: bool,
              strict: bool, allow_placeholders: bool = False) -> None:
    """Build site/ (and the PDFs) through the consent gate."""
    from .site.build import SiteRenderer
    from .site.bundle import BundleRenderer, size_label
    from .zine.render import ZineRenderer

    build_date = build_mod.resolve_build_date(date)
    # The zine first: the website publishes its PDFs and links them with their sizes; the bundles
    # last, made from the staged website with the PDFs its pages link.
    renderers: list[build_mod.Renderer] = []
    if not no_pdf:
        renderers.append(ZineRenderer(allow_placeholders=allow_placeholders))
    renderers += [SiteRenderer(), BundleRenderer()]
    gathered = build_mod.build(root, build_date, renderers, exclude_invalid=exclude_invalid,
                               strict=strict)
    _echo_problems(gathered.problems)
    report = gathered.report()
    if not gathered.ok:
        _echo_approve_again(report, strict)
        click.echo(f"{len(gathered.problems.errors)} error(s): nothing was published; "
                   "the previous site/ is unchanged.", err=True)
        sys.exit(1)
    click.echo(_table(report))
    click.echo(f"Website: {root / 'site'}    Report: {root / 'build' / 'report.json'}")
    for bundle in sorted((root / "build" / "offline").glob("*.zip")):
        click.echo(f"Offline bundle: {bundle} ({size_label(bundle.stat().st_size)})")
    for note in sorted((root / "build" / "print").glob("*-HOW-TO-PRINT.txt")) if not no_pdf else []:
        # Its first lines say which file goes to the print shop and how many sheets the booklet takes.
        click.echo(f"How to print: {note}")
    _echo_approve_again(report, strict)
    if strict and report["approve_again"]:  # sources changed during the build
        sys.exit(1)


@cli.command()
@ROOT_OPTION
@DATE_OPTION
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve the preview on.")
@_guarded
def serve(root: Path, date: str | None, dev_addr: str) -> None:
    """Live preview on this computer, through the same consent gate."""
    import contextlib

    from mkdocs.commands.serve import serve as mkdocs_serve

    import jinja2

    from .site.build import build_environment, template_problem

    # With --date, every rebuild of the preview gates on that day, as `ballata build --date` does
    # (e.g. to see what expires next month); without it, on the day of each rebuild.
    try:
        with build_environment(build_mod.resolve_build_date(date)) if date else contextlib.nullcontext():
            mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr)
    except jinja2.TemplateError as exc:
        # Broken before the preview started: nothing to show it on (a later break is a page).
        raise BallataError([template_problem(exc)]) from None


@cli.command()
@ROOT_OPTION
@DATE_OPTION
@click.option("--days", default=60, show_default=True, type=click.IntRange(min=0),
              help="Warn about consents expiring within this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_guarded
def report(root: Path, date: str | None, days: int, as_json: bool) -> None:
    """What editors should do next: renew consents, approve texts, translate."""
    from .editors import editors_report

    today = build_mod.resolve_build_date(date)
    gathered = build_mod.gather(root, today, with_editions=False)
    found = editors_report(gathered.project, gathered.config, today, days, gathered.problems)
    if as_json:
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    else:
        sections = [
            ("Stories with errors (nothing is published until they are fixed; "
             "`ballata check` says what is wrong)",
             [f"{s}: {', '.join(where)}" for s, where in found.errors]),
            (f"Consent expiring within {days} days (ask her whether she renews it)",
             [f"{s}: expires {d}" for s, d in found.expiring]),
            ("Consent expired (no longer published)", [f"{s}: expired {d}" for s, d in found.expired]),
            ("Waiting for consent (pending)", found.pending),
            ("Texts she has not approved as they are now",
             [f"{s} ({lang}): ballata consent approve {s} {lang}" for s, lang in found.not_approved]),
            ("Drafts not ready (not published; the other versions are)",
             [f"{s} ({lang}): not ready: {what}" for s, lang, what in found.not_ready]),
            ("Translations missing", [f"{s}: no {lang}" for s, lang in found.missing]),
            ("Translations older than their source", [f"{t} (source {s} changed)"
                                                      for t, s in found.stale]),
            ("Consent history (latest changes)",
             [f"{s}: " + "; ".join(f"{e.date} {e.change}"
                                   + (f" (recorded by {e.recorded_by})" if e.recorded_by else "")
                                   for e in entries) for s, entries in found.history]),
        ]
        for title, items in sections:
            click.echo(f"{title}: {len(items)}")
            for item in items:
                click.echo(f"  - {item}")
    if found.errors:
        click.echo(f"{len(found.errors)} story(ies) with errors.", err=True)
        sys.exit(1)


@cli.group()
def stats() -> None:
    """Community-mapping statistics."""


@stats.command("aggregate")
@click.argument("raw", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", required=True, metavar="COL[,COL]", help="One or two columns to count by.")
@click.option("--weight", metavar="COL", help="Column holding how many people a record stands for.")
@click.option("--threshold", type=click.IntRange(min=2),
              help="Counts from 1 to this minus one are hidden (default: the dataset's, or 10).")
@click.option("--measure", help="Name of the count column (default: the dataset's, or people).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@ROOT_OPTION
@_guarded
def stats_aggregate(raw: Path, by: str, weight: str | None, threshold: int | None,
                    measure: str | None, out: Path, root: Path) -> None:
    """Count raw records (kept in private/) into a table.csv that is safe to publish.

    Settings come from the dataset.yml next to --out, when there is one. Tables already published
    from the same records are proven together with the new one; the new table hides what it must
    for all of them to stay safe, or nothing is written.
    """
    from . import datasets, statistics

    columns = [c.strip() for c in by.split(",") if c.strip()]
    if not 1 <= len(columns) <= 2:
        raise click.UsageError("--by takes one or two column names, e.g. --by village,status")
    try:
        made = datasets.aggregate(raw, columns, out, root, weight=weight, measure=measure,
                                  threshold=threshold)
    except (statistics.AggregateError, statistics.ProtectionError, UnicodeDecodeError) as exc:
        message = f"{raw}: the file is not UTF-8 text; save it again as CSV UTF-8" \
            if isinstance(exc, UnicodeDecodeError) else str(exc)
        click.echo(f"ERROR {message}", err=True)
        sys.exit(1)
    table = made.table
    click.echo(f"Wrote {out} and {made.records_file.name}: {len(table.values)} cells from "
               f"{made.records} records ({made.population} counted), {len(table.hidden)} hidden "
               f"({made.hidden_people} people in them; threshold {made.rules.threshold}).")
    if made.linked:
        click.echo(f"Proven together with {', '.join(made.linked)} (same records).")


@cli.group()
def new() -> None:
    """Create new sources from templates."""


@new.command("story")
@click.argument("slug")
@ROOT_OPTION
@_guarded
def new_story(slug: str, root: Path) -> None:
    """Scaffold stories/SLUG with a consent template (pending until filled in)."""
    folder = scaffold.new_story(root, slug)
    click.echo(f"Created {folder}/. Fill in story.yml and the texts; it stays unpublished "
               "until consent is given and approved.")


@cli.group()
def consent() -> None:
    """Record consent decisions."""


@consent.command("approve")
@click.argument("slug")
@click.argument("lang")
@click.option("--recording", is_flag=True,
              help="She also listened to the recording next to the text (index.LANG.m4a…).")
@ROOT_OPTION
@_guarded
def consent_approve(slug: str, lang: str, recording: bool, root: Path) -> None:
    """Record that she approved the current text of stories/SLUG/index.LANG.md."""
    value = scaffold.approve(root, slug, lang, recording=recording)
    click.echo(f"Recorded approval of stories/{slug}/index.{lang}.md ({value[:19]}…).")
    approved = scaffold.recording_approved(root, slug, lang)
    if recording:
        click.echo("Recorded her approval of the recording as it is now. It is published only if "
                   "consent.voice is true.")
    elif approved is False:
        click.echo(f"The recording of index.{lang}.md is not approved (or changed since): after she "
                   f"listened to it, run `ballata consent approve {slug} {lang} --recording`.")


def _day(value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date expects a date like 2025-06-14; got {value!r}") from None


RECORDED_BY = click.option("--recorded-by", metavar="NAME",
                           help="Who recorded this change (written into consent.history).")
CHANGE_DATE = click.option("--date", "date", metavar="YYYY-MM-DD",
                           help="When she said so (default: today).")


@consent.command("set")
@click.argument("slug")
@click.option("--status", type=click.Choice(["given", "pending", "withdrawn"]))
@click.option("--channels", metavar="web,print", help="Where she agrees it may appear.")
@click.option("--photos", type=click.Choice(["yes", "no"]),
              help="May pictures showing faces be published.")
@click.option("--voice", type=click.Choice(["yes", "no"]),
              help="May a recording of her voice be published (never for a minor).")
@click.option("--method", type=click.Choice(["written", "verbal-recorded", "verbal-witnessed",
                                              "guardian"]))
@RECORDED_BY
@CHANGE_DATE
@ROOT_OPTION
@_guarded
def consent_set(slug: str, status: str | None, channels: str | None, photos: str | None,
                voice: str | None, method: str | None, recorded_by: str | None, date: str | None, root: Path) -> None:
    """Change her consent in stories/SLUG/story.yml; the change is added to consent.history."""
    chosen = None
    if channels is not None:
        chosen = [c.strip() for c in channels.split(",") if c.strip()]
        wrong = [c for c in chosen if c not in ("web", "print")]
        if wrong or len(set(chosen)) != len(chosen):
            raise UsageError(f"--channels takes web, print or web,print; got {channels!r}")
    change = scaffold.set_consent(root, slug, status=status, channels=chosen,
                                  photos=None if photos is None else photos == "yes",
                                  voice=None if voice is None else voice == "yes",
                                  method=method, recorded_by=recorded_by, day=_day(date))
    click.echo(f"Recorded in stories/{slug}/story.yml: {change}.")
    _echo_story_problems(root, slug)


@consent.command("withdraw")
@click.argument("slug")
@RECORDED_BY
@CHANGE_DATE
@ROOT_OPTION
@_guarded
def consent_withdraw(slug: str, recorded_by: str | None, date: str | None, root: Path) -> None:
    """Record that she withdrew her consent: the next build leaves her story out everywhere."""
    change = scaffold.withdraw(root, slug, recorded_by=recorded_by, day=_day(date))
    click.echo(f"Recorded in stories/{slug}/story.yml: {change}. The next `ballata build` "
               "leaves the story out; build/takedown.md then lists the addresses to remove.")
    gathered = build_mod.gather(root, build_mod.resolve_build_date(None), with_editions=False)
    linking = [p for p in gathered.problems.items
               if f"story {slug!r}" in p.message and (p.field == "link" or "left out" in p.message)]
    if linking:
        click.echo("These pages link to or quote her story. The build leaves those links (with "
                   "their words) or pages out; edit them so they read well without her story:",
                   err=True)
        for problem in linking:
            click.echo(f"  - {problem.location()}", err=True)


def _echo_story_problems(root: Path, slug: str) -> None:
    """After a change: what is still missing for this story (e.g. method when given)."""
    from .config import load_config
    from .readers import read_story

    problems = Problems()
    read_story(root / "stories" / slug, load_config(root), problems)
    if problems.errors:
        click.echo("story.yml still needs attention:", err=True)
        _echo_problems(problems)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; callable from tests with ``argv``."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="ballata",
                 standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.Abort:
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
