"""Aggregated statistics that cannot single anyone out: counting, suppression and its proof.

A published table has one row per combination of its (one or two) dimensions, plus total rows whose
dimension value is ``*``. A hidden cell is written ``suppressed``.

Method. Primary suppression hides every cell (and every total) from 1 to k-1. Complementary
suppression then hides more cells, smallest non-zero first, until (a) every line whose total is
shown has 0 or at least 2 hidden cells and (b) no hidden cell can be worked out from what is shown:
for each hidden cell we solve for its smallest and largest possible value given the shown cells,
the shown totals and that counts are never negative (linear programming), and require that the
value is not fixed and not provably between 1 and k-1. The same proof runs again on every
published table at build time, whoever wrote it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

SUPPRESSED = "suppressed"
TOTAL = "*"
ONE_DIMENSION_ROW = ""
"""The single row of a table with one dimension."""

Cell = tuple[str, str]


@dataclass
class Table:
    """Counts by row category and column category, with which cells and totals are hidden."""

    dimensions: list[str]
    measure: str
    rows: list[str]
    cols: list[str]
    values: dict[Cell, int | None]
    """None for a hidden cell (in a table read back from CSV, where the value is unknown)."""
    row_totals: dict[str, int | None] = field(default_factory=dict)
    col_totals: dict[str, int | None] = field(default_factory=dict)
    grand_total: int | None = None
    hidden: set[Cell] = field(default_factory=set)

    @property
    def two_dimensional(self) -> bool:
        return len(self.dimensions) == 2

    def lines(self) -> list[tuple[list[Cell], int | None]]:
        """Every line with its shown total (None when that total is hidden)."""
        return [(cells, total) for _, cells, total in self.named_lines()]

    def named_lines(self) -> list[tuple[tuple[str, str], list[Cell], int | None]]:
        """Like :meth:`lines`, with which total each line has: ('row', r), ('col', c), ('all', '')."""
        out: list[tuple[tuple[str, str], list[Cell], int | None]] = []
        if self.two_dimensional:
            out += [(("row", r), [(r, c) for c in self.cols], self.row_totals.get(r))
                    for r in self.rows]
            out += [(("col", c), [(r, c) for r in self.rows], self.col_totals.get(c))
                    for c in self.cols]
        out.append((("all", ""), [(r, c) for r in self.rows for c in self.cols], self.grand_total))
        return out

    def hide_total(self, line: tuple[str, str]) -> None:
        kind, name = line
        if kind == "row":
            self.row_totals[name] = None
        elif kind == "col":
            self.col_totals[name] = None
        else:
            self.grand_total = None


class AggregateError(ValueError):
    """Raw records that cannot be counted; the message names the line and says what to fix."""


def read_records(path: Path, by: list[str], weight: str | None) -> list[tuple[tuple[str, ...], int]]:
    raw = path.read_bytes()
    if not raw.strip():
        raise AggregateError(f"{path}: the file is empty")
    text = raw.decode("utf-8-sig", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        sep = next(s for s in (";", "\t", "|") if s in header[0])
        raise AggregateError(f"{path}:1: the columns are separated by {sep!r}; expected commas. "
                             "Save the file again as CSV with commas (most spreadsheets call it "
                             "'CSV, comma-separated').")
    needed = by + ([weight] if weight else [])
    missing = [c for c in needed if c not in header]
    if missing:
        raise AggregateError(f"{path}:1: no column {missing[0]!r}; the columns are: "
                             f"{', '.join(header)}")
    records = []
    for line, row in enumerate(reader, start=2):
        key = tuple((row.get(c) or "").strip() for c in by)
        if not all(key):
            blank = by[key.index("")]
            raise AggregateError(f"{path}:{line}: the column {blank!r} is empty; fill it in or "
                                 "remove the line")
        count = 1
        if weight:
            value = (row.get(weight) or "").strip()
            if not value.isdigit():
                raise AggregateError(f"{path}:{line}: {weight} must be a whole number of 0 or more; "
                                     f"got {value!r}")
            count = int(value)
        records.append((key, count))
    if not records:
        raise AggregateError(f"{path}: there are no records under the header")
    return records


def count(records: list[tuple[tuple[str, ...], int]], dimensions: list[str], measure: str) -> Table:
    two = len(dimensions) == 2
    rows = sorted({k[0] for k, _ in records}) if two else [ONE_DIMENSION_ROW]
    cols = sorted({k[-1] for k, _ in records})
    values: dict[Cell, int | None] = {(r, c): 0 for r in rows for c in cols}
    for key, n in records:
        cell = (key[0], key[1]) if two else (ONE_DIMENSION_ROW, key[0])
        values[cell] = (values[cell] or 0) + n
    table = Table(dimensions, measure, rows, cols, values)
    table.row_totals = {r: sum(values[(r, c)] or 0 for c in cols) for r in rows}
    table.col_totals = {c: sum(values[(r, c)] or 0 for r in rows) for c in cols}
    table.grand_total = sum(v or 0 for v in values.values())
    return table


def intervals(table: Table) -> dict[Cell, tuple[float, float]]:
    """Smallest and largest value each hidden cell can take, given everything shown."""
    import numpy as np
    from scipy.optimize import linprog

    hidden = sorted(table.hidden)
    if not hidden:
        return {}
    index = {cell: i for i, cell in enumerate(hidden)}
    a_eq, b_eq = [], []
    for cells, total in table.lines():
        if total is None:
            continue
        row = np.zeros(len(hidden))
        rest = float(total)
        for cell in cells:
            if cell in index:
                row[index[cell]] = 1
            else:
                rest -= table.values[cell] or 0
        if row.any():
            a_eq.append(row)
            b_eq.append(rest)
    out: dict[Cell, tuple[float, float]] = {}
    for cell, i in index.items():
        if not a_eq:
            out[cell] = (0.0, float("inf"))
            continue
        objective = np.zeros(len(hidden))
        objective[i] = 1
        bounds = [(0, None)] * len(hidden)
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        lo = low.fun if low.status == 0 else 0.0
        hi = -high.fun if high.status == 0 else float("inf")
        out[cell] = (lo, hi)
    return out


def exposed(table: Table, threshold: int) -> list[Cell]:
    """Hidden cells whose value can be worked out, or proven to be between 1 and k-1."""
    bad = []
    for cell, (lo, hi) in intervals(table).items():
        if hi - lo < 0.5 or (lo >= 0.5 and hi <= threshold - 0.5):
            bad.append(cell)
    return bad


def lonely_lines(table: Table) -> list[list[Cell]]:
    """Lines with a shown total and exactly one hidden cell: that cell is the total minus the rest."""
    return [cells for _, cells in _lonely(table)]


def _lonely(table: Table) -> list[tuple[tuple[str, str], list[Cell]]]:
    return [(name, cells) for name, cells, total in table.named_lines()
            if total is not None and sum(c in table.hidden for c in cells) == 1]


def suppress(table: Table, threshold: int) -> Table:
    """Primary, then complementary suppression, in place; returns the table."""
    table.hidden = {cell for cell, v in table.values.items() if v and 0 < v < threshold}
    small = lambda v: v is not None and 0 < v < threshold  # noqa: E731 - a one-line rule
    table.row_totals = {r: None if small(v) else v for r, v in table.row_totals.items()}
    table.col_totals = {c: None if small(v) else v for c, v in table.col_totals.items()}
    if small(table.grand_total):
        table.grand_total = None
    # Each round hides one more cell or one more total, so this ends.
    for _ in range(len(table.values) + len(table.rows) + len(table.cols) + 2):
        lonely = _lonely(table)
        if lonely:
            name, cells = lonely[0]
            if not _hide_one_more(table, cells):
                table.hide_total(name)  # nothing left to hide in that line: hide its total
            continue
        bad = exposed(table, threshold)
        if not bad:
            return table
        r, c = bad[0]
        if not _hide_one_more(table, [(r, x) for x in table.cols] + [(y, c) for y in table.rows]):
            # Everything around it is hidden already: stop showing a total that gives it away.
            shown = [name for name, cells, total in table.named_lines()
                     if total is not None and (r, c) in cells]
            table.hide_total(shown[0])
    raise AssertionError("suppression did not settle")


def _hide_one_more(table: Table, cells: list[Cell]) -> bool:
    """Hide the smallest non-zero visible cell of ``cells`` (a zero one if there is no other)."""
    visible = [c for c in cells if c not in table.hidden]
    if not visible:
        return False
    visible.sort(key=lambda c: (table.values[c] == 0, table.values[c] or 0, c))
    table.hidden.add(visible[0])
    return True


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.dimensions + [table.measure])

    def shown(cell_value: int | None, hidden: bool) -> str:
        return SUPPRESSED if hidden or cell_value is None else str(cell_value)

    for r in table.rows:
        for c in table.cols:
            key = [r, c] if table.two_dimensional else [c]
            writer.writerow(key + [shown(table.values[(r, c)], (r, c) in table.hidden)])
    if table.two_dimensional:
        for r in table.rows:
            writer.writerow([r, TOTAL, shown(table.row_totals.get(r), False)])
        for c in table.cols:
            writer.writerow([TOTAL, c, shown(table.col_totals.get(c), False)])
        writer.writerow([TOTAL, TOTAL, shown(table.grand_total, False)])
    else:
        writer.writerow([TOTAL, shown(table.grand_total, False)])
    return out.getvalue()


class TableError(ValueError):
    """A published table that is malformed or unsafe; ``line`` is its line in table.csv."""

    def __init__(self, message: str, line: int | None = None, tip: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.tip = tip


def from_csv(text: str, dimensions: list[str], measure: str) -> tuple[Table, dict[Cell, int]]:
    """Read a published table back; returns it and the CSV line of each cell, for messages."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != dimensions + [measure]:
        raise TableError(f"the header must be {','.join(dimensions + [measure])}; got "
                         f"{','.join(header or [])}", 1)
    two = len(dimensions) == 2
    values: dict[Cell, int | None] = {}
    hidden: set[Cell] = set()
    row_totals: dict[str, int | None] = {}
    col_totals: dict[str, int | None] = {}
    grand: int | None = None
    lines: dict[Cell, int] = {}
    for line, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != len(header):
            raise TableError(f"expected {len(header)} values; got {len(record)}", line)
        key, raw = record[:-1], record[-1].strip()
        if raw == SUPPRESSED:
            value = None
        elif raw.isdigit():
            value = int(raw)
        else:
            raise TableError(f"{measure} must be a whole number or {SUPPRESSED!r}; got {raw!r}", line)
        r, c = (key[0], key[1]) if two else (ONE_DIMENSION_ROW, key[0])
        if r == TOTAL and c == TOTAL or (not two and c == TOTAL):
            grand = value
        elif c == TOTAL:
            row_totals[r] = value
        elif r == TOTAL:
            col_totals[c] = value
        else:
            values[(r, c)] = value
            lines[(r, c)] = line
            if value is None:
                hidden.add((r, c))
    rows = sorted({r for r, _ in values})
    cols = sorted({c for _, c in values})
    missing = [(r, c) for r in rows for c in cols if (r, c) not in values]
    if missing:
        raise TableError(f"no line for {' / '.join(x for x in missing[0] if x)}",
                         tip="Every combination needs a line, with 0 where nobody was counted.")
    table = Table(dimensions, measure, rows, cols, values, row_totals, col_totals, grand, hidden)
    return table, lines


