"""`ballata report` and the takedown list: what editors must act on."""

from __future__ import annotations

import json

from conftest import BUILD_DATE


def test_report_on_the_sample(sample, run):
    result = run("report", "--json", "--root", str(sample), "--date", BUILD_DATE, "--days", "1000")
    assert result.code == 0
    report = result.json()
    assert report["expiring"] == [{"story": "mimpi-nurul", "expires": "2028-07-19"},
                                  {"story": "paspor-ditahan", "expires": "2029-06-14"}]
    assert report["expired"] == [{"story": "kontrak-lama", "expires": "2026-01-15"}]
    assert report["pending"] == ["anak-di-kampung"]
    assert report["not_approved"] == [{"story": "hujan-di-keningau", "language": "en"},
                                      {"story": "sekolah-di-ladang", "language": "en"}]
    assert report["missing_translations"] == [] and report["stale_translations"] == []


def test_default_window_is_sixty_days(sample, run):
    result = run("report", "--json", "--root", str(sample), "--date", "2029-05-01")
    assert [e["story"] for e in result.json()["expiring"]] == ["paspor-ditahan"]


def test_stale_and_missing_translations(sample, run):
    source = sample / "content" / "about" / "index.id.md"
    source.write_text(source.read_text() + "\nParagraf baru.\n")
    (sample / "content" / "guides" / "mengurus-paspor" / "index.en.md").unlink()
    report = run("report", "--json", "--root", str(sample), "--date", BUILD_DATE).json()
    assert report["stale_translations"] == [{"translation": "content/about/index.en.md",
                                             "source": "content/about/index.id.md"}]
    assert report["missing_translations"] == [{"source": "content/guides/mengurus-paspor",
                                               "language": "en"}]
    text = run("report", "--root", str(sample), "--date", BUILD_DATE).out
    assert "content/about/index.en.md (source content/about/index.id.md changed)" in text


def test_takedown_lists_what_a_withdrawal_removed(sample, run):
    assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
    assert "First build recorded" in (sample / "build" / "takedown.md").read_text()
    manifest = (sample / "build" / "manifest.json").read_text()
    assert "https://ballata.example.org/en/stories/malam-di-barak/" in manifest
    yml = sample / "stories" / "malam-di-barak" / "story.yml"
    yml.write_text(yml.read_text().replace("status: given", "status: withdrawn"))
    assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
    takedown = (sample / "build" / "takedown.md").read_text()
    assert "- https://ballata.example.org/stories/malam-di-barak/ (gone since the build of 2026-11-26)" \
        in takedown
    assert "- https://ballata.example.org/en/stories/malam-di-barak/" in takedown
    assert "- https://ballata.example.org/stories/jalan-pulang/" not in takedown
    # A second build does not lose the list; publishing the story again takes it off.
    assert run("build", "--no-pdf", "--root", str(sample), "--date", "2026-11-27").code == 0
    assert "malam-di-barak/ (gone since the build of 2026-11-26)" in \
        (sample / "build" / "takedown.md").read_text()
    yml.write_text(yml.read_text().replace("status: withdrawn", "status: given"))
    assert run("build", "--no-pdf", "--root", str(sample), "--date", "2026-11-28").code == 0
    assert "malam-di-barak" not in (sample / "build" / "takedown.md").read_text()
    assert not (sample / "site" / "takedown.md").exists() and not (sample / "site" / "manifest.json").exists()


# --- The trial of issue 13, step by step, as a new volunteer editor does it -------------------

from pathlib import Path  # noqa: E402

from PIL import Image  # noqa: E402

SLUG = "barak-baru"
"""A fictional story added by the trial."""


def _stories(result) -> dict:
    return {s["id"]: s for s in result.json()["stories"]}


def add_print_only_story(sample: Path, run) -> Path:
    """`new story`, a photo with its caption shown in the text, consent for print only, approval."""
    assert run("new", "story", SLUG, "--root", str(sample)).code == 0
    folder = sample / "stories" / SLUG
    yml = folder / "story.yml"
    text = yml.read_text()
    text = text.replace('"Judul cerita"', '"Barak Baru"').replace('"Ibu ..."', '"Ibu Wati"')
    text = text.replace("media: []\n", 'media:\n  - file: barak.jpg\n'
                        '    alt: {id: "Deretan barak kayu", en: "A row of wooden barracks"}\n'
                        '    caption: {id: "Barak di tepi kebun.", en: "Barracks by the estate."}\n'
                        '    shows_faces: false\n')
    yml.write_text(text)
    Image.new("RGB", (64, 48), "olive").save(folder / "barak.jpg")
    (folder / "index.id.md").write_text("Malam pertama di barak baru terasa panjang.\n\n"
                                        "![Barak](barak.jpg)\n\nPagi datang dengan hujan.\n")
    result = run("consent", "set", SLUG, "--status", "given", "--channels", "print", "--method",
                 "written", "--recorded-by", "Tim lapangan", "--date", "2026-11-20",
                 "--root", str(sample))
    assert result.code == 0, result.err
    assert run("consent", "approve", SLUG, "id", "--root", str(sample)).code == 0
    return folder


