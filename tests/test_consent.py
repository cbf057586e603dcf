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
