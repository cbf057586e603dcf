"""Aggregated statistics that cannot single anyone out: counting, suppression and its proof.

A published table has one row per combination of its (one or two) dimensions, plus total rows whose
dimension value is ``*``. A hidden number (cell or total) is written ``suppressed``.

Method. Tables counted from the same people are *linked*: each of them is a margin of one joint
table over all their dimensions, so a reader can combine them. The proof therefore works on that
joint table: every shown number of every linked table is a linear equation on its cells, which are
never negative, and the total is the population. For each hidden number, linear programming gives
the smallest and largest value it can take (its protection interval, as in tau-Argus and sdcTable).
A hidden number that may be a small count (the interval dips below the threshold k) must be able to
reach ``upper`` (default k) and range over at least ``width`` (default k); a hidden number that can
be worked out exactly is refused whatever its size. The reader cannot tell which hidden numbers
are small, so the rule applies to every hidden number that might be.

Aggregation hides every count from 1 to k-1 (primary suppression) and every 0 or whole-line count
that would tell a small group something about all its members (group disclosure), then repeats:
prove the linked tables; for the first unprotected hidden number, solve one more linear programme
that finds the cheapest set of shown numbers of the new table to hide so that it can reach what it
needs (cost: the people a number stands for, plus one, so fewer people and then fewer cells are
hidden); hide them; prove again. Hiding only ever widens intervals, so this ends. Tables already
published are never changed: if hiding in the new table cannot protect them, it is refused.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import block_array, csr_array, identity

SUPPRESSED = "suppressed"
TOTAL = "*"
ONE_DIMENSION_ROW = ""
"""The single row of a table with one dimension."""
GROUP_SIZE = 50
"""A row or column of fewer people than this must not show that all of them share a category."""
EPS = 1e-6
"""Tolerance for the floating-point bounds that linear programming returns."""
MAX_JOINT = 200_000
"""Most combinations of categories the joint table of linked tables may have (memory and time)."""

Cell = tuple[str, str]
"""A position in a table: (row, column); ``*`` in either place marks a total."""
Key = tuple[tuple[str, str], ...]
"""What a number counts: (dimension, category) pairs; a total leaves its dimension out."""
WHOLE = re.compile(r"[0-9]+")


@dataclass
class Table:
    """Counts by row category and column category, with which cells and totals are hidden."""

    dimensions: list[str]
    measure: str
    rows: list[str]
    cols: list[str]
    values: dict[Cell, int | None]
    """None for a hidden cell in a table read back from CSV, where the value is unknown."""
    row_totals: dict[str, int | None] = field(default_factory=dict)
    """None for a hidden total (two dimensions only)."""
    col_totals: dict[str, int | None] = field(default_factory=dict)
    grand_total: int | None = None
    hidden: set[Cell] = field(default_factory=set)
    disclosure_reason: dict[str, str] = field(default_factory=dict)
    """Per language: why the dataset allows a group disclosure; shown under the table."""

    @property
    def two_dimensional(self) -> bool:
        return len(self.dimensions) == 2

    def categories(self) -> list[list[str]]:
        return [self.rows, self.cols] if self.two_dimensional else [self.cols]

    def positions(self) -> list[Cell]:
        """Every published number: cells, row totals, column totals, then the grand total."""
        out = [(r, c) for r in self.rows for c in self.cols]
        if self.two_dimensional:
            out += [(r, TOTAL) for r in self.rows] + [(TOTAL, c) for c in self.cols]
        return out + [(TOTAL, TOTAL)]

    def shown(self, pos: Cell) -> int | None:
        """The number as published; None when it is hidden."""
        r, c = pos
        if r == TOTAL and c == TOTAL:
            return self.grand_total
        if c == TOTAL:
            return self.row_totals.get(r)
        if r == TOTAL:
            return self.col_totals.get(c)
        return None if pos in self.hidden else self.values.get(pos)

    def hide(self, pos: Cell) -> None:
        r, c = pos
        if r == TOTAL and c == TOTAL:
            self.grand_total = None
        elif c == TOTAL:
            self.row_totals[r] = None
        elif r == TOTAL:
            self.col_totals[c] = None
        else:
            self.hidden.add(pos)

    def key(self, pos: Cell) -> Key:
        names = self.dimensions if self.two_dimensional else [self.dimensions[0]]
        parts = pos if self.two_dimensional else pos[1:]
        return tuple((d, v) for d, v in zip(names, parts) if v != TOTAL)

    def label(self, pos: Cell) -> str:
        parts = [x for x in pos if x and x != TOTAL]
        if not parts:
            return "the grand total"
        return " / ".join(parts) + (" (total)" if TOTAL in pos and self.two_dimensional else "")

    def lines(self) -> list[tuple[list[Cell], int | None]]:
        """Every line (row, column, whole table) with its shown total (None when hidden)."""
        return [(cells, self.shown(total)) for total, cells in self.named_lines()]

    def named_lines(self) -> list[tuple[Cell, list[Cell]]]:
        """Every line as (position of its total, its cells)."""
        out = self.group_lines()
        if self.two_dimensional:
            out.append(((TOTAL, TOTAL), [(r, c) for r in self.rows for c in self.cols]))
        return out

    def group_lines(self) -> list[tuple[Cell, list[Cell]]]:
        """The groups of people a reader sees: rows and columns, or the one line of a 1-D table."""
        if not self.two_dimensional:
            return [((TOTAL, TOTAL), [(ONE_DIMENSION_ROW, c) for c in self.cols])]
        return ([((r, TOTAL), [(r, c) for c in self.cols]) for r in self.rows]
                + [((TOTAL, c), [(r, c) for r in self.rows]) for c in self.cols])


@dataclass(frozen=True)
class Rules:
    """How a dataset's hidden numbers must be protected (dataset.yml: threshold, protection, ...)."""

    threshold: int = 10
    """k: counts from 1 to k-1 are never shown."""
    upper: int | None = None
    """A hidden number that may be small must be able to reach this (default k)."""
    width: int | None = None
    """... and range over at least this much (default k)."""
    group_size: int = GROUP_SIZE
    """Rows and columns of fewer people must not show that all of them share (or lack) a category."""
    group_reason: dict[str, str] = field(default_factory=dict)
    """Per language: why group disclosure is allowed here; empty means it is not."""

    @property
    def reach(self) -> int:
        return self.upper if self.upper is not None else self.threshold

    @property
    def span(self) -> int:
        return self.width if self.width is not None else self.threshold


