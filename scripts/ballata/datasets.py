"""content/statistics/<dataset>/: dataset.yml and its table.csv, checked before anything is shown."""

from __future__ import annotations

from pathlib import Path

from . import statistics
from .config import Config
from .errors import Problems
from .model import Dataset, Dimension, Official
from .readers import IMAGE_SUFFIXES, rel
from .schema import INVALID, Field, Group, Int, ListOf, MapOf, PerLanguage, Text, parse_yaml, validate

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
    "dimensions": Field(ListOf(DIMENSION)),
    "measure": Field(Group({"column": Field(COLUMN), "label": Field(PerLanguage())})),
    "official": Field(ListOf(Group({"label": Field(PerLanguage()), "value": Field(Int()),
                                    "source": Field(PerLanguage())})), required=False, default=[]),
    "charts": Field(ListOf(Group({"type": Field(Text(r"bar", "bar")),
                                  "title": Field(PerLanguage())})), required=False, default=[]),
})
ALLOWED = {"dataset.yml", "table.csv"}


def read_dataset(folder: Path, config: Config, problems: Problems) -> Dataset | None:
    name = rel(folder / "dataset.yml", config)
    before = len(problems.errors)
    for path in sorted(folder.iterdir()):
        if path.name in ALLOWED or path.suffix in IMAGE_SUFFIXES or path.name.startswith("index."):
            continue
        problems.error(rel(path, config), "only table.csv (aggregated counts) is published from a "
                       "dataset folder", tip="Raw records belong in private/, which is never "
                       "published; make table.csv with `ballata stats aggregate`.")
    doc = parse_yaml((folder / "dataset.yml").read_text(encoding="utf-8-sig"), name, problems)
    data = validate(doc, DATASET, problems, config.languages) if doc else INVALID
    if data is INVALID:
        return None
    if not 1 <= len(data["dimensions"]) <= 2:
        problems.error(name, f"expected one or two dimensions; got {len(data['dimensions'])}",
                       field="dimensions", line=doc.line(("dimensions",)) if doc else None)
        return None
    dims = [Dimension(d["column"], d["label"], d["values"]) for d in data["dimensions"]]
    measure = Dimension(data["measure"]["column"], data["measure"]["label"])
    csv_path = folder / "table.csv"
    csv_name = rel(csv_path, config)
    if not csv_path.is_file():
        problems.error(csv_name, "missing", tip="Make it with `ballata stats aggregate`.")
        return None
    text = csv_path.read_text(encoding="utf-8-sig")
    try:
        table, lines = statistics.from_csv(text, [d.column for d in dims], measure.column)
    except statistics.TableError as exc:
        problems.error(csv_name, str(exc), line=exc.line, tip=exc.tip)
        return None
    for error in statistics.check(table, lines, data["threshold"]):
        problems.error(csv_name, str(error), line=error.line, tip=error.tip)
    if len(problems.errors) > before:
        return None
    title = data["charts"][0]["title"] if data["charts"] else data["title"]
    return Dataset(
        key=rel(folder, config).removeprefix("content/"), folder=rel(folder, config),
        title=data["title"], source=data["source"], collected=data["collected"],
        threshold=data["threshold"], dimensions=dims, measure=measure,
        official=[Official(o["label"], o["value"], o["source"]) for o in data["official"]],
        chart_title=title, table=table, csv_text=text)


def read_datasets(config: Config, problems: Problems) -> dict[str, Dataset]:
    root = config.root / "content" / "statistics"
    out: dict[str, Dataset] = {}
    if not root.is_dir():
        return out
    for yml in sorted(root.glob("*/dataset.yml")):
        dataset = read_dataset(yml.parent, config, problems)
        if dataset is not None:
            out[dataset.key] = dataset
    for stray in sorted(root.rglob("*")):
        if stray.suffix.lower() in {".csv", ".xlsx", ".xls", ".ods", ".tsv"} and \
                not (stray.parent / "dataset.yml").is_file():
            problems.error(rel(stray, config), "a data file outside a dataset folder is never "
                           "published and must not be here", tip="Raw records belong in private/.")
    return out
