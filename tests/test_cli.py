"""Commands on the real sample: check's report, approvals, scaffolding, build dates."""

from __future__ import annotations

import json
import re

import pytest

from conftest import BUILD_DATE
from ballata.build import resolve_build_date

# What each sample story's consent says (stories/*/story.yml), read by a person, not by the code.
EXPECTED = {
    "paspor-ditahan": ({"id", "en"}, {"id", "en"}, set()),
    "gaji-tertunda": ({"id", "en"}, set(), {"no consent for print"}),
    "surat-dari-tawau": (set(), {"id", "en"}, {"no consent for web"}),
    "pulang-tanpa-dokumen": (set(), set(), {"withdrawn"}),
    "anak-di-kampung": (set(), set(), {"pending"}),
    "kontrak-lama": (set(), set(), {"expired"}),
    "sekolah-di-ladang": ({"id"}, {"id"}, {"not approved"}),
    "hujan-di-keningau": ({"id"}, {"id"}, {"changed since approval"}),
    "malam-di-barak": ({"id", "en"}, {"id", "en"}, set()),
    "mimpi-nurul": ({"id", "en"}, {"id", "en"}, set()),
    "jalan-pulang": ({"id", "en"}, {"id", "en"}, set()),
}


def test_check_json_matches_the_sample_consent(sample, run):
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    report = result.json()
    assert report["errors"] == []
    stories = {s["id"]: s for s in report["stories"]}
    assert set(stories) == set(EXPECTED)
    for slug, (web, print_, reasons) in EXPECTED.items():
        story = stories[slug]
        assert set(story["published"]["web"]) == web, slug
        assert set(story["published"]["print"]) == print_, slug
        assert {e["reason"] for e in story["excluded"]} == reasons, slug


def test_check_writes_report_outside_site(sample, run):
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0
    report = json.loads((sample / "build" / "report.json").read_text())
    assert {"stories", "errors", "warnings"} <= set(report)
    assert not (sample / "site").exists()
    assert "withdrawn (web id en; print id en)" in result.out


def test_the_expired_story_was_published_before_it_expired(sample, run):
    result = run("check", "--json", "--root", str(sample), "--date", "2025-12-31")
    stories = {s["id"]: s for s in result.json()["stories"]}
    assert stories["kontrak-lama"]["published"]["web"] == ["id", "en"]


def test_edit_after_approval_withdraws_that_version_until_approved_again(sample, run):
    text = sample / "stories" / "jalan-pulang" / "index.en.md"
    text.write_text(text.read_text() + "\nAn editor's new sentence.\n")
    stories = {s["id"]: s for s in run("check", "--json", "--root", str(sample), "--date",
                                        BUILD_DATE).json()["stories"]}
    assert stories["jalan-pulang"]["published"]["web"] == ["id"]
    assert run("consent", "approve", "jalan-pulang", "en", "--root", str(sample)).code == 0
    stories = {s["id"]: s for s in run("check", "--json", "--root", str(sample), "--date",
                                        BUILD_DATE).json()["stories"]}
    assert stories["jalan-pulang"]["published"]["web"] == ["id", "en"]


def test_approve_keeps_comments_and_other_fields(sample, run):
    yml = sample / "stories" / "sekolah-di-ladang" / "story.yml"
    before = yml.read_text()
    assert run("consent", "approve", "sekolah-di-ladang", "en", "--root", str(sample)).code == 0
    after = yml.read_text()
    assert after.startswith("# FICTIONAL SAMPLE")
    assert 'title: {id: "Sekolah di Ladang", en: "A School on the Estate"}' in after
    # her approval of the id text is there with its words: approved.en and approved_meta.en follow
    assert len(after.splitlines()) == len(before.splitlines()) + 2
    assert re.search(r"  approved:\n    id: sha256:[0-9a-f]{64}\n    en: sha256:[0-9a-f]{64}\n"
                     r"  approved_meta:\n    id: sha256:[0-9a-f]{64}\n    en: sha256:[0-9a-f]{64}\n", after)


@pytest.mark.parametrize("slug", ["anak-di-kampung", "pulang-tanpa-dokumen"])
def test_approve_refuses_without_given_consent(slug, sample, run):
    yml = sample / "stories" / slug / "story.yml"
    before = yml.read_bytes()
    result = run("consent", "approve", slug, "id", "--root", str(sample))
    assert result.code == 1
    assert "consent.status is not 'given'" in result.err
    assert yml.read_bytes() == before