@dataclass
class Linked:
    """A table as the proof sees it, with what links it to tables counted from the same people."""

    name: str
    """Shown in messages: the table's file, e.g. content/statistics/x/table.csv."""
    table: Table
    rules: Rules
    population: int
    """How many people (or records, with a weight: the sum of weights) the table counts."""
    fingerprint: str | None = None
    """``sha256:...`` of the raw file it was counted from, when ``stats aggregate`` made it."""
    lines: dict[Cell, int] = field(default_factory=dict)
    """The CSV line of each position, for messages."""

    def links_to(self, other: Linked) -> bool:
        """Counted from the same people: same population, unless both name different raw files."""
        if self.population != other.population:
            return False
        return not (self.fingerprint and other.fingerprint and self.fingerprint != other.fingerprint)


def link_groups(tables: Sequence[Linked]) -> list[list[Linked]]:
    """Tables that must be proven together (linked directly or through another table)."""
    groups: list[list[Linked]] = []
    for table in tables:
        joined = [i for i, g in enumerate(groups) if any(table.links_to(t) for t in g)]
        merged = [t for i in joined for t in groups[i]] + [table]
        groups = [g for i, g in enumerate(groups) if i not in joined] + [merged]
    return groups


class AggregateError(ValueError):
    """Raw records that cannot be counted; the message names the line and says what to fix."""


class ProtectionError(ValueError):
    """A new table that cannot be published safely next to the tables already published."""


