"""The consent gate (SPEC §2) and the approval fingerprint, rule by rule."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from ballata.consent import decide, fingerprint, normalise
from ballata.model import (Attribution, Channel, Consent, ConsentStatus, Narrator, Story, Text)

BUILD = dt.date(2026, 11, 26)
BODY = b"Paragraf pertama.\n\nParagraf kedua.\n"


def make_story(status=ConsentStatus.GIVEN, date=dt.date(2025, 1, 1), expires=None,
               channels=(Channel.WEB, Channel.PRINT), texts=None, approved=None) -> Story:
    texts = texts if texts is not None else {"id": BODY, "en": b"First.\n"}
    approved = approved if approved is not None else {k: fingerprint(v) for k, v in texts.items()}
    return Story(
        slug="contoh", folder="stories/contoh", yml="stories/contoh/story.yml",
        narrator=Narrator("Ibu X", Attribution.PSEUDONYM), region="Bulukumba", destination="Sabah",
        recorded=dt.date(2025, 1, 1), original_language="id", tags=[], media=[],
        consent=Consent(status, date, expires, "written", "tim", frozenset(channels), False, approved),
        texts={lang: Text(lang, f"stories/contoh/index.{lang}.md", raw, {}, raw.decode(), 1, "T")
               for lang, raw in texts.items()},
    )


def test_given_with_approved_text_is_published_everywhere():
    story = make_story()
    for channel in Channel:
        for lang in ("id", "en"):
            assert decide(story, channel, lang, BUILD).published


@pytest.mark.parametrize("story, channel, lang, reason", [
    (make_story(status=ConsentStatus.WITHDRAWN), Channel.WEB, "id", "withdrawn"),
    (make_story(status=ConsentStatus.PENDING), Channel.PRINT, "id", "pending"),
    (make_story(expires=dt.date(2026, 11, 25)), Channel.WEB, "id", "expired"),
    (make_story(channels=[Channel.WEB]), Channel.PRINT, "en", "no consent for print"),
    (make_story(channels=[Channel.PRINT]), Channel.WEB, "id", "no consent for web"),
    (make_story(texts={"id": BODY}), Channel.WEB, "en", "no en text"),
    (make_story(approved={"id": fingerprint(BODY)}), Channel.WEB, "en", "not approved"),
    (make_story(approved={"id": fingerprint(BODY + b"Kalimat baru.\n"), "en": fingerprint(b"First.\n")}),
     Channel.WEB, "id", "changed since approval"),
    (make_story(date=dt.date(2026, 12, 1)), Channel.WEB, "id", "consent date is after the build date"),
])
def test_each_rule_excludes_with_its_reason(story, channel, lang, reason):
    decision = decide(story, channel, lang, BUILD)
    assert not decision.published
    assert decision.reason == reason


def test_consent_expiring_on_the_build_date_still_holds():
    assert decide(make_story(expires=BUILD), Channel.WEB, "id", BUILD).published
    assert not decide(make_story(expires=BUILD), Channel.WEB, "id", BUILD + dt.timedelta(days=1)).published


def test_other_versions_survive_one_exclusion():
    story = make_story(approved={"id": fingerprint(BODY)})
    assert decide(story, Channel.WEB, "id", BUILD).published
    assert not decide(story, Channel.WEB, "en", BUILD).published


def test_consent_status_is_ordered_and_only_given_is_given():
    assert ConsentStatus.WITHDRAWN < ConsentStatus.PENDING < ConsentStatus.GIVEN
    assert [s.is_given() for s in ConsentStatus] == [False, False, True]


@pytest.mark.parametrize("variant", [
    b"\xef\xbb\xbfParagraf pertama.\n\nParagraf kedua.\n",            # BOM
    b"Paragraf pertama.\r\n\r\nParagraf kedua.\r\n",                    # Windows line ends
    b"Paragraf pertama.\r\rParagraf kedua.\r",                          # old Mac line ends
    b"Paragraf pertama.   \n\t\nParagraf kedua.\t \n",                  # trailing blanks
    b"Paragraf pertama.\n\nParagraf kedua.",                            # no final newline
    b"Paragraf pertama.\n\nParagraf kedua.\n\n\n",                      # trailing empty lines
])
def test_fingerprint_ignores_what_she_could_not_hear(variant):
    assert fingerprint(variant) == fingerprint(BODY)


@pytest.mark.parametrize("changed", [
    b"Paragraf pertama.\n\nParagraf kedua!\n",
    b"Paragraf pertama.\nParagraf kedua.\n",
    b"  Paragraf pertama.\n\nParagraf kedua.\n",
])
def test_fingerprint_changes_with_the_words(changed):
    assert fingerprint(changed) != fingerprint(BODY)


def test_fingerprint_format():
    assert normalise(BODY) == BODY.decode()
    value = fingerprint(BODY)
    assert value.startswith("sha256:") and len(value) == len("sha256:") + 64


def test_core_imports_no_renderer():
    code = ("import sys, ballata.consent, ballata.publish, ballata.readers, ballata.privacy, "
            "ballata.build; bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('mkdocs', 'material', 'weasyprint')); print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- What she approves is what is published: the words shown with her text --------------------

from dataclasses import replace  # noqa: E402

from ballata.consent import (approved_before_meta, changes_since_approval, is_draft,  # noqa: E402
                             meta_fingerprint, shown_words)
from ballata.model import Medium  # noqa: E402


def with_meta(story: Story) -> Story:
    """The story as approved with `ballata consent approve`: text and shown words."""
    meta = {lang: meta_fingerprint(story, lang) for lang in story.texts}
    story.consent = replace(story.consent, approved_meta=meta)
    return story


def pictured() -> Story:
    story = make_story()
    story.media = [Medium("foto.jpg", {"id": "Tangan", "en": "Hands"}, False,
                          {"id": "Di persemaian.", "en": "In the nursery."})]
    return with_meta(story)


@pytest.mark.parametrize("change", [
    lambda s: setattr(s.texts["en"], "title", "Another title"),
    lambda s: setattr(s, "narrator", Narrator("Ibu Y", Attribution.PSEUDONYM)),
    lambda s: setattr(s, "narrator", Narrator("Ibu X", Attribution.NAMED)),
    lambda s: setattr(s, "region", "Sinjai"),
    lambda s: setattr(s, "destination", "Sarawak"),
    lambda s: s.media[0].caption.update(en="In the estate nursery."),
    lambda s: s.media[0].alt.update(en="Two hands"),
], ids=["title", "byline", "attribution", "region", "destination", "caption", "alt"])
def test_a_change_of_the_shown_words_withdraws_that_version(change):
    story = pictured()
    assert decide(story, Channel.WEB, "en", BUILD).published
    change(story)
    decision = decide(story, Channel.WEB, "en", BUILD)
    assert (decision.published, decision.reason) == (False, "changed since approval")
    assert changes_since_approval(story, "en") == ["the title, byline or captions"]


def test_spacing_of_the_shown_words_does_not_count():
    story = pictured()
    story.media[0].caption["en"] = "  In the   nursery. "
    story.texts["en"].title = "T "
    assert decide(story, Channel.WEB, "en", BUILD).published


def test_shown_words_are_per_language():
    story = pictured()
    story.media[0].caption["id"] = "Di kebun."
    assert not decide(story, Channel.PRINT, "id", BUILD).published
    assert decide(story, Channel.PRINT, "en", BUILD).published
    assert "caption: In the nursery." in shown_words(story, "en")


def test_text_and_words_changed_are_both_named():
    story = pictured()
    story.texts["en"].raw = b"Second.\n"
    story.texts["en"].title = "New"
    assert changes_since_approval(story, "en") == ["the text", "the title, byline or captions"]


def test_an_approval_from_before_approved_meta_still_publishes():
    story = make_story()
    assert approved_before_meta(story, "en")
    assert decide(story, Channel.WEB, "en", BUILD).published
    assert not approved_before_meta(with_meta(make_story()), "en")


def test_a_version_without_a_title_is_a_draft_not_an_error():
    story = make_story()
    story.texts["en"].title = ""
    decision = decide(story, Channel.WEB, "en", BUILD)
    assert decision.reason == "not ready: no title for en" and is_draft(decision.reason)
    assert decide(story, Channel.WEB, "id", BUILD).published
    assert is_draft("not approved") and not is_draft("changed since approval")
