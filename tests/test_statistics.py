"""Statistics: aggregation, suppression that cannot be undone, and the build-time check."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUILD_DATE, REPO
from ballata import statistics
from ballata.statistics import Linked, Rules, Table, count, from_csv, protect, prove, to_csv

K = 10
DATASET = "content/statistics/pekerja-migran"


def records_from(cells: dict[tuple[str, str], int]) -> list[tuple[tuple[str, ...], int]]:
    return [((r, c), n) for (r, c), n in cells.items()]


def published(table: Table) -> Table:
    """What a reader has: the table as written to CSV, read back."""
    return from_csv(to_csv(table), table.dimensions, table.measure)[0]


def aggregated(cells: dict[tuple[str, str], int], rules: Rules = Rules()) -> Table:
    table = count(records_from(cells), ["row", "col"], "people")
    return protect(table, rules, table.grand_total or 0, "t.csv")


def errors_of(table: Table, rules: Rules = Rules()) -> list[str]:
    return [str(e) for e in prove([Linked("t.csv", table, rules, table.grand_total or 0)])]


tables = st.integers(min_value=1, max_value=4).flatmap(lambda rows: st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 80)),
                          min_size=rows * cols, max_size=rows * cols).map(
        lambda values: {(f"r{i // cols}", f"c{i % cols}"): v for i, v in enumerate(values)})))


def one_category_holds_a_small_line(cells: dict[tuple[str, str], int]) -> bool:
    """Some row or column of fewer than 50 people is all in one category: it cannot be shown."""
    for axis in (0, 1):
        lines: dict[str, list[int]] = {}
        for cell, value in cells.items():
            lines.setdefault(cell[axis], []).append(value)
        if any(0 < sum(vs) < statistics.GROUP_SIZE and sum(v > 0 for v in vs) == 1
               for vs in lines.values()):
            return True
    return False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_small_cell_is_published_or_recoverable(cells):
    try:
        table = aggregated(cells)
    except statistics.ProtectionError:
        # Refused only when nothing could be shown safely.
        assert sum(cells.values()) < K or one_category_holds_a_small_line(cells)
        return
    reader = published(table)
    for pos in reader.positions():
        value = reader.shown(pos)
        assert value is None or value == 0 or value >= K
    # Every line with a shown total hides 0 or at least 2 numbers.
    assert statistics.lonely_lines(reader) == []
    # Solve for every hidden number from what the reader sees: each is protected.
    assert errors_of(reader) == []
    for cell, value in cells.items():
        if 0 < value < K:
            assert cell in reader.hidden


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 60)), min_size=1,
                max_size=6).filter(lambda values: sum(values) >= K))
def test_one_dimension(values):
    records = [((f"c{i}",), v) for i, v in enumerate(values)]
    try:
        table = protect(count(records, ["col"], "people"), Rules(), sum(values), "t.csv")
    except statistics.ProtectionError:
        assert one_category_holds_a_small_line({("", f"c{i}"): v for i, v in enumerate(values)})
        return
    reader = from_csv(to_csv(table), ["col"], "people")[0]
    assert errors_of(reader) == []
    assert all(v is None or v == 0 or v >= K for v in reader.values.values())


def test_two_visible_numbers_cannot_hide_a_third():
    # 5 alone in its row is recoverable from the row total: the aggregate hides a second cell.
    table = aggregated({("a", "x"): 5, ("a", "y"): 40, ("b", "x"): 30, ("b", "y"): 20})
    assert len(table.hidden) >= 2 and ("a", "x") in table.hidden
    assert statistics.lonely_lines(table) == []


# --- Protection intervals ---------------------------------------------------------------------------

ISSUE_ROW_B = {("a", "x"): 94, ("a", "y"): 155, ("a", "z"): 10,
               ("b", "x"): 40, ("b", "y"): 1, ("b", "z"): 2,
               ("c", "x"): 30, ("c", "y"): 25, ("c", "z"): 20}


def test_tiny_cells_that_only_hide_each_other_are_refused():
    # The issue's case: b = (40, 1, 2) with the 1 and the 2 hidden (and two cells of row c, so
    # that the column totals do not give them away). Neither can be worked out, but each is
    # between 0 and 3: everyone can read off that both are tiny.
    table = count(records_from(ISSUE_ROW_B), ["row", "col"], "people")
    table.hidden = {("b", "y"), ("b", "z"), ("c", "y"), ("c", "z")}
    errors = errors_of(published(table))
    assert len(errors) == 2
    assert "the hidden number b / y can be narrowed down to between 0 and 3; a hidden number " \
           "must be able to reach 10 and range over at least 10" in errors[0]


def test_aggregate_protects_the_issue_case_with_intervals_of_at_least_k():
    reader = published(aggregated(ISSUE_ROW_B))
    assert errors_of(reader) == []
    joint = statistics._Joint([Linked("t.csv", reader, Rules(), reader.grand_total or 0)])
    for cell in (("b", "y"), ("b", "z")):
        lo, hi = joint.interval(reader.key(cell))
        assert hi >= K and hi - lo >= K


def test_dataset_protection_level_is_applied():
    strict = Rules(upper=30, width=25)
    table = aggregated(ISSUE_ROW_B)
    assert errors_of(published(table)) == []
    assert any("reach 30 and range over at least 25" in e for e in errors_of(published(table), strict))
    stricter = aggregated(ISSUE_ROW_B, strict)
    assert errors_of(published(stricter), strict) == []
    assert len(stricter.hidden) > len(table.hidden)


def test_protection_setting_in_dataset_yml_reaches_the_build(sample, run):
    yml = sample / DATASET / "dataset.yml"
    yml.write_text(yml.read_text() + "protection: {upper: 40, width: 40}\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "reach 40 and range over at least 40" in result.err


def test_small_total_is_refused():
    table = count(records_from({("a", "x"): 0, ("a", "y"): 0, ("b", "x"): 5, ("b", "y"): 30}),
                  ["row", "col"], "people")
    table.hidden = {("b", "x")}
    errors = statistics.check(Linked("t.csv", table, Rules(), 35))
    assert "a total shows 5: counts from 1 to 9 could single people out" in str(errors[0])


# --- Raw records and the aggregate command ----------------------------------------------------------

def test_aggregate_never_copies_record_columns(tmp_path, run):
    raw = tmp_path / "raw.csv"
    raw.write_text("household,village,members,phone\nRT-1,desa-a,12,0812345678\n"
                   "RT-2,desa-a,3,0812000000\nRT-3,desa-b,15,0813111111\n", encoding="utf-8")
    out = tmp_path / "table.csv"
    result = run("stats", "aggregate", str(raw), "--by", "village", "--weight", "members",
                 "--out", str(out), "--root", str(tmp_path))
    assert result.code == 0, result.err
    text = out.read_text()
    assert text.splitlines()[0] == "village,people"
    assert "RT-" not in text and "0812" not in text and "phone" not in text
    assert "desa-a,15" in text and "desa-b,15" in text and "*,30" in text
    assert "population: 30" in (tmp_path / "table.yml").read_text()


@pytest.mark.parametrize("content, words", [
    ("", "the file is empty"),
    ("village;members\ndesa-a;3\n", "separated by ';'"),
    ("village,jumlah\ndesa-a,3\n", "no column 'members'; the columns are: village, jumlah"),
    ("village,members\ndesa-a,tiga\n", ":2: members must be a whole number of 0 or more; got 'tiga'"),
    ("village,members\n,3\n", ":2: the column 'village' is empty"),
    ("village,members\n", "there are no records"),
    ("village,members\ndesa-a,3\n", "the records count only 3, fewer than the threshold (10)"),
])
def test_bad_raw_input_is_a_clear_error(content, words, tmp_path, run):
    raw = tmp_path / "raw.csv"
    raw.write_text(content, encoding="utf-8")
    result = run("stats", "aggregate", str(raw), "--by", "village", "--weight", "members",
                 "--out", str(tmp_path / "t.csv"), "--root", str(tmp_path))
    assert result.code == 1
    assert words in result.err
    assert not (tmp_path / "t.csv").exists()


def test_bom_and_100k_rows_work(tmp_path, run):
    raw = tmp_path / "raw.csv"
    lines = ["village,status,members"] + [f"desa-{i % 7},s{i % 3},{i % 5}" for i in range(100_000)]
    raw.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    result = run("stats", "aggregate", str(raw), "--by", "village,status", "--weight", "members",
                 "--out", str(tmp_path / "t.csv"), "--root", str(tmp_path))
    assert result.code == 0, result.err
    assert "from 100000 records" in result.out


def test_aggregate_follows_the_datasets_settings(sample, tmp_path, run):
    raw = tmp_path / "raw.csv"
    raw.write_text("village,status\n" + "desa-a,x\n" * 30, encoding="utf-8")
    out = sample / DATASET / "table.csv"
    result = run("stats", "aggregate", str(raw), "--by", "status", "--out", str(out),
                 "--root", str(sample))
    assert result.code == 2
    assert "dataset.yml counts by village,status; got --by status" in result.err
    result = run("stats", "aggregate", str(raw), "--by", "village,status", "--threshold", "5",
                 "--out", str(out), "--root", str(sample))
    assert result.code == 2 and "says threshold: 10; got --threshold 5" in result.err


# --- Strict tables -----------------------------------------------------------------------------------

@pytest.mark.parametrize("edit, words", [
    # The issue's case: a line repeated before its suppressed twin.
    (("desa-b,tidak-diketahui,suppressed", "desa-b,tidak-diketahui,1\ndesa-b,tidak-diketahui,suppressed"),
     "table.csv:8: desa-b,tidak-diketahui repeats line 7"),
    (("desa-d,berdokumen,suppressed\n", ""), "table.csv:11: no line for desa-d / berdokumen"),
    (("desa-a,*,259", "desa-a,*,260"), "table.csv:14: desa-a (total) is 260 but the numbers it "
                                       "totals add up to 259"),
    (("*,*,376", "*,*,377"), "table.csv:21: the grand total is 377 but the numbers it totals add up "
                             "to 376"),
    (("desa-a,tidak-berdokumen,155", "desa-a,tidak-berdokumen,155.0"),
     "table.csv:3: people must be a whole number of 0 or more, or 'suppressed'; got '155.0'"),
    (("desa-a,tidak-berdokumen,155", "desa-a,tidak-berdokumen,-155"),
     "table.csv:3: people must be a whole number of 0 or more, or 'suppressed'; got '-155'"),
    (("desa-a,*,259\n", ""), "table.csv:2: no line for the total desa-a,*"),
    (("desa-b,tidak-berdokumen,50", "desa-b,tidak-berdokumen,500"),
     "table.csv:15: desa-b (total) is 74 but the numbers it totals shown already add up to 500"),
    (("*,*,376", "*,*,376\ndesa-x,*,10"), "table.csv:22: a total for desa-x, which has no numbers"),
])
def test_malformed_table_is_refused_naming_the_line(edit, words, sample, run):
    csv = sample / DATASET / "table.csv"
    text = csv.read_text()
    assert edit[0] in text
    csv.write_text(text.replace(*edit))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{DATASET}/{words}" in result.err, result.err


@pytest.mark.parametrize("edit, words", [
    (("desa-b,berdokumen,suppressed", "desa-b,berdokumen,23"),
     "table.csv:7: desa-b / tidak-diketahui is the only hidden number in its line"),
    (("desa-c,tidak-berdokumen,suppressed", "desa-c,tidak-berdokumen,23"),
     "table.csv:12: desa-d / tidak-berdokumen is the only hidden number in its line"),
])
def test_unsafe_hand_edited_table_is_refused_at_build(edit, words, sample, run):
    csv = sample / DATASET / "table.csv"
    text = csv.read_text()
    assert edit[0] in text
    csv.write_text(text.replace(*edit))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{DATASET}/{words}" in result.err, result.err


def test_recoverable_cell_in_a_cycle_free_pattern_is_refused(sample, run):
    # Two blocks of four hidden numbers joined by one more, (a, y): every line hides at least two,
    # yet (a, y) = hidden part of rows a+b minus hidden part of columns w+x = 12.
    csv = sample / DATASET / "table.csv"
    (sample / DATASET / "table.yml").unlink()
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
    assert "table.csv:4: the hidden number a / y can be worked out from the totals and the other " \
           "numbers: it is 12" in result.err
    assert result.err.count("the hidden number") == 1


def test_raw_data_in_content_is_refused(sample, run):
    (sample / DATASET / "mentah.csv").write_text("a,b\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "mentah.csv: only table.csv (aggregated counts) is published" in result.err


def test_population_must_match_the_grand_total(sample, run):
    (sample / DATASET / "table.yml").unlink()
    yml = sample / DATASET / "dataset.yml"
    yml.write_text(yml.read_text() + "population: 380\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{DATASET}/table.csv:21: the grand total is 376 but the population is 380" in result.err


# --- Group disclosure --------------------------------------------------------------------------------

OLD_VILLAGE_D = ("desa-d,berdokumen,suppressed", "desa-d,berdokumen,0")


def test_group_disclosure_is_refused_with_a_tip(sample, run):
    csv = sample / DATASET / "table.csv"
    csv.write_text(csv.read_text().replace(*OLD_VILLAGE_D))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert (f"{DATASET}/table.csv:11: desa-d counts 12 people, none of them in berdokumen: in a "
            "group of fewer than 50, that tells something about every one of them "
            "(group disclosure)") in result.err
    assert "TIP Merge categories, or hide the number" in result.err


def test_group_disclosure_size_is_set_per_dataset(sample, run):
    csv = sample / DATASET / "table.csv"
    csv.write_text(csv.read_text().replace(*OLD_VILLAGE_D))
    yml = sample / DATASET / "dataset.yml"
    yml.write_text(yml.read_text() + "group_disclosure: {size: 12}\n")
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0


def test_one_category_holding_a_whole_row_is_a_group_disclosure():
    table = count(records_from({("a", "x"): 30, ("a", "y"): 0, ("b", "x"): 40, ("b", "y"): 60}),
                  ["row", "col"], "people")
    errors = errors_of(table)
    assert any("a counts 30 people, all of them in x" in e for e in errors)
    assert any("a counts 30 people, none of them in y" in e for e in errors)


def test_group_disclosure_with_a_reason_is_shown_under_the_table(sample, run):
    from ballata.charts import dataset_view
    from ballata.config import load_config
    from ballata.datasets import read_datasets
    from ballata.errors import Problems
    from ballata.strings import STRINGS_FILE, Strings

    csv = sample / DATASET / "table.csv"
    csv.write_text(csv.read_text().replace(*OLD_VILLAGE_D))
    yml = sample / DATASET / "dataset.yml"
    yml.write_text(yml.read_text() + 'group_disclosure:\n  reason:\n    id: "Alasan."\n'
                   '    en: "Nobody in Village D has documents: the village asked us to say so."\n')
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0
    config = load_config(sample)
    problems = Problems()
    dataset = read_datasets(config, problems)["statistics/pekerja-migran"]
    view = dataset_view(dataset, "en", Strings(sample / STRINGS_FILE))
    assert view["disclosure_reason"].startswith("Nobody in Village D has documents")
    template = (REPO / "theme/overrides/partials/ballata-dataset.html").read_text()
    assert "d.disclosure_reason" in template


def test_group_disclosure_reason_needs_every_language(sample, run):
    yml = sample / DATASET / "dataset.yml"
    yml.write_text(yml.read_text() + 'group_disclosure:\n  reason: {en: "Harmless."}\n')
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"{DATASET}/dataset.yml:37: group_disclosure.reason: the reason is missing in id" \
        in result.err


# --- The sample ----------------------------------------------------------------------------------------

def test_sample_table_is_what_aggregate_makes(sample, tmp_path, run):
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample_mapping.py")], cwd=tmp_path,
                   check=True, capture_output=True)
    out = sample / DATASET / "table.csv"
    out.unlink()
    result = run("stats", "aggregate", str(tmp_path / "private" / "mapping-sample.csv"), "--by",
                 "village,status", "--weight", "members", "--out", str(out), "--root", str(sample))
    assert result.code == 0, result.err
    assert out.read_text() == (REPO / DATASET / "table.csv").read_text()
    assert (sample / DATASET / "table.yml").read_text() == (REPO / DATASET / "table.yml").read_text()
    # The headline: one village counts far more people than the regency's official figure.
    assert "desa-a,*,259" in out.read_text() and "value: 50" in (REPO / DATASET / "dataset.yml").read_text()
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0


def test_sample_script_help_writes_nothing(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample_mapping.py"), "--help"],
                          cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "usage:" in done.stdout and "--out" in done.stdout
    assert not (tmp_path / "private").exists()


def test_readme_aggregate_command_uses_the_sample_scripts_file():
    readme = (REPO / "README.md").read_text()
    assert "stats aggregate private/mapping-sample.csv --by village,status --weight members" in readme
    assert "private/mapping-sample.csv" in (REPO / "scripts/make_sample_mapping.py").read_text()


def test_a_small_row_all_in_one_category_is_refused_with_the_reason(tmp_path, run):
    raw = tmp_path / "raw.csv"
    # Everybody counted is undocumented: no table of these records can hide that.
    raw.write_text("village,status\n" + "desa-a,undocumented\n" * 20 + "desa-b,undocumented\n" * 10,
                   encoding="utf-8")
    result = run("stats", "aggregate", str(raw), "--by", "status", "--out",
                 str(tmp_path / "t.csv"), "--root", str(tmp_path))
    assert result.code == 1
    assert "a small row or column has all its people in one category: merge categories" in result.err
    assert not (tmp_path / "t.csv").exists()


def test_too_many_linked_categories_are_refused_not_attempted(monkeypatch):
    monkeypatch.setattr(statistics, "MAX_JOINT", 4)
    table = count(records_from(ISSUE_ROW_B), ["row", "col"], "people")
    table.hidden = {("b", "y"), ("b", "z"), ("c", "y"), ("c", "z")}
    assert "at most 4 can be proven" in errors_of(table)[0]
