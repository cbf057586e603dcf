"""Bad input: every case gives one clear error naming file, field and line, exit 1, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from conftest import BUILD_DATE

GOOD = """\
title: {id: "Judul", en: "Title"}
narrator:
  display_name: "Ibu Contoh"
  attribution: pseudonym
region: Bulukumba
destination: Sabah
recorded: 2025-06-14
original_language: id
consent:
  status: given
  date: 2025-06-14
  method: written
  recorded_by: "Tim"
  channels: [web, print]
  photos: false
"""


def add_story(root: Path, slug: str, yml: str | bytes, texts: dict[str, str] | None = None) -> Path:
    folder = root / "stories" / slug
    folder.mkdir(parents=True)
    data = yml.encode() if isinstance(yml, str) else yml
    (folder / "story.yml").write_bytes(data)
    for lang, body in (texts if texts is not None else {"id": "Teks cerita.\n"}).items():
        (folder / f"index.{lang}.md").write_text(body, encoding="utf-8")
    return folder


BAD = [
    # (id, story.yml, texts, file, line, field, words in the message)
    ("malformed-yaml", GOOD.replace("region: Bulukumba", "region: [Bulukumba"), None,
     "story.yml", None, None, "not valid YAML"),
    ("missing-consent", GOOD.split("consent:")[0], None,
     "story.yml", 1, "consent", "'consent' is missing"),
    ("unknown-status", GOOD.replace("status: given", "status: yes-please"), None,
     "story.yml", 10, "consent.status", 'expected one of given, pending, withdrawn; got "yes-please"'),
    ("bad-date", GOOD.replace("date: 2025-06-14", "date: 14/06/2025"), None,
     "story.yml", 11, "consent.date", "expected a date written like 2025-06-14"),
    ("impossible-date", GOOD.replace("recorded: 2025-06-14", "recorded: 2025-02-30"), None,
     "story.yml", 7, "recorded", "expected a date"),
    ("expires-before-date", GOOD.replace("  photos: false", "  photos: false\n  expires: 2024-01-01"),
     None, "story.yml", 16, "consent.expires", "is before the consent date"),
    ("unknown-channel", GOOD.replace("[web, print]", "[web, radio]"), None,
     "story.yml", 14, "consent.channels[1]", 'expected one of web, print; got "radio"'),
    ("unknown-field", GOOD.replace("  photos: false", "  photos: false\n  chanels: [web]"), None,
     "story.yml", 16, "consent.chanels", 'unknown field "chanels"'),
    ("empty-file", "", None, "story.yml", 1, None, "the file is empty"),
    ("list-not-mapping", "- status: given\n- channels: [web]\n", None,
     "story.yml", 1, None, "a list, not a group of fields"),
    ("faces-without-photo-consent", GOOD.replace("consent:", "media:\n  - file: foto.jpg\n"
     "    alt: {id: \"Foto\", en: \"Photo\"}\n    shows_faces: true\nconsent:"), None,
     "story.yml", 12, "media.0.shows_faces", "shows faces but consent.photos is false"),
    ("minor-named", GOOD.replace("attribution: pseudonym", "attribution: named\n  minor: true")
     .replace("method: written", "method: guardian"), None,
     "story.yml", 4, "narrator.attribution", "a minor must not be named"),
    ("minor-without-guardian", GOOD.replace("attribution: pseudonym", "attribution: pseudonym\n  minor: true"),
     None, "story.yml", 13, "consent.method", "must be given by a guardian"),
    ("anonymous-with-name", GOOD.replace("attribution: pseudonym", "attribution: anonymous"), None,
     "story.yml", 3, "narrator.display_name", "must not carry a name"),
    ("hand-written-approval", GOOD + "  approved:\n    id: \"sha256:9f2c…\"\n", None,
     "story.yml", 17, "consent.approved.id", "expected a fingerprint"),
    ("unconfigured-language-file", GOOD, {"id": "Teks.\n", "fr": "Texte.\n"},
     "index.fr.md", None, None, "not configured"),
    ("empty-text", GOOD, {"id": "\n\n"}, "index.id.md", None, None, "the text is empty"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_story_is_one_clear_error(case, empty_project, run):
    name, yml, texts, file, line, field, words = case
    if name == "faces-without-photo-consent":
        folder = add_story(empty_project, "kasus", yml, texts)
        Image.new("RGB", (8, 8), "white").save(folder / "foto.jpg")
    else:
        add_story(empty_project, "kasus", yml, texts)
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    errors = [l for l in result.err.splitlines() if l.startswith("ERROR")]
    assert len(errors) == 1, result.err
    location = f"stories/kasus/{file}" + (f":{line}" if line else "")
    assert errors[0].startswith(f"ERROR {location}"), errors[0]
    if field:
        assert f": {field.replace('.0.', '[0].')}: " in errors[0], errors[0]
    assert words in errors[0], errors[0]
    assert "TIP " in result.err


@pytest.mark.parametrize("slug", ["Cerita Baru", "CeritaBaru", "cerita_baru"])
def test_slug_must_be_a_web_address(slug, empty_project, run):
    add_story(empty_project, slug, GOOD)
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"the folder name {slug!r} cannot be a web address" in result.err


def test_huge_story_file_is_refused_without_reading_it(empty_project, run):
    add_story(empty_project, "besar", GOOD.encode() + b"# " + b"x" * (10 * 1024 * 1024) + b"\n")
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/besar/story.yml: the file is 10240 KB; the limit is 256 KB" in result.err


def test_not_utf8_names_the_line(empty_project, run):
    add_story(empty_project, "latin", GOOD.replace("Ibu Contoh", "Ibu Cont\xf6h").encode("latin-1"))
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/latin/story.yml:3: the file is not UTF-8 text" in result.err


def test_every_bad_file_is_reported_in_one_run(empty_project, run):
    add_story(empty_project, "satu", GOOD.replace("status: given", "status: ya"))
    add_story(empty_project, "dua", GOOD.replace("recorded: 2025-06-14", "recorded: kemarin"))
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "stories/satu/story.yml:10" in result.err and "stories/dua/story.yml:7" in result.err


def test_exclude_invalid_publishes_the_rest(empty_project, run):
    add_story(empty_project, "rusak", GOOD.replace("status: given", "status: ya"))
    add_story(empty_project, "baik", GOOD.replace("consent:", "consent:\n  approved: {}"))
    run("consent", "approve", "baik", "id", "--root", str(empty_project))
    result = run("check", "--json", "--exclude-invalid", "--root", str(empty_project),
                 "--date", BUILD_DATE)
    assert result.code == 0, result.err
    report = {s["id"]: s for s in result.json()["stories"]}
    assert report["baik"]["published"] == {"web": ["id"], "print": ["id"]}
    assert report["rusak"]["published"] == {"web": [], "print": []}
    assert {e["reason"] for e in report["rusak"]["excluded"]} == {"invalid story.yml"}
    assert "WARNING stories/rusak/story.yml:10" in result.err


def test_typo_in_consent_field_suggests_the_right_one(empty_project, run):
    add_story(empty_project, "typo", GOOD.replace("  channels:", "  chanels:"))
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert 'unknown field "chanels"; did you mean "channels"?' in result.err
    assert 'TIP Rename it to "channels".' in result.err
    assert "'consent.channels' is missing" not in result.err


def test_an_unclosed_quote_is_reported_where_it_opens(empty_project, run):
    yml = GOOD.replace('display_name: "Ibu Contoh"', 'display_name: "Ibu Contoh')
    assert yml.splitlines()[2] == '  display_name: "Ibu Contoh'
    add_story(empty_project, "kutip", yml)
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("ERROR")]
    assert errors == ['ERROR stories/kutip/story.yml:3: this is not valid YAML: a quote (") opened '
                      'on line 3 is never closed'], result.err
    assert 'TIP End the text with " on the same line: display_name: "Ibu Contoh"' in result.err
    assert "<block end>" not in result.err


@pytest.mark.parametrize("old, new, line, words", [
    ("channels: [web, print]", "channels: [web, print", 14, "a list opened with [ on line 14"),
    ('title: {id: "Judul", en: "Title"}', 'title: {id: "Judul", en: "Title"', 1,
     "a group opened with { on line 1"),
    ("  photos: false", "  photos: false\n recorded_by: x", 16, "line 16 is not indented like"),
    ("region: Bulukumba", "region: Bulukumba: Sinjai", 5, "a colon followed by a space"),
    ("  photos: false", "  photos: false\n\tvoice: false", 16, "a tab is used"),
])
def test_yaml_syntax_errors_in_plain_words(old, new, line, words, empty_project, run):
    add_story(empty_project, "sintaks", GOOD.replace(old, new))
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f"ERROR stories/sintaks/story.yml:{line}: this is not valid YAML: {words}" in result.err


def test_a_misspelt_field_is_one_error(empty_project, run):
    add_story(empty_project, "ejaan", GOOD.replace("destination:", "destinaton:"))
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("ERROR")]
    assert errors == ['ERROR stories/ejaan/story.yml:6: destinaton: unknown field "destinaton"; '
                      'did you mean "destination"?']


@pytest.mark.parametrize("extra, field, words", [
    ("  voice: yes-please\n", "consent.voice", "expected true or false"),
    ("  approved_meta: {id: 'sha256:abc'}\n", "consent.approved_meta.id", "expected a fingerprint"),
    ("  history:\n    - {date: 2025-06-14}\n", "consent.history[0]", "'consent.history[0].change' "
                                                                      "is missing"),
    ("  history:\n    - {date: kemarin, change: given}\n", "consent.history[0].date",
     "expected a date"),
])
def test_new_consent_fields_are_checked(extra, field, words, empty_project, run):
    add_story(empty_project, "baru", GOOD + extra)
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert f": {field}: " in result.err and words in result.err, result.err


def test_a_minors_voice_is_never_published(empty_project, run):
    yml = GOOD.replace("attribution: pseudonym", "attribution: pseudonym\n  minor: true") \
        .replace("method: written", "method: guardian") + "  voice: true\n"
    add_story(empty_project, "anak", yml)
    result = run("check", "--root", str(empty_project), "--date", BUILD_DATE)
    assert result.code == 1
    assert "consent.voice: a recording of a minor's voice must not be published" in result.err


def test_history_and_voice_are_read(empty_project):
    from ballata.config import load_config
    from ballata.errors import Problems
    from ballata.readers import read_story

    folder = add_story(empty_project, "riwayat", GOOD + "  voice: true\n  history:\n"
                       '    - {date: 2025-06-14, change: "status: pending → given", '
                       "recorded_by: Tim}\n")
    problems = Problems()
    story = read_story(folder, load_config(empty_project), problems)
    assert story is not None, problems.items
    assert story.consent.voice is True
    assert [(str(h.date), h.change, h.recorded_by) for h in story.consent.history] == [
        ("2025-06-14", "status: pending → given", "Tim")]


def test_exclude_invalid_keeps_the_true_reason(empty_project, run):
    folder = add_story(empty_project, "nomor", GOOD.replace("consent:", "consent:\n  approved: {}"),
                       {"id": "Hubungi 0812-3456-7890.\n"})
    assert folder.is_dir()
    run("consent", "approve", "nomor", "id", "--root", str(empty_project))
    result = run("check", "--json", "--exclude-invalid", "--root", str(empty_project),
                 "--date", BUILD_DATE)
    assert result.code == 0, result.err
    story = {s["id"]: s for s in result.json()["stories"]}["nomor"]
    assert {e["reason"] for e in story["excluded"]} == {"error in index.id.md:1"}
