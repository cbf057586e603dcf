"""Statistics: aggregation, suppression that cannot be undone, and the build-time check."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUILD_DATE, REPO
from ballata import statistics
from ballata.statistics import Table, count, exposed, from_csv, suppress, to_csv

K = 10


def records_from(cells: dict[tuple[str, str], int]) -> list[tuple[tuple[str, ...], int]]:
    return [((r, c), n) for (r, c), n in cells.items()]


tables = st.integers(min_value=1, max_value=5).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 80)),
                          min_size=rows * cols, max_size=rows * cols).map(
        lambda values: {(f"r{i // cols}", f"c{i % cols}"): v for i, v in enumerate(values)})))


def published(table: Table) -> Table:
    """What a reader has: the table as written to CSV, read back."""
    return from_csv(to_csv(table), table.dimensions, table.measure)[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_small_cell_is_published_or_recoverable(cells):
    table = suppress(count(records_from(cells), ["row", "col"], "people"), K)
    reader = published(table)
    for value in reader.values.values():
        assert value is None or value == 0 or value >= K
    for total in [*reader.row_totals.values(), *reader.col_totals.values(), reader.grand_total]:
        assert total is None or total == 0 or total >= K
    # Every line with a shown total hides 0 or at least 2 numbers.
    for line, total in reader.lines():
        if total is not None:
            assert sum(c in reader.hidden for c in line) != 1
    # Try to solve for every hidden number from what the reader sees.
    assert exposed(reader, K) == []
    # And the true small values really are among the hidden ones.
    for cell, value in cells.items():
        if 0 < value < K:
            assert cell in reader.hidden


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 60)), min_size=1,
                max_size=8))
def test_one_dimension(values):
    records = [((f"c{i}",), v) for i, v in enumerate(values)]
    table = suppress(count(records, ["col"], "people"), K)
    reader = from_csv(to_csv(table), ["col"], "people")[0]
    assert exposed(reader, K) == []
    assert all(v is None or v == 0 or v >= K for v in reader.values.values())


def test_two_visible_numbers_cannot_hide_a_third():
    # 5 alone in its row is recoverable from the row total: the aggregate hides a second cell.
    table = suppress(count(records_from({("a", "x"): 5, ("a", "y"): 40, ("b", "x"): 30,
                                         ("b", "y"): 20}), ["row", "col"], "people"), K)
    assert len(table.hidden) >= 2 and ("a", "x") in table.hidden
    assert statistics.lonely_lines(table) == []


def test_aggregate_never_copies_record_columns(tmp_path, run):
    raw = tmp_path / "raw.csv"
    raw.write_text("household,village,members,phone\nRT-1,desa-a,12,0812345678\n"
                   "RT-2,desa-a,3,0812000000\nRT-3,desa-b,15,0813111111\n", encoding="utf-8")
    out = tmp_path / "table.csv"
    result = run("stats", "aggregate", str(raw), "--by", "village", "--weight", "members",
                 "--out", str(out))
    assert result.code == 0, result.err
    text = out.read_text()
    assert text.splitlines()[0] == "village,people"
    assert "RT-" not in text and "0812" not in text and "phone" not in text
    assert "desa-a,15" in text and "desa-b,15" in text and "*,30" in text


@pytest.mark.parametrize("content, words", [
    ("", "the file is empty"),
    ("village;members\ndesa-a;3\n", "separated by ';'"),
    ("village,jumlah\ndesa-a,3\n", "no column 'members'; the columns are: village, jumlah"),
    ("village,members\ndesa-a,tiga\n", ":2: members must be a whole number of 0 or more; got 'tiga'"),
    ("village,members\n,3\n", ":2: the column 'village' is empty"),
    ("village,members\n", "there are no records"),
])
def test_bad_raw_input_is_a_clear_error(content, words, tmp_path, run):
    raw = tmp_path / "raw.csv"
    raw.write_text(content, encoding="utf-8")
    result = run("stats", "aggregate", str(raw), "--by", "village", "--weight", "members",
                 "--out", str(tmp_path / "t.csv"))
    assert result.code == 1
    assert words in result.err
    assert not (tmp_path / "t.csv").exists()


def test_bom_and_100k_rows_work(tmp_path, run):
    raw = tmp_path / "raw.csv"
    lines = ["village,status,members"] + [f"desa-{i % 7},s{i % 3},{i % 5}" for i in range(100_000)]
    raw.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    result = run("stats", "aggregate", str(raw), "--by", "village,status", "--weight", "members",
                 "--out", str(tmp_path / "t.csv"))
    assert result.code == 0, result.err
    assert "from 100000 records" in result.out


@pytest.mark.parametrize("edit, words", [
    (("desa-b,berdokumen,suppressed", "desa-b,berdokumen,7"),
     "desa-b / berdokumen shows 7: counts from 1 to 9 could single people out"),
    (("desa-b,tidak-diketahui,suppressed", "desa-b,tidak-diketahui,17"),
     "is the only hidden number in its line"),
    (("desa-a,*,259", "desa-a,*,9"), "a total shows 9"),
])
def test_unsafe_hand_edited_table_is_refused_at_build(edit, words, sample, run):
    csv = sample / "content" / "statistics" / "pekerja-migran" / "table.csv"
    text = csv.read_text()
    assert edit[0] in text
    csv.write_text(text.replace(*edit))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "content/statistics/pekerja-migran/table.csv" in result.err and words in result.err


def test_recoverable_cell_in_a_cycle_free_pattern_is_refused(sample, run):
    # Two blocks of four hidden numbers joined by one more, (a, y): every line hides at least two,
    # yet (a, y) = hidden part of rows a+b minus hidden part of columns w+x = 12.
    csv = sample / "content" / "statistics" / "pekerja-migran" / "table.csv"
    values = {"a": [3, 15, 12, 20], "b": [14, 16, 20, 20], "c": [20, 20, 5, 13], "d": [20, 20, 11, 4]}
    hidden = {("a", "w"), ("a", "x"), ("b", "w"), ("b", "x"), ("c", "y"), ("c", "z"), ("d", "y"),
              ("d", "z"), ("a", "y")}
    cols = ["w", "x", "y", "z"]
    rows = ["village,status,people"]
    rows += [f"{r},{c},{'suppressed' if (r, c) in hidden else v}"
             for r, vs in values.items() for c, v in zip(cols, vs)]
    rows += [f"{r},*,{sum(vs)}" for r, vs in values.items()]
    rows += [f"*,{c},{sum(vs[i] for vs in values.values())}" for i, c in enumerate(cols)]
    rows += [f"*,*,{sum(map(sum, values.values()))}"]
    csv.write_text("\n".join(rows) + "\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "table.csv:4: the hidden number a / y can be worked out from the totals" in result.err
    assert result.err.count("can be worked out") == 1


def test_raw_data_in_content_is_refused(sample, run):
    (sample / "content" / "statistics" / "pekerja-migran" / "mentah.csv").write_text("a,b\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "mentah.csv: only table.csv (aggregated counts) is published" in result.err


def test_sample_table_is_what_aggregate_makes(tmp_path, run):
    import subprocess
    import sys

    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample_mapping.py")], cwd=tmp_path,
                   check=True, capture_output=True)
    out = tmp_path / "table.csv"
    assert run("stats", "aggregate", str(tmp_path / "private" / "mapping-sample.csv"), "--by",
               "village,status", "--weight", "members", "--out", str(out)).code == 0
    assert out.read_text() == (REPO / "content/statistics/pekerja-migran/table.csv").read_text()