class TableError(ValueError):
    """A published table that is malformed or unsafe; ``line`` is its line in ``file``."""

    def __init__(self, message: str, line: int | None = None, tip: str | None = None,
                 file: str | None = None, pos: Cell | None = None, kind: str = "table") -> None:
        super().__init__(message)
        self.line = line
        self.tip = tip
        self.file = file
        self.pos = pos
        self.kind = kind
        """'table' (format), 'small', 'protection', 'group' (group disclosure), 'conflict'
        (linked tables disagree), 'size' (too many categories linked to prove)."""


class TableErrors(ValueError):
    """Every format problem of one table.csv (collect, then fail)."""

    def __init__(self, errors: list[TableError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


# --- Counting raw records ------------------------------------------------------------------------

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
        if TOTAL in key:
            raise AggregateError(f"{path}:{line}: {TOTAL!r} marks totals in a table; use another "
                                 "name for this category")
        count = 1
        if weight:
            value = (row.get(weight) or "").strip()
            if not WHOLE.fullmatch(value):
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
    if two:
        table.row_totals = {r: sum(values[(r, c)] or 0 for c in cols) for r in rows}
        table.col_totals = {c: sum(values[(r, c)] or 0 for r in rows) for c in cols}
    table.grand_total = sum(v or 0 for v in values.values())
    return table


# --- The joint table of linked tables and its linear programmes ---------------------------------

class _Joint:
    """Every number of linked tables as a sum of cells of one joint table over all their dimensions."""

    def __init__(self, group: Sequence[Linked]) -> None:
        self.group = group
        cats: dict[str, list[str]] = {}
        for linked in group:
            for dim, values in zip(linked.table.dimensions, linked.table.categories()):
                cats.setdefault(dim, [])
                cats[dim] += [v for v in values if v not in cats[dim]]
        self.dims = list(cats)
        self.codes = {d: {v: i for i, v in enumerate(cats[d])} for d in self.dims}
        self.size = int(np.prod([len(cats[d]) for d in self.dims]))
        if self.size > MAX_JOINT:
            raise TooLarge(f"{', '.join(t.name for t in group)} are linked over "
                           f"{len(self.dims)} dimensions ({self.size} combinations of categories); "
                           f"at most {MAX_JOINT} can be proven")
        grid = itertools.product(*(range(len(cats[d])) for d in self.dims))
        self.cells = np.array(list(grid), dtype=np.int32).reshape(-1, len(self.dims))
        self._members: dict[Key, np.ndarray] = {}

    def members(self, key: Key) -> np.ndarray:
        """Indices of the joint cells a number with this key adds up."""
        if key not in self._members:
            mask = np.ones(self.size, dtype=bool)
            for dim, value in key:
                mask &= self.cells[:, self.dims.index(dim)] == self.codes[dim][value]
            self._members[key] = np.flatnonzero(mask)
        return self._members[key]

    def equations(self, free: Collection[tuple[int, Cell]] = ()
                  ) -> tuple[list[np.ndarray], list[float]]:
        """One equation per shown number (except ``free`` ones), plus the population."""
        rows = [np.arange(self.size)]
        values = [float(self.group[0].population)]
        for i, linked in enumerate(self.group):
            for pos in linked.table.positions():
                value = linked.table.shown(pos)
                if value is not None and (i, pos) not in free:
                    rows.append(self.members(linked.table.key(pos)))
                    values.append(float(value))
        return rows, values

    def matrix(self, rows: list[np.ndarray], extra: int = 0) -> csr_array:
        indptr = np.cumsum([0] + [len(r) for r in rows])
        indices = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
        return csr_array((np.ones(len(indices)), indices, indptr),
                         shape=(len(rows), self.size + extra))

    def feasible(self) -> bool:
        rows, values = self.equations()
        result = linprog(np.zeros(self.size), A_eq=self.matrix(rows), b_eq=values,
                         bounds=(0, None), method="highs")
        return bool(result.status == 0)

    def interval(self, key: Key) -> tuple[float, float]:
        """Smallest and largest value of the number with this key, given every shown number."""
        rows, values = self.equations()
        a_eq = self.matrix(rows)
        objective = np.zeros(self.size)
        objective[self.members(key)] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=values, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=values, bounds=(0, None), method="highs")
        if low.status != 0 or high.status != 0:
            raise _Inconsistent
        return float(low.fun), float(-high.fun)


class TooLarge(ValueError):
    """Linked tables over so many categories that the proof would not finish."""


class _Inconsistent(Exception):
    """The linked tables' shown numbers cannot all be true at once."""


def _judge(lo: float, hi: float, rules: Rules) -> str | None:
    """Why a hidden number with this interval is unprotected, or None when it is protected."""
    if hi - lo < 0.5:
        return "determined"
    if lo >= rules.threshold - EPS:
        return None  # provably not a small count: a complementary one, nothing to protect
    if hi < rules.reach - EPS or hi - lo < rules.span - EPS:
        return "narrow"
    return None


def _number(x: float) -> str:
    return f"{round(x, 1):g}"


def prove(group: Sequence[Linked], settled: set[tuple[int, Cell]] | None = None) -> list[TableError]:
    """Protection and group disclosure over linked tables, each error naming its table and line.

    ``settled`` holds hidden numbers already proven protected; they are skipped and new ones are
    added. Only valid while numbers are only ever hidden, never shown again (intervals only widen).
    """
    try:
        joint = _Joint(group)
    except TooLarge as exc:
        return [TableError(str(exc), file=linked.name, kind="size",
                           tip="Publish fewer tables from the same people, or fewer categories.")
                for linked in group]
    if not joint.feasible():
        return _conflict(group)
    try:
        return _prove(group, joint, set() if settled is None else settled)
    except _Inconsistent:  # feasible as a whole, yet one bound failed: numerically on the edge
        return _conflict(group)


def _prove(group: Sequence[Linked], joint: _Joint, settled: set[tuple[int, Cell]]
           ) -> list[TableError]:
    errors: list[TableError] = []
    for i, linked in enumerate(group):
        others = [t.name for t in group if t is not linked]
        for pos in linked.table.positions():
            if linked.table.shown(pos) is not None or (i, pos) in settled:
                continue
            lo, hi = joint.interval(linked.table.key(pos))
            why = _judge(lo, hi, linked.rules)
            if why is None:
                settled.add((i, pos))
            else:
                errors.append(_unprotected(linked, pos, why, lo, hi, others))
        errors += _group_disclosures(linked, joint)
    return errors


def _conflict(group: Sequence[Linked]) -> list[TableError]:
    if len(group) == 1:
        return [TableError("the numbers of this table cannot all be true at once (with the "
                           f"population of {group[0].population})", file=group[0].name,
                           kind="conflict", tip="Check the totals against the numbers they add up.")]
    names = ", ".join(t.name for t in group)
    return [TableError(f"{names} count the same {linked.population} people (same population or raw "
                       "file) but their numbers disagree", file=linked.name, kind="conflict",
                       tip="Make them again from the same raw file with `ballata stats aggregate`, "
                           "or correct the population declared in dataset.yml.")
            for linked in group]


def _unprotected(linked: Linked, pos: Cell, why: str, lo: float, hi: float,
                 others: list[str]) -> TableError:
    where = f" together with {', '.join(others)} (counted from the same people)" if others else ""
    label = linked.table.label(pos)
    if why == "determined":
        message = (f"the hidden number {label} can be worked out from the totals and the other "
                   f"numbers{where}: it is {_number(lo)}")
    else:
        message = (f"the hidden number {label} can be narrowed down to between {_number(lo)} and "
                   f"{_number(hi)}{where}; a hidden number must be able to reach "
                   f"{linked.rules.reach} and range over at least {linked.rules.span}")
    return TableError(message, linked.lines.get(pos), "Hide more numbers: make the table with "
                      "`ballata stats aggregate`, which hides enough of them.", linked.name, pos,
                      "protection")


def _group_disclosures(linked: Linked, joint: _Joint) -> list[TableError]:
    """Rows and columns of few people whose shown numbers tell something about every one of them."""
    table, rules = linked.table, linked.rules
    if rules.group_reason:
        return []
    errors: list[TableError] = []
    flagged: set[Cell] = set()
    for total_pos, cells in table.group_lines():
        total = table.shown(total_pos)
        lo, hi = (total, total) if total is not None else joint.interval(table.key(total_pos))
        if hi < 0.5 or lo >= rules.group_size:
            continue
        people = str(total) if total is not None else f"fewer than {rules.group_size}"
        for cell in cells:
            value = table.shown(cell)
            if cell in flagged or value is None or value not in (0, total):
                continue
            flagged.add(cell)
            group = table.label(total_pos).removesuffix(" (total)") if table.two_dimensional \
                else "the table"
            category = cell[1] if total_pos[1] == TOTAL else cell[0]
            what = "none of them" if value == 0 else "all of them"
            errors.append(TableError(
                f"{group} counts {people} people, {what} in {category}: in a group of fewer "
                f"than {rules.group_size}, that tells something about every one of them "
                "(group disclosure)", linked.lines.get(cell),
                "Merge categories, or hide the number (`ballata stats aggregate` does); if telling "
                "it harms no one, write why in dataset.yml under group_disclosure.reason, in every "
                "language: the reason is shown under the table.", linked.name, cell, "group"))
    return errors


# --- Suppression of a new table -------------------------------------------------------------------

def protect(table: Table, rules: Rules, population: int, name: str,
            published: Sequence[Linked] = ()) -> Table:
    """Primary and complementary suppression of a freshly counted table, in place; returns it.

    ``published`` are the tables already published from the same people; they are proven together
    with the new one and never changed. Raises :class:`ProtectionError` naming the table that
    cannot be protected.
    """
    if population < rules.threshold:
        raise ProtectionError(f"{name}: the records count only {population}, fewer than the "
                              f"threshold ({rules.threshold}): no table of them can be published")
    truth = {pos: table.shown(pos) or 0 for pos in table.positions()}
    for pos, value in truth.items():
        if 0 < value < rules.threshold:
            table.hide(pos)
    me = Linked(name, table, rules, population)
    group = [*published, me]
    settled: set[tuple[int, Cell]] = set()
    disclosing: set[Cell] = set()
    # Each round hides at least one more number of the new table, so this ends.
    for _ in range(len(truth) + 1):
        errors = prove(group, settled)
        if not errors:
            return table
        first = errors[0]
        if first.kind == "conflict":
            raise ProtectionError(f"{name}: these records do not agree with the tables counted "
                                  f"from the same people: {_names(published)}")
        if first.kind == "size":
            raise ProtectionError(f"{name}: {first}")
        if first.kind == "group" and first.file == name and first.pos:
            table.hide(first.pos)
            disclosing.add(first.pos)
            continue
        if first.kind == "group" or first.pos is None:
            raise ProtectionError(f"{first.file}: {first}")
        owner = next(t for t in group if t.name == first.file)
        support = _push(group, owner, first.pos, me, truth)
        if not support:
            blame = f" next to {_names(published)}" if published else ""
            why = ("; it was hidden because a small row or column has all its people in one "
                   "category: merge categories, or allow it in dataset.yml with "
                   "group_disclosure.reason") if first.file == name and first.pos in disclosing else ""
            raise ProtectionError(f"{first.file}: {first}; hiding numbers of the new table "
                                  f"cannot protect it{blame}{why}")
        for pos in support:
            table.hide(pos)
    raise AssertionError("suppression did not settle")


def _names(tables: Sequence[Linked]) -> str:
    return ", ".join(t.name for t in tables) or "none"


def _push(group: Sequence[Linked], owner: Linked, target: Cell, me: Linked,
          truth: dict[Cell, int]) -> list[Cell]:
    """The cheapest shown numbers of ``me`` to hide so that ``target`` of ``owner`` is protected.

    One linear programme with two copies of the joint table, a high and a low one, both fitting
    every shown number except the candidates, which may move away from their shown value at a cost
    per unit (the people they stand for, plus one). The target must reach what protection asks in
    the high copy and be at least the protection width lower in the low one. The numbers that had
    to move are hidden. Empty when even hiding all of them is not enough.
    """
    joint = _Joint(group)
    mine = len(group) - 1
    candidates = [p for p in me.table.positions()
                  if me.table.shown(p) is not None and p != (TOTAL, TOTAL)]
    if not candidates:
        return []
    rows, values = joint.equations({(mine, p) for p in candidates})
    fixed = joint.matrix(rows)
    moved = joint.matrix([joint.members(me.table.key(p)) for p in candidates])
    one = identity(len(candidates), format="csr")
    a_eq = block_array([[fixed, None, None, None, None, None],
                        [None, fixed, None, None, None, None],
                        [moved, None, -one, one, None, None],
                        [None, moved, None, None, -one, one]], format="csr")
    shown = [float(me.table.shown(p) or 0) for p in candidates]
    objective = np.zeros(joint.size)
    objective[joint.members(owner.table.key(target))] = 1
    slack = np.zeros(4 * len(candidates))
    a_ub = np.array([np.concatenate([-objective, np.zeros(joint.size), slack]),
                     np.concatenate([-objective, objective, slack])])
    b_ub = [-owner.rules.reach, -owner.rules.span]
    weights = np.array([truth[p] + 1.0 for p in candidates])
    cost = np.concatenate([np.zeros(2 * joint.size), weights, weights, weights, weights])
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=values + values + shown + shown,
                     bounds=(0, None), method="highs")
    if result.status != 0:
        return []
    m = len(candidates)
    change = result.x[2 * joint.size:].reshape(4, m).sum(axis=0)
    return [p for p, d in zip(candidates, change) if d > EPS]


