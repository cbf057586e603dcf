"""content/statistics/<dataset>/: dataset.yml and its table.csv, checked before anything is shown.

Tables counted from the same people are proven together (see :mod:`ballata.statistics`). What
links them: ``table.yml``, written by ``ballata stats aggregate`` next to table.csv, records the raw
file's fingerprint and the population; a hand-written table declares ``population:`` in
dataset.yml (or shows its grand total).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import sources, statistics
from .config import CONFIG_FILE, Config, load_config
from .errors import BallataError, Problems, UsageError
from .model import Dataset, Dimension, Official
from .readers import IMAGE_SUFFIXES, rel
from .schema import (INVALID, Field, Group, Int, ListOf, MapOf, PerLanguage, Text, YamlDoc,
                     validate)
from .statistics import GROUP_SIZE, Linked, Rules, Table

COLUMN = Text(r"[A-Za-z_][A-Za-z0-9_]*", "a column name (letters, digits, _)")
DIMENSION = Group({
    "column": Field(COLUMN),
    "label": Field(PerLanguage()),
    "values": Field(MapOf(Text(), PerLanguage()), required=False, default={}),
})
DATASET = Group({
    "title": Field(PerLanguage()),
    "source": Field(PerLanguage(), doc="Who collected the data, how, and where."),
    "collected": Field(Text(), doc="When the data was collected, e.g. 2025-08."),
    "threshold": Field(Int(minimum=2), required=False, default=10),
    "population": Field(Int(minimum=1), required=False,
                        doc="How many people the table counts (its grand total)."),
    "protection": Field(Group({"upper": Field(Int(minimum=1), required=False),
                               "width": Field(Int(minimum=1), required=False)}), required=False,
                        default={}),
    "group_disclosure": Field(Group({
        "size": Field(Int(minimum=2), required=False, default=GROUP_SIZE),
        "reason": Field(PerLanguage(), required=False, default={}),
    }), required=False, default={}),
    "dimensions": Field(ListOf(DIMENSION)),
    "measure": Field(Group({"column": Field(COLUMN), "label": Field(PerLanguage())})),
    "official": Field(ListOf(Group({"label": Field(PerLanguage()), "value": Field(Int()),
                                    "source": Field(PerLanguage())})), required=False, default=[]),
    "charts": Field(ListOf(Group({"type": Field(Text(r"bar", "bar")),
                                  "title": Field(PerLanguage())})), required=False, default=[]),
})
RECORDS = Group({
    "fingerprint": Field(Text(r"sha256:[0-9a-f]{64}", "sha256: and 64 hexadecimal digits")),
    "population": Field(Int(minimum=1)),
})
"""table.yml: which records ``ballata stats aggregate`` counted table.csv from."""
RECORDS_FILE = "table.yml"
ALLOWED = {"dataset.yml", "table.csv", RECORDS_FILE}


@dataclass
class _Settings:
    """What dataset.yml says, before its table is read."""

    data: dict[str, Any]
    doc: YamlDoc
    rules: Rules


def _read_settings(folder: Path, config: Config, problems: Problems) -> _Settings | None:
    name = rel(folder / "dataset.yml", config)
    doc = sources.read_yaml(folder / "dataset.yml", config.root, problems)
    data = validate(doc, DATASET, problems, config.languages) if doc else INVALID
    if doc is None or data is INVALID:
        return None
    if not 1 <= len(data["dimensions"]) <= 2:
        problems.error(name, f"expected one or two dimensions; got {len(data['dimensions'])}",
                       field="dimensions", line=doc.line(("dimensions",)))
        return None
    disclosure = data["group_disclosure"] or {"size": GROUP_SIZE, "reason": {}}
    reason = disclosure["reason"]
    if reason and set(reason) != set(config.languages):
        missing = [lang for lang in config.languages if lang not in reason]
        problems.error(name, f"the reason is missing in {', '.join(missing)}",
                       field="group_disclosure.reason",
                       line=doc.line(("group_disclosure", "reason")),
                       tip="It is shown under the table on every language's page.")
        return None
    protection = data["protection"] or {}
    rules = Rules(threshold=data["threshold"], upper=protection.get("upper"),
                  width=protection.get("width"), group_size=disclosure["size"], group_reason=reason)
    return _Settings(data, doc, rules)


def _read_records_file(path: Path, config: Config, problems: Problems) -> tuple[str, int] | None:
    doc = sources.read_yaml(path, config.root, problems)
    data = validate(doc, RECORDS, problems, config.languages) if doc else INVALID
    if data is INVALID:
        return None
    return data["fingerprint"], data["population"]


def _population(settings: _Settings, records: tuple[str, int] | None, table: Table, csv_name: str,
                lines: dict[statistics.Cell, int], problems: Problems) -> int | None:
    """The recorded population (table.yml), else the declared one, else the shown grand total."""
    declared = settings.data["population"]
    line = settings.doc.line(("population",))
    shown = table.grand_total
    if records and declared is not None and declared != records[1]:
        problems.error(settings.doc.file, f"{declared} does not match the {records[1]} people "
                       f"{RECORDS_FILE} records", field="population", line=line,
                       tip=f"Remove population: here; {RECORDS_FILE} records it.")
        return None
    population = records[1] if records else declared
    if population is None and shown is None:
        problems.error(settings.doc.file, "the field 'population' is missing: the grand total is "
                       "hidden", field="population", line=line,
                       tip="Say how many people the table counts, so that tables counted from the "
                           "same people are checked together.")
        return None
    if population is not None and shown is not None and population != shown:
        problems.error(csv_name, f"the grand total is {shown} but the population is {population}",
                       line=lines.get((statistics.TOTAL, statistics.TOTAL)),
                       tip="The grand total counts everybody: correct one of them.")
        return None
    return population if population is not None else shown


def read_dataset(folder: Path, config: Config, problems: Problems) -> tuple[Dataset, Linked] | None:
    """One dataset folder, with the table as its linked proof sees it."""
    before = len(problems.errors)
    for path in sorted(folder.iterdir()):
        if path.name in ALLOWED or path.suffix in IMAGE_SUFFIXES or path.name.startswith("index."):
            continue
        problems.error(rel(path, config), "only table.csv (aggregated counts) is published from a "
                       "dataset folder", tip="Raw records belong in private/, which is never "
                       "published; make table.csv with `ballata stats aggregate`.")
    settings = _read_settings(folder, config, problems)
    if settings is None:
        return None
    data = settings.data
    dims = [Dimension(d["column"], d["label"], d["values"]) for d in data["dimensions"]]
    measure = Dimension(data["measure"]["column"], data["measure"]["label"])
    csv_path = folder / "table.csv"
    csv_name = rel(csv_path, config)
    if not csv_path.is_file():
        problems.error(csv_name, "missing", tip="Make it with `ballata stats aggregate`.")
        return None
    text = sources.read_text(csv_path, config.root, problems, sources.MAX_TABLE_BYTES)
    if text is None:
        return None
    try:
        table, lines = statistics.from_csv(text, [d.column for d in dims], measure.column)
    except statistics.TableErrors as exc:
        for error in exc.errors:
            problems.error(csv_name, str(error), line=error.line, tip=error.tip)
        return None
    records = None
    if (folder / RECORDS_FILE).is_file():
        records = _read_records_file(folder / RECORDS_FILE, config, problems)
        if records is None:
            return None
    population = _population(settings, records, table, csv_name, lines, problems)
    if population is None or len(problems.errors) > before:
        return None
    table.disclosure_reason = settings.rules.group_reason
    title = data["charts"][0]["title"] if data["charts"] else data["title"]
    dataset = Dataset(
        key=rel(folder, config).removeprefix("content/"), folder=rel(folder, config),
        title=data["title"], source=data["source"], collected=data["collected"],
        threshold=data["threshold"], dimensions=dims, measure=measure,
        official=[Official(o["label"], o["value"], o["source"]) for o in data["official"]],
        chart_title=title, table=table, csv_text=text)
    return dataset, Linked(csv_name, table, settings.rules, population,
                           records[0] if records else None, lines)


def _read_all(config: Config, problems: Problems, skip: Path | None = None
              ) -> list[tuple[Dataset, Linked]]:
    root = config.root / "content" / "statistics"
    if not root.is_dir():
        return []
    out = []
    for yml in sorted(root.glob("*/dataset.yml")):
        if skip is not None and yml.parent.resolve() == skip.resolve():
            continue
        read = read_dataset(yml.parent, config, problems)
        if read is not None:
            out.append(read)
    return out


def read_datasets(config: Config, problems: Problems) -> dict[str, Dataset]:
    """Every dataset whose table is safe on its own and together with the tables it is linked to."""
    found = _read_all(config, problems)
    sound = []
    for dataset, linked in found:
        errors = statistics.check(linked)
        for error in errors:
            problems.error(linked.name, str(error), line=error.line, tip=error.tip)
        if not errors:
            sound.append((dataset, linked))
    bad: set[str] = set()
    for group in statistics.link_groups([linked for _, linked in sound]):
        for error in statistics.prove(group):
            problems.error(error.file or group[0].name, str(error), line=error.line, tip=error.tip)
            bad.add(error.file or group[0].name)
    root = config.root / "content" / "statistics"
    if root.is_dir():
        for stray in sorted(root.rglob("*")):
            if stray.suffix.lower() in {".csv", ".xlsx", ".xls", ".ods", ".tsv"} and \
                    not (stray.parent / "dataset.yml").is_file():
                problems.error(rel(stray, config), "a data file outside a dataset folder is never "
                               "published and must not be here", tip="Raw records belong in private/.")
    return {dataset.key: dataset for dataset, linked in sound if linked.name not in bad}


@dataclass(frozen=True)
class Aggregated:
    """What ``ballata stats aggregate`` wrote."""

    table: Table
    rules: Rules
    records: int
    population: int
    hidden_people: int
    """People in hidden cells (primary and complementary)."""
    linked: list[str]
    """Published tables counted from the same people, suppressed jointly with."""
    records_file: Path


def fingerprint(raw: Path) -> str:
    return "sha256:" + hashlib.sha256(raw.read_bytes()).hexdigest()


def aggregate(raw: Path, by: list[str], out: Path, root: Path, *, weight: str | None = None,
              measure: str | None = None, threshold: int | None = None) -> Aggregated:
    """Count raw records into a table safe to publish next to what is published already.

    Settings come from the dataset.yml next to ``out`` when there is one; the tables already
    published under ``root`` from the same people are proven together with the new one.
    Raises :class:`statistics.AggregateError` or :class:`statistics.ProtectionError`.
    """
    records = statistics.read_records(raw, by, weight)
    population = sum(n for _, n in records)
    config = load_config(root) if (root / CONFIG_FILE).is_file() else None
    folder = out.resolve().parent
    settings = _target_settings(folder, config) if config else None
    rules, measure = _rules_for(settings, by, measure, threshold)
    if settings and settings.data["population"] not in (None, population):
        raise statistics.AggregateError(
            f"{settings.doc.file}: population: says {settings.data['population']} but the records "
            f"count {population}; remove population: ({RECORDS_FILE} records it now)")
    mine = Linked(_name(out, root), statistics.count(records, by, measure), rules, population,
                  fingerprint(raw))
    problems = Problems()
    published = [linked for _, linked in _read_all(config, problems, folder)] if config else []
    group = next(g for g in statistics.link_groups([*published, mine]) if mine in g)
    others = [linked for linked in group if linked is not mine]
    table = statistics.protect(mine.table, rules, population, mine.name, others)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(statistics.to_csv(table), encoding="utf-8")
    records_file = out.with_suffix(".yml")
    records_file.write_text(
        f"# Written by `ballata stats aggregate`: the records {out.name} was counted from.\n"
        "# Tables counted from the same records are proven safe together. Do not edit.\n"
        f"fingerprint: {mine.fingerprint}\npopulation: {population}\n", encoding="utf-8")
    hidden = sum(table.values[c] or 0 for c in table.hidden)
    return Aggregated(table, rules, len(records), population, hidden, [t.name for t in others],
                      records_file)


def _name(out: Path, root: Path) -> str:
    try:
        return out.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(out)


def _target_settings(folder: Path, config: Config) -> _Settings | None:
    """The settings of the dataset being written, when it is one of the project's."""
    if not folder.is_relative_to(config.root.resolve()) or not (folder / "dataset.yml").is_file():
        return None
    folder = config.root / folder.relative_to(config.root.resolve())
    problems = Problems()
    settings = _read_settings(folder, config, problems)
    if settings is None:
        raise BallataError(problems.errors)
    return settings


def _rules_for(settings: _Settings | None, by: list[str], measure: str | None,
               threshold: int | None) -> tuple[Rules, str]:
    """The target dataset's rules and measure; the command line may not contradict them."""
    if settings is None:
        return Rules(threshold=threshold or 10), measure or "people"
    data = settings.data
    columns = [d["column"] for d in data["dimensions"]]
    if columns != by:
        raise UsageError(f"{settings.doc.file} counts by {','.join(columns)}; got --by "
                         f"{','.join(by)}", tip="Use the dataset's columns, in its order.")
    if threshold is not None and threshold != settings.rules.threshold:
        raise UsageError(f"{settings.doc.file} says threshold: {settings.rules.threshold}; got "
                         f"--threshold {threshold}", tip="Leave out --threshold or change "
                                                         "dataset.yml.")
    if measure is not None and measure != data["measure"]["column"]:
        raise UsageError(f"{settings.doc.file} names the count {data['measure']['column']}; got "
                         f"--measure {measure}")
    return settings.rules, data["measure"]["column"]
