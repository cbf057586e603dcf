"""Linked tables: tables counted from the same people are proven together, as a reader combines them."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from conftest import BUILD_DATE, REPO
from ballata import datasets, statistics
from ballata.config import load_config
from ballata.errors import Problems

K = 10

# Two tables from one raw file: village x status and village x passport. Table A hides the village
# totals of a and b; on its own, b / s1 (3) can be anything from 0 to 23. Table B shows those
# village totals, so b / s1 = 43 - 40 = 3.
TABLE_A = """village,status,people
a,s1,suppressed
a,s2,30
b,s1,suppressed
b,s2,40
c,s1,15
c,s2,25
a,*,suppressed
b,*,suppressed
c,*,40
*,s1,38
*,s2,95
*,*,133
"""
TABLE_B = """village,passport,people
a,no,25
a,yes,25
b,no,30
b,yes,13
c,no,20
c,yes,20
a,*,50
b,*,43
c,*,40
*,no,75
*,yes,58
*,*,133
"""
RAW_B = "village,passport\n" + "".join(
    f"{v},{p}\n" * n for v, p, n in [("a", "no", 25), ("a", "yes", 25), ("b", "no", 30),
                                     ("b", "yes", 13), ("c", "no", 20), ("c", "yes", 20)])


def dataset_yml(columns: list[str], extra: str = "") -> str:
    dims = "".join(f'  - column: {c}\n    label: {{id: "{c}", en: "{c}"}}\n' for c in columns)
    return ('title: {id: "Tabel", en: "Table"}\nsource: {id: "Contoh", en: "Sample"}\n'
            f'collected: "2025-08"\ndimensions:\n{dims}measure:\n  column: people\n'
            f'  label: {{id: "Jumlah orang", en: "People"}}\n{extra}')


def add_dataset(root: Path, name: str, columns: list[str], table: str | None = None) -> Path:
    folder = root / "content" / "statistics" / name
    folder.mkdir(parents=True)
    (folder / "dataset.yml").write_text(dataset_yml(columns), encoding="utf-8")
    if table is not None:
        (folder / "table.csv").write_text(table, encoding="utf-8")
    return folder


def test_each_table_passes_alone_but_not_together(sample, run):
    add_dataset(sample, "a", ["village", "status"], TABLE_A)
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0
    folder_b = add_dataset(sample, "b", ["village", "passport"], TABLE_B)
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert ("content/statistics/a/table.csv:4: the hidden number b / s1 can be worked out from the "
            "totals and the other numbers together with content/statistics/b/table.csv (counted "
            "from the same people): it is 3") in result.err
    shutil.rmtree(sample / "content" / "statistics" / "a")
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0
    assert (folder_b / "table.csv").exists()


def test_aggregating_next_to_a_published_table_suppresses_jointly(sample, tmp_path, run):
    add_dataset(sample, "a", ["village", "status"], TABLE_A)
    folder = add_dataset(sample, "b", ["village", "passport"])
    raw = tmp_path / "raw.csv"
    raw.write_text(RAW_B, encoding="utf-8")
    result = run("stats", "aggregate", str(raw), "--by", "village,passport",
                 "--out", str(folder / "table.csv"), "--root", str(sample))
    assert result.code == 0, result.err
    assert "Proven together with content/statistics/a/table.csv (same records)." in result.out
    written = (folder / "table.csv").read_text()
    assert "b,*,43" not in written  # it would give b / s1 of table A away
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0
    assert_protected([sample / "content/statistics/a/table.csv", folder / "table.csv"], 133)


def test_aggregating_records_that_disagree_with_a_linked_table_is_refused(sample, tmp_path, run):
    add_dataset(sample, "a", ["village", "status"], TABLE_A)
    folder = add_dataset(sample, "b", ["village", "passport"])
    raw = tmp_path / "raw.csv"
    raw.write_text(RAW_B.replace("c,no\n", "a,no\n", 1), encoding="utf-8")  # c counts 39, a 51
    result = run("stats", "aggregate", str(raw), "--by", "village,passport",
                 "--out", str(folder / "table.csv"), "--root", str(sample))
    assert result.code == 1
    assert ("content/statistics/b/table.csv: these records do not agree with the tables counted "
            "from the same people: content/statistics/a/table.csv") in result.err
    assert not (folder / "table.csv").exists()


def test_the_build_refuses_linked_tables_that_disagree(sample, run):
    add_dataset(sample, "a", ["village", "status"], TABLE_A)
    add_dataset(sample, "b", ["village", "passport"], TABLE_B.replace("c,no,20", "c,no,19")
                .replace("a,no,25", "a,no,26").replace("a,*,50", "a,*,51").replace("c,*,40", "c,*,39"))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert ("content/statistics/a/table.csv, content/statistics/b/table.csv count the same 133 "
            "people (same population or raw file) but their numbers disagree") in result.err


def test_tables_from_one_raw_file_are_linked_by_its_fingerprint(sample, tmp_path, run):
    raw = tmp_path / "raw.csv"
    raw.write_text("village,status,passport\n" + "".join(
        f"v{i % 3},s{i % 2},p{i % 5 == 0}\n" for i in range(90)), encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text(raw.read_text().replace("v0,", "v1,", 1), encoding="utf-8")
    made = {}
    for name, source, by in [("a", raw, "village,status"), ("b", raw, "village,passport"),
                             ("c", other, "village,status")]:
        folder = add_dataset(sample, name, by.split(","))
        result = run("stats", "aggregate", str(source), "--by", by, "--out",
                     str(folder / "table.csv"), "--root", str(sample))
        assert result.code == 0, result.err
        made[name] = result.out
    assert "Proven together with content/statistics/a/table.csv" in made["b"]
    # Same population, another raw file: other records, not linked.
    assert "Proven together" not in made["c"]
    yml = {n: (sample / f"content/statistics/{n}/table.yml").read_text() for n in "abc"}
    assert yml["a"] == yml["b"] != yml["c"]
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0


# --- An attacker's proof, written independently of ballata.statistics -------------------------------

def assert_protected(files: list[Path], population: int) -> float:
    """Every hidden number of these linked tables is protected; returns the largest interval time."""
    import time

    published = []
    for path in files:
        rows = [line.split(",") for line in path.read_text().splitlines()]
        dims = rows[0][:-1]
        published.append([(dict((d, v) for d, v in zip(dims, r[:-1]) if v != "*"), r[-1])
                          for r in rows[1:]])
    cats: dict[str, set[str]] = {}
    for table in published:
        for key, _ in table:
            for d, v in key.items():
                cats.setdefault(d, set()).add(v)
    dims = sorted(cats)
    joint = list(itertools.product(*(sorted(cats[d]) for d in dims)))

    def row(key: dict[str, str]) -> np.ndarray:
        return np.array([all(cell[dims.index(d)] == v for d, v in key.items()) for cell in joint],
                        dtype=float)

    a_eq = [np.ones(len(joint))] + [row(k) for t in published for k, v in t if v != "suppressed"]
    b_eq = [population] + [int(v) for t in published for _, v in t if v != "suppressed"]
    slowest = 0.0
    for table in published:
        for key, value in table:
            if value != "suppressed":
                continue
            started = time.perf_counter()
            c = row(key)
            lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            slowest = max(slowest, time.perf_counter() - started)
            assert lo.status == 0 and hi.status == 0
            low, high = lo.fun, -hi.fun
            assert high - low >= 0.5, (key, low, high)
            assert low >= K - 1e-6 or (high >= K - 1e-6 and high - low >= K - 1e-6), (key, low, high)
    return slowest


COLUMNS = {"village": ["v0", "v1", "v2", "v3"], "status": ["s0", "s1", "s2"],
           "passport": ["yes", "no"], "work": ["w0", "w1", "w2"]}
SHAPES = [["village", "status"], ["village", "passport"], ["status", "passport"], ["village"],
          ["passport", "work"], ["village", "work"]]

records = st.lists(st.tuples(*(st.sampled_from(v) for v in COLUMNS.values()),
                             st.integers(1, 15)), min_size=3, max_size=25).filter(
    lambda rs: sum(r[-1] for r in rs) >= K)


def small_line_in_one_category(cells: dict[tuple[str, ...], int]) -> bool:
    """A row or column (or a 1-D table) of fewer than 50 people all in one category."""
    width = len(next(iter(cells)))
    for axis in range(width):
        lines: dict[tuple[str, ...], list[int]] = {}
        for key, n in cells.items():
            lines.setdefault(key[:axis] + key[axis + 1:], []).append(n)
        if any(0 < sum(ns) < statistics.GROUP_SIZE and sum(n > 0 for n in ns) == 1
               for ns in lines.values()):
            return True
    return False


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(records, st.lists(st.sampled_from(range(len(SHAPES))), min_size=2, max_size=3, unique=True))
def test_linked_pairs_and_triples_keep_every_hidden_number_protected(rows, shapes):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(REPO / "ballata.yml", root / "ballata.yml")
        raw = root / "raw.csv"
        raw.write_text("village,status,passport,work,members\n" + "".join(
            ",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
        made = []
        for i in shapes:
            by = SHAPES[i]
            folder = add_dataset(root, "-".join(by), by)
            try:
                datasets.aggregate(raw, by, folder / "table.csv", root, weight="members")
            except statistics.ProtectionError:
                cells: dict[tuple[str, ...], int] = {}
                for r in rows:
                    key = tuple(r[list(COLUMNS).index(c)] for c in by)
                    cells[key] = cells.get(key, 0) + r[-1]
                full = {k: cells.get(k, 0) for k in itertools.product(
                    *(sorted({key[j] for key in cells}) for j in range(len(by))))}
                assert small_line_in_one_category(full)
                shutil.rmtree(folder)
                continue
            made.append(folder / "table.csv")
        population = sum(r[-1] for r in rows)
        if made:
            assert_protected(made, population)
        problems = Problems()
        found = datasets.read_datasets(load_config(root), problems)
        assert problems.errors == [] and len(found) == len(made)


@pytest.mark.parametrize("shapes", [[0, 1, 2]])
def test_a_triple_from_the_sample_records(shapes, tmp_path):
    """The sample's records with a made-up passport column: three linked tables, timed."""
    import subprocess
    import sys
    import time

    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample_mapping.py"), "--out",
                    str(tmp_path / "raw.csv")], check=True, capture_output=True)
    lines = (tmp_path / "raw.csv").read_text().splitlines()
    (tmp_path / "raw.csv").write_text("\n".join(
        [lines[0] + ",passport"] + [f"{line},{'yes' if i % 3 else 'no'}"
                                    for i, line in enumerate(lines[1:])]) + "\n")
    shutil.copy(REPO / "ballata.yml", tmp_path / "ballata.yml")
    started = time.perf_counter()
    made = []
    for i in shapes:
        by = SHAPES[i]
        folder = add_dataset(tmp_path, "-".join(by), by)
        datasets.aggregate(tmp_path / "raw.csv", by, folder / "table.csv", tmp_path,
                           weight="members")
        made.append(folder / "table.csv")
    assert time.perf_counter() - started < 30
    assert_protected(made, 376)