def check(table: Table, lines: dict[Cell, int], threshold: int) -> list[TableError]:
    """Everything that would make a published table unsafe."""
    problems = []
    for cell, value in sorted(table.values.items()):
        if value is not None and 0 < value < threshold:
            problems.append(TableError(
                f"{' / '.join(x for x in cell if x)} shows {value}: counts from 1 to {threshold - 1} "
                "could single people out", lines.get(cell),
                f"Write {SUPPRESSED}, or make the table with `ballata stats aggregate`."))
    totals = [*table.row_totals.values(), *table.col_totals.values(), table.grand_total]
    for total in totals:
        if total is not None and 0 < total < threshold:
            problems.append(TableError(f"a total shows {total}: totals from 1 to {threshold - 1} "
                                       "must be hidden too", tip=f"Write {SUPPRESSED}."))
    for cells in lonely_lines(table):
        cell = next(c for c in cells if c in table.hidden)
        problems.append(TableError(
            f"{' / '.join(x for x in cell if x)} is the only hidden number in its line, so it "
            "equals the total minus the others", lines.get(cell),
            "Hide a second number in that line, or make the table with `ballata stats aggregate`."))
    if not problems:
        for cell in exposed(table, threshold):
            problems.append(TableError(
                f"the hidden number {' / '.join(x for x in cell if x)} can be worked out from the "
                "totals and the other numbers", lines.get(cell),
                "Make the table with `ballata stats aggregate`, which hides enough numbers."))
    return problems