def test_trial_print_only_story_with_its_own_photo_is_published_in_print(sample, run):
    add_print_only_story(sample, run)
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    story = _stories(result)[SLUG]
    assert story["published"] == {"web": [], "print": ["id"]}
    assert story["errors"] == []
    assert "not a published page" not in result.err
    result = run("build", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    report = json.loads((sample / "build" / "report.json").read_text())
    assert {s["id"]: s for s in report["stories"]}[SLUG]["published"]["print"] == ["id"]
    assert not (sample / "site" / "stories" / SLUG).exists()


def test_trial_fixing_a_typo_is_loud_and_strict_publishes_nothing(sample, run):
    folder = add_print_only_story(sample, run)
    assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
    text = folder / "index.id.md"
    text.write_text(text.read_text().replace("terasa panjang", "terasa sangat panjang"))

    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    block = result.err[result.err.index("are NOT published because something changed"):]
    assert f"- {SLUG} (id): the text changed" in block
    assert f"ballata consent approve {SLUG} id" in block

    home = sample / "site" / "index.html"
    before = home.stat().st_mtime_ns
    result = run("build", "--no-pdf", "--strict", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ballata consent approve {SLUG} id" in result.err
    assert "Nothing was published" in result.err
    assert home.stat().st_mtime_ns == before
    assert run("check", "--strict", "--root", str(sample), "--date", BUILD_DATE).code == 1

    assert run("consent", "approve", SLUG, "id", "--root", str(sample)).code == 0
    assert run("consent", "approve", "hujan-di-keningau", "en", "--root", str(sample)).code == 0
    result = run("build", "--no-pdf", "--strict", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert "NOT published" not in result.err
    report = json.loads((sample / "build" / "report.json").read_text())
    assert {s["id"]: s for s in report["stories"]}[SLUG]["published"]["print"] == ["id"]
    assert report["approve_again"] == []


def test_trial_a_draft_translation_does_not_block_the_original(sample, run):
    folder = add_print_only_story(sample, run)
    (folder / "index.en.md").write_text("The first night in the new barracks felt long.\n")
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    story = _stories(result)[SLUG]
    assert story["published"]["print"] == ["id"]
    assert {(e["channel"], e["language"], e["reason"]) for e in story["excluded"]} >= {
        ("print", "en", "not ready: no title for en")}
    assert result.json()["errors"] == []
    table = run("check", "--root", str(sample), "--date", BUILD_DATE).out
    assert "not ready: no title for en (print en)" in table
    report = run("report", "--json", "--root", str(sample), "--date", BUILD_DATE).json()
    assert {"story": SLUG, "language": "en", "missing": "no title"} in report["not_ready"]


def test_trial_a_title_changed_after_approval_withdraws_that_version(sample, run):
    folder = add_print_only_story(sample, run)
    yml = folder / "story.yml"
    yml.write_text(yml.read_text().replace('"Barak Baru"', '"Barak di Sabah"'))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0
    assert f"{SLUG}" in result.out and "changed since approval (print id)" in result.out
    assert f"- {SLUG} (id): the title, byline or captions changed" in result.err
    # A caption counts too; approving again publishes it.
    assert run("consent", "approve", SLUG, "id", "--root", str(sample)).code == 0
    yml.write_text(yml.read_text().replace("Barak di tepi kebun.", "Barak di tepi hutan."))
    story = _stories(run("check", "--json", "--root", str(sample), "--date", BUILD_DATE))[SLUG]
    assert story["published"]["print"] == []
    assert run("consent", "approve", SLUG, "id", "--root", str(sample)).code == 0
    story = _stories(run("check", "--json", "--root", str(sample), "--date", BUILD_DATE))[SLUG]
    assert story["published"]["print"] == ["id"]


def test_trial_withdrawal_takes_down_pages_and_pictures_and_is_in_the_history(sample, run):
    folder = add_print_only_story(sample, run)
    result = run("consent", "set", SLUG, "--channels", "web,print", "--recorded-by", "Tim lapangan",
                 "--date", "2026-11-21", "--root", str(sample))
    assert result.code == 0, result.err
    assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
    pictures = [p for p in (sample / "site").rglob("barak*") if p.is_file()]
    assert pictures
    result = run("consent", "withdraw", SLUG, "--recorded-by", "Tim lapangan",
                 "--date", "2026-11-25", "--root", str(sample))
    assert result.code == 0, result.err
    yml = (folder / "story.yml").read_text()
    assert "# Story metadata and consent." in yml
    assert ('- {date: 2026-11-25, change: "status: given → withdrawn", recorded_by: Tim lapangan}'
            in yml)
    assert run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE).code == 0
    assert not [p for p in (sample / "site").rglob("*") if p.name.startswith("barak")]
    takedown = (sample / "build" / "takedown.md").read_text()
    assert f"- https://ballata.example.org/stories/{SLUG}/ (gone since" in takedown
    for picture in pictures:
        address = picture.relative_to(sample / "site").as_posix()
        assert f"- https://ballata.example.org/{address} (gone since" in takedown
    result = run("report", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert (f"{SLUG}: 2026-11-20 status: pending → given; channels: none → print; method: none → "
            "written (recorded by Tim lapangan); 2026-11-21 channels: print → web, print (recorded "
            "by Tim lapangan); 2026-11-25 status: given → withdrawn (recorded by Tim lapangan)"
            in result.out)


def test_withdraw_names_the_pages_that_link_to_her_story(sample, run):
    result = run("consent", "withdraw", "paspor-ditahan", "--date", "2026-11-25",
                 "--root", str(sample))
    assert result.code == 0, result.err
    assert "content/guides/mengurus-paspor/index.id.md:30" in result.err
    assert "content/guides/mengurus-paspor/index.en.md:30" in result.err


def test_report_lists_stories_with_errors_and_exits_1(sample, run):
    yml = sample / "stories" / "gaji-tertunda" / "story.yml"
    yml.write_text(yml.read_text().replace("status: given", "status: ya"))
    result = run("report", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "Stories with errors" in result.out
    assert "gaji-tertunda: stories/gaji-tertunda/story.yml:" in result.out
    assert run("report", "--json", "--root", str(sample), "--date", BUILD_DATE).json()["errors"][0][
        "story"] == "gaji-tertunda"
