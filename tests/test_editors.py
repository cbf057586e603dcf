"""`ballata report` and the takedown list: what editors must act on."""

from __future__ import annotations

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