@pytest.mark.parametrize("argv, words", [
    (("consent", "approve", "tidak-ada", "id"), "there is no story 'tidak-ada'"),
    (("consent", "approve", "jalan-pulang", "fr"), "'fr' is not a configured language"),
    (("new", "story", "Cerita Baru"), "'Cerita Baru' cannot be a web address"),
    (("new", "story", "jalan-pulang"), "stories/jalan-pulang already exists"),
    (("check", "--date", "26-11-2026"), "--date expects a date like 2025-06-14"),
])
def test_usage_errors_exit_2(argv, words, sample, run):
    result = run(*argv, "--root", str(sample))
    assert result.code == 2
    assert words in result.err


def test_new_story_is_valid_and_unpublished(sample, run):
    assert run("new", "story", "cerita-baru", "--root", str(sample)).code == 0
    assert (sample / "stories" / "cerita-baru" / "index.id.md").is_file()
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    story = {s["id"]: s for s in result.json()["stories"]}["cerita-baru"]
    assert story["published"] == {"web": [], "print": []}
    assert {e["reason"] for e in story["excluded"]} == {"pending"}


def test_link_to_an_excluded_story_is_dropped_with_a_warning_naming_the_linking_file(sample, run):
    """Taking a story down must never fail because a page links to it: the link goes with its
    words (they usually name the story), and the warning says where."""
    guide = sample / "content" / "guides" / "mengurus-paspor" / "index.en.md"
    line = len(guide.read_text().splitlines()) + 2
    guide.write_text(guide.read_text() + "\nSee [an old story](/en/stories/kontrak-lama/).\n")
    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert (f"WARNING content/guides/mengurus-paspor/index.en.md:{line}: link: links to the en version "
            "of the story 'kontrak-lama', which is not published on the web (expired): the link and "
            "its words are left out") in result.err
    page = (sample / "site" / "en" / "guides" / "mengurus-paspor" / "index.html").read_text()
    assert "See ." in page and "an old story" not in page and "kontrak-lama" not in page