# --- Table files ----------------------------------------------------------------------------------

def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.dimensions + [table.measure])
    for pos in table.positions():
        key = list(pos) if table.two_dimensional else [pos[1]]
        value = table.shown(pos)
        writer.writerow(key + [SUPPRESSED if value is None else str(value)])
    return out.getvalue()


def from_csv(text: str, dimensions: list[str], measure: str) -> tuple[Table, dict[Cell, int]]:
    """Read a published table back strictly; returns it and the CSV line of every position.

    Raises :class:`TableErrors` with every format problem: wrong header, repeated or missing
    lines, values that are not whole numbers, totals that disagree with their numbers.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != dimensions + [measure]:
        raise TableErrors([TableError(f"the header must be {','.join(dimensions + [measure])}; "
                                      f"got {','.join(header or [])}", 1)])
    two = len(dimensions) == 2
    errors: list[TableError] = []
    numbers: dict[Cell, int | None] = {}
    lines: dict[Cell, int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(x.strip() for x in record):
            continue
        if len(record) != len(header):
            errors.append(TableError(f"expected {len(header)} values; got {len(record)}", line))
            continue
        key, raw = [x.strip() for x in record[:-1]], record[-1].strip()
        if not all(key):
            errors.append(TableError("a category is empty; write it, or * for a total", line))
            continue
        pos = (key[0], key[1]) if two else (TOTAL if key[0] == TOTAL else ONE_DIMENSION_ROW, key[0])
        if pos in lines:
            errors.append(TableError(f"{','.join(key)} repeats line {lines[pos]}", line,
                                     "Keep one line per combination and delete the other."))
            continue
        if raw != SUPPRESSED and not WHOLE.fullmatch(raw):
            errors.append(TableError(f"{measure} must be a whole number of 0 or more, or "
                                     f"{SUPPRESSED!r}; got {raw!r}", line))
            continue
        numbers[pos] = None if raw == SUPPRESSED else int(raw)
        lines[pos] = line
    table = _assemble(dimensions, measure, numbers)
    errors += _missing(table, numbers, lines) + _disagreements(table, lines)
    if errors:
        raise TableErrors(errors)
    return table, lines


def _assemble(dimensions: list[str], measure: str, numbers: dict[Cell, int | None]) -> Table:
    cells = [p for p in numbers if TOTAL not in p]
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    table = Table(dimensions, measure, rows, cols, {p: numbers[p] for p in cells})
    table.hidden = {p for p in cells if numbers[p] is None}
    if len(dimensions) == 2:
        table.row_totals = {r: numbers.get((r, TOTAL)) for r in rows}
        table.col_totals = {c: numbers.get((TOTAL, c)) for c in cols}
    table.grand_total = numbers.get((TOTAL, TOTAL))
    return table


def _missing(table: Table, numbers: dict[Cell, int | None], lines: dict[Cell, int]) -> list[TableError]:
    errors = []
    for pos in table.positions():
        if pos in numbers:
            continue
        near = min((n for p, n in lines.items() if p[0] == pos[0] and TOTAL not in p), default=None)
        what = table.label(pos) if TOTAL not in pos else \
            f"the total {','.join(pos) if table.two_dimensional else TOTAL}"
        errors.append(TableError(f"no line for {what}", near, "Every combination needs a line, "
                                 f"with 0 where nobody was counted; every row and column a total "
                                 f"line with {TOTAL} (or {SUPPRESSED})."))
    stray = [p for p in numbers if TOTAL in p and p not in set(table.positions())]
    errors += [TableError(f"a total for {'/'.join(x for x in p if x != TOTAL)}, which has no "
                          "numbers", lines[p]) for p in stray]
    return errors


def _disagreements(table: Table, lines: dict[Cell, int]) -> list[TableError]:
    """Shown totals that differ from what their shown numbers add up to."""
    errors = []
    parts = [(t, cells) for t, cells in table.named_lines()]
    if table.two_dimensional:
        parts += [((TOTAL, TOTAL), [(r, TOTAL) for r in table.rows]),
                  ((TOTAL, TOTAL), [(TOTAL, c) for c in table.cols])]
    for total_pos, cells in parts:
        total = table.shown(total_pos)
        shown = [table.shown(c) for c in cells]
        if total is None or any(c not in lines for c in cells):
            continue
        visible = sum(v for v in shown if v is not None)
        if (None not in shown and visible != total) or visible > total:
            adds = "add up to" if None not in shown else "shown already add up to"
            errors.append(TableError(f"{table.label(total_pos)} is {total} but the numbers it "
                                     f"totals {adds} {visible}", lines.get(total_pos),
                                     "Correct the total or the numbers."))
    return errors


def lonely_lines(table: Table) -> list[list[Cell]]:
    """Lines with a shown total and exactly one hidden cell: that cell is the total minus the rest."""
    return [cells for cells, total in table.lines()
            if total is not None and sum(c in table.hidden for c in cells) == 1]


def check(linked: Linked) -> list[TableError]:
    """What makes one table unsafe on its own, before the joint proof: small numbers shown."""
    table, k = linked.table, linked.rules.threshold
    errors = []
    for pos in table.positions():
        value = table.shown(pos)
        if value is None or not 0 < value < k:
            continue
        what = "a total" if TOTAL in pos else table.label(pos)
        errors.append(TableError(
            f"{what} shows {value}: counts from 1 to {k - 1} could single people out"
            + (" and must be hidden too" if TOTAL in pos else ""), linked.lines.get(pos),
            f"Write {SUPPRESSED}, or make the table with `ballata stats aggregate`.",
            linked.name, pos, "small"))
    for cells in lonely_lines(table):
        cell = next(c for c in cells if c in table.hidden)
        errors.append(TableError(
            f"{table.label(cell)} is the only hidden number in its line, so it equals the total "
            "minus the others", linked.lines.get(cell), "Hide a second number in that line, or "
            "make the table with `ballata stats aggregate`.", linked.name, cell, "protection"))
    return errors