@pytest.mark.parametrize("snippet, words", [
    ('<script>alert(1)</script>', "a <script> tag"),
    ('<iframe src="x"></iframe>', "an <iframe> tag"),
    ('<img src="a.png" onerror="steal()">', "an on…= event handler"),
    ('[klik](javascript:alert(1))', "a javascript: address"),
    ('<object data="x.swf"></object>', "an <object> tag"),
    ('<link rel="stylesheet" href="https://cdn.example.com/x.css">', "a <link> tag"),
])
def test_raw_html_that_runs_code_is_an_error(snippet, words, sample, run):
    """Also: exactly one error although an untranslated page is published under two addresses."""
    page = sample / "content" / "about" / "index.id.md"
    (sample / "content" / "about" / "index.en.md").unlink()
    line = len(page.read_text().splitlines()) + 2
    page.write_text(page.read_text() + "\n" + snippet + "\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"content/about/index.id.md:{line}: text: contains {words}" in result.err
    assert result.err.count(": text: contains") == 1, result.err


@pytest.mark.parametrize("snippet, kind", [
    ("Hubungi saya di 0812-3456-7890.", "a phone number"),
    ("Nomor majikan +60 12-345 6789.", "a phone number"),
    ("NIK saya 7302011234560001.", "an Indonesian NIK"),
    ("Paspor B1234567 masih ditahan.", "a passport number"),
    ("Tulis ke sari.contoh@example.com.", "an e-mail address"),
])
def test_identifiers_in_a_story_are_errors_and_masked(snippet, kind, sample, run):
    text = sample / "stories" / "malam-di-barak" / "index.id.md"
    text.write_text(snippet + "\n\n" + text.read_text())
    run("consent", "approve", "malam-di-barak", "id", "--root", str(sample))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"stories/malam-di-barak/index.id.md:1: text: contains {kind}" in result.err
    for token in snippet.split():
        if sum(c.isdigit() for c in token) >= 7 or "@" in token:
            assert token.rstrip(".") not in result.err


def test_public_hotline_in_a_guide_is_allowed_but_others_are_not(sample, run):
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 0
    guide = sample / "content" / "guides" / "daftar-migrasi-aman" / "index.id.md"
    guide.write_text(guide.read_text() + "\n- Nomor pribadi: 0812-3456-7890\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "public_identifiers" in result.err


def test_build_date_sources(monkeypatch):
    assert str(resolve_build_date("2026-01-02", {})) == "2026-01-02"
    assert str(resolve_build_date(None, {"SOURCE_DATE_EPOCH": "1767312000"})) == "2026-01-02"
    assert str(resolve_build_date("2026-03-04", {"SOURCE_DATE_EPOCH": "1767312000"})) == "2026-03-04"


@pytest.mark.parametrize("snippet", [
    "![peta](https://maps.example.com/tile.png)",
    '<img src="//tracker.example.com/pixel.gif" alt="">',
])
def test_picture_from_another_server_is_an_error(snippet, sample, run):
    page = sample / "content" / "about" / "index.en.md"
    page.write_text(page.read_text() + "\n" + snippet + "\n")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "content/about/index.en.md" in result.err and "a picture from another server" in result.err


# --- Consent changes, strictness, messages without cascades -----------------------------------

def test_consent_set_keeps_comments_and_appends_history(sample, run):
    yml = sample / "stories" / "anak-di-kampung" / "story.yml"
    result = run("consent", "set", "anak-di-kampung", "--status", "given", "--channels", "web",
                 "--method", "verbal-recorded", "--recorded-by", "Tim lapangan", "--date",
                 "2026-11-01", "--root", str(sample))
    assert result.code == 0, result.err
    after = yml.read_text()
    assert after.startswith("# FICTIONAL SAMPLE")
    assert "  status: given\n  date: 2026-11-01\n" in after
    assert "  channels: [web]\n" in after
    assert ('    - {date: 2026-11-01, change: "status: pending → given; channels: none → web; '
            'method: none → verbal-recorded", recorded_by: Tim lapangan}\n') in after
    story = {s["id"]: s for s in run("check", "--json", "--root", str(sample), "--date",
                                      BUILD_DATE).json()["stories"]}["anak-di-kampung"]
    assert {e["reason"] for e in story["excluded"]} == {"not approved", "no consent for print"}
    result = run("consent", "set", "anak-di-kampung", "--photos", "no", "--root", str(sample))
    assert result.code == 2 and "nothing to change" in result.err


@pytest.mark.parametrize("argv, words", [
    (("consent", "set", "jalan-pulang", "--channels", "web,radio"), "--channels takes web, print"),
    (("consent", "set", "tidak-ada", "--status", "given"), "there is no story 'tidak-ada'"),
    (("consent", "withdraw", "../content"), "there is no story '../content'"),
    (("consent", "set", "jalan-pulang", "--status", "given", "--date", "kemarin"),
     "--date expects a date"),
])
def test_consent_commands_refuse_wrong_calls(argv, words, sample, run):
    result = run(*argv, "--root", str(sample))
    assert result.code == 2, result.err
    assert words in result.err


@pytest.mark.parametrize("breakage", [
    ("destination: Sarawak", "destination: [Sarawak"),      # not even YAML
    ("region: Bulukumba", "region: Bulukumba\nregion: Gowa"),  # a field twice
    ("attribution: anonymous", "attribution: someone"),     # a wrong value
])
def test_withdrawal_is_always_possible(breakage, sample, run):
    yml = sample / "stories" / "malam-di-barak" / "story.yml"
    yml.write_text(yml.read_text().replace(*breakage))
    assert run("check", "--root", str(sample), "--date", BUILD_DATE).code == 1
    result = run("consent", "withdraw", "malam-di-barak", "--date", "2026-11-25",
                 "--root", str(sample))
    assert result.code == 0, result.err
    assert "status: withdrawn" in yml.read_text()
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    story = {s["id"]: s for s in result.json()["stories"]}["malam-di-barak"]
    assert story["published"] == {"web": [], "print": []}
    assert {e["reason"] for e in story["excluded"]} == {"withdrawn"}
    assert any("she withdrew her consent" in w["message"] for w in result.json()["warnings"])


def test_check_strict_fails_on_a_version_changed_since_approval(sample, run):
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0
    assert ("- hujan-di-keningau (en): the text changed; after she approves the new words, run: "
            "ballata consent approve hujan-di-keningau en") in result.err
    assert run("check", "--strict", "--root", str(sample), "--date", BUILD_DATE).code == 1


def test_an_approval_from_before_approved_meta_warns_with_the_command(sample, run):
    """surat-dari-tawau is the sample's story approved before approved_meta existed (keep it so)."""
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    warnings = [w for w in result.json()["warnings"] if w["field"] == "consent.approved_meta"]
    legacy = next(w for w in warnings if w["file"] == "stories/surat-dari-tawau/story.yml")
    assert "ask her to approve again" in legacy["message"]
    assert "`ballata consent approve surat-dari-tawau en`" in legacy["tip"]
    assert run("consent", "approve", "surat-dari-tawau", "id", "--root", str(sample)).code == 0
    assert run("consent", "approve", "surat-dari-tawau", "en", "--root", str(sample)).code == 0
    result = run("check", "--json", "--root", str(sample), "--date", BUILD_DATE)
    assert not [w for w in result.json()["warnings"]
                if w["file"] == "stories/surat-dari-tawau/story.yml"]


def test_a_broken_story_is_said_once_not_in_every_page_linking_it(sample, run):
    yml = sample / "stories" / "paspor-ditahan" / "story.yml"
    yml.write_text(yml.read_text().replace("status: given", "status: ya"))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("ERROR")]
    links = [line for line in errors if "paspor-ditahan" in line and ": link: " in line]
    assert links == ["ERROR content/guides/mengurus-paspor/index.id.md:30, "
                     "content/guides/mengurus-paspor/index.en.md:30: link: links to the story "
                     "'paspor-ditahan', which is left out because its own files have errors "
                     "(shown with stories/paspor-ditahan/story.yml)"], result.err
    assert "not published on the web (story.yml has errors)" not in result.err


def test_a_story_with_an_error_is_never_shown_as_published(sample, run):
    text = sample / "stories" / "malam-di-barak" / "index.id.md"
    text.write_text("Hubungi 0812-3456-7890.\n\n" + text.read_text())
    run("consent", "approve", "malam-di-barak", "id", "--root", str(sample))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    row = next(line for line in result.out.splitlines() if line.startswith("malam-di-barak"))
    assert "ERROR, not published: stories/malam-di-barak/index.id.md:1" in row


def test_check_names_a_missing_word_of_a_third_language(sample, run):
    """`check` knows everything a build would refuse, without rendering (the words of a third
    language included)."""
    config = sample / "ballata.yml"
    config.write_text(config.read_text().replace("  - code: en\n    name: English\n",
                                                 "  - code: en\n    name: English\n"
                                                 "  - code: ms\n    name: Bahasa Melayu\n"))
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert "ERROR ballata.yml: site_name.ms: no 'ms' entry" in result.err


def test_a_placeholder_number_warns_once_on_check_and_website_builds_and_stops_print(
        sample, run, monkeypatch):
    monkeypatch.delenv("BALLATA_ALLOW_PLACEHOLDERS")
    config = sample / "ballata.yml"
    line = config.read_text().splitlines().index('  - {number: "0800-1000-0000", placeholder: true}') + 1
    said = (f'WARNING ballata.yml:{line}: public_identifiers: "0800-1000-0000", "+60 3-0000 0000" '
            "are marked placeholder: true: not numbers the team has verified.")
    for argv in (["check"], ["build", "--no-pdf"]):
        result = run(*argv, "--root", str(sample), "--date", BUILD_DATE)
        assert result.code == 0, result.err
        assert said in result.err and result.err.count("placeholder: true") == 2, argv  # and its tip
        assert "TIP Check each number" in result.err and "--allow-placeholders" in result.err
        warnings = [w for w in json.loads((sample / "build" / "report.json").read_text())["warnings"]
                    if w["file"] == "ballata.yml"]
        assert [(w["field"], w["line"]) for w in warnings] == [("public_identifiers", line)], argv
    # Printed, a wrong hotline cannot be taken back: refused without the flag, nothing published.
    result = run("build", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1 and said in result.err
    assert "print PDFs are not made while a public number is a placeholder" in result.err
    # Verified numbers: nothing to say.
    config.write_text(config.read_text().replace(", placeholder: true", ""))
    assert "placeholder" not in run("check", "--root", str(sample), "--date", BUILD_DATE).err
