"""The canonical form: every disguise of a name comes out as the name, ordinary text as itself."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings, strategies as st

from ballata.canonical import Matcher, canon, maybe_reversed, squash, strip_tags, words

NAME = "Nurhayati Lamba"


@pytest.mark.parametrize("disguised", [
    "Nurhayati Lamba",
    "NURHAYATI\n   lamba",                                  # capitals, a line break
    "Núrháyatí Lämba",                                       # accents
    "Nu\u0301\u0308\u0323rhayati Lamba",                     # combining marks stacked
    "Nur\u00adhayati Lamba",                                 # soft hyphen
    "Nur&shy;hayati Lamba",                                  # soft hyphen as an entity
    "N\u200du\u200dr\u200dh\u200da\u200dy\u200da\u200dt\u200di Lamba",   # ZWJ between letters
    "Nur\u034fhayati Lamba",                                 # combining grapheme joiner
    "Nur\ufe0fhayati La\U000e0100mba",                       # variation selectors
    "Nur\u2060hayati\u200b Lamba",                           # word joiner, zero-width space
    "Nurhayati\U000e0041 Lamba",                             # tag character
    "Nurh\u0430y\u0430ti L\u0430mb\u0430",                   # Cyrillic а
    "\u039durh\u03b1y\u03b1ti L\u03b1mb\u03b1",                   # Greek Ν and α
    "\uff2e\uff55\uff52\uff48\uff41\uff59\uff41\uff54\uff49 Lamba",      # full-width Latin
    "\U0001d40d\U0001d42e\U0001d42b\U0001d421\U0001d41a\U0001d432\U0001d41a\U0001d42d\U0001d422"
    " Lamba",                                                # mathematical bold 𝐍𝐮𝐫…
    "&#78;&#x75;rhayati Lamba",                              # numeric entities
    "&amp;#78;urhayati Lamba",                               # entity encoded twice
    "%4Eurhayati%20Lamba",                                   # URL escapes
    "\u24c3urhayati Lamba",                                  # circled letter Ⓝ
])
def test_disguised_name_has_the_name_s_canonical_form(disguised):
    assert canon(disguised) == "nurhayati lamba"


@pytest.mark.parametrize("capital_i", ["\u0406", "\u0399", "\u04c0", "\u2160"])
def test_capital_i_look_alikes_fold_to_i_not_l(capital_i):
    assert canon(f"{capital_i}NA") == "ina"


@pytest.mark.parametrize("text", [
    "Pada 2025-06-14 saya menerima Rp 1.500.000 dari 259 orang.",
    "I earned RM 1,200 (about Rp 4.000.000) in 2019.",
    "0812-3456-7890",
])
def test_ascii_text_keeps_its_digits_and_punctuation(text):
    assert canon(text) == text.lower()


def test_digits_of_other_scripts_become_ascii_digits():
    assert canon("\u0660\u0668\u0661\u0662 \u0968\u0966") == "0812 20"


def test_canon_is_idempotent():
    samples = ["S&#237;tti\u00ad R\u0430hmawati", "Straße İstanbul", "\U0001d40d & %41"]
    assert all(canon(canon(s)) == canon(s) for s in samples)


def test_words_split_at_every_separator():
    assert words("ladang-sinar_jaya.jpg facebook.com/nurhayati.lamba — «Sari»") == [
        "ladang", "sinar", "jaya", "jpg", "facebook", "com", "nurhayati", "lamba", "sari"]
    assert squash("Ladang Sinar–Jaya") == "ladangsinarjaya"


def test_strip_tags_joins_what_tags_split_and_keeps_lines():
    assert strip_tags("Nur<b></b>hayati <span\nclass=x>Lamba</span>") == "Nurhayati \nLamba"
    assert strip_tags("Nur&lt;i&gt;hayati") == "Nurhayati"


@pytest.mark.parametrize("text, found", [
    ("ladang-sinar-jaya.jpg", ["Ladang Sinar Jaya"]),
    ("LadangSinarJaya", ["Ladang Sinar Jaya"]),
    ("ladang_sinar.jaya", ["Ladang Sinar Jaya"]),
    ("https://facebook.com/nurhayati.lamba", [NAME, "Nurhayati"]),
    ("NurhayatiLamba", [NAME]),
    ("N.u.r.h.a.y.a.t.i L-a-m-b-a", [NAME, "Nurhayati"]),
    ("Nur**hayati** Lam_ba", [NAME, "Nurhayati"]),
    ("Nurhayatinya", ["Nurhayati"]),
    ("rumah Nurhayatilah", ["Nurhayati"]),
    ("Sari, Sarinya, ibu-sari", ["Sari"]),
    ("Saripah dan Lasari bekerja di perkebunan.", []),      # not inside other words
    ("Nurhayati2", []),
])
def test_matcher_finds_entries_at_word_boundaries(text, found):
    matcher = Matcher(["Ladang Sinar Jaya", NAME, "Nurhayati", "Sari"])
    assert matcher.find(text) == found


@pytest.mark.parametrize("text", [
    "\u202eabmaL itayahruN\u202c",                          # right-to-left override
    "\u2067abmaL itayahruN\u2069",                          # right-to-left isolate
    "&#x202E;abmaL itayahruN",                               # the override as an entity
    '<bdo dir="rtl">abmaL itayahruN</bdo>',
    '<span style="unicode-bidi: bidi-override; direction: rtl">abmal itayahrun</span>',
])
def test_name_written_backwards_under_a_bidi_control_is_found(text):
    assert maybe_reversed(text)
    assert Matcher([NAME]).find(text) == [NAME]


def test_backwards_words_without_bidi_controls_are_ordinary_words():
    # 'ide' is Indonesian for idea: only right-to-left text is searched backwards.
    assert Matcher(["Edi"]).find("Saya punya ide.") == []
    assert Matcher(["Edi"]).find("\u202eide") == ["Edi"]


def test_find_lines_reports_the_line_where_an_entry_starts():
    text = "Pembuka.\nSaya Nurhayati\nLamba.\n\nNURHAYATI LAMBA lagi."
    assert Matcher([NAME]).find_lines(text) == [(NAME, 1), (NAME, 4)]


def test_empty_matcher_finds_nothing():
    assert not Matcher([]) and Matcher([]).find("anything") == []


def test_matcher_is_linear_in_the_text():
    entries = [f"Nama{i} Orang{i} Jaya" for i in range(500)] + [NAME]
    matcher = Matcher(entries)
    chunk = "Saya bekerja di ladang sawit dari pagi sampai malam; nama orang jaya. " * 200

    def timed(n: int) -> float:
        start = time.perf_counter()
        assert matcher.find(chunk * n) == []
        return time.perf_counter() - start

    timed(1)
    small, large = timed(10), timed(80)
    assert large < small * 8 * 3, (small, large)


def test_find_in_words_is_find_for_a_caller_that_has_the_words():
    matcher = Matcher([NAME])
    text = "Ditulis oleh nurhayati-lamba."
    assert matcher.find_in_words(words(text)) == matcher.find(text) == [NAME]
    assert matcher.find_in_words(words("abmal itayahrun"), backward=True) == [NAME]


INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u034f", "\ufe0f", "\U000e0020",
             "\u202a", "\u2066", "\ufeff"]
SEPARATORS = ["", " ", "-", ".", "_", "\n", "/", "\u2011", "*"]


@given(st.lists(st.sampled_from(INVISIBLE), min_size=len("nurhayati")),
       st.sampled_from(SEPARATORS), st.booleans())
@settings(max_examples=200, deadline=None)
def test_invisible_characters_and_separators_never_hide_a_name(invisibles, separator, upper):
    first, last = "Nurhayati", "Lamba"
    disguised = "".join(c + i for c, i in zip(first, invisibles)) + separator + last
    disguised = disguised.upper() if upper else disguised
    assert Matcher([NAME]).find(f"kata {disguised} kata") == [NAME]


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_canon_is_idempotent_on_any_text(text):
    once = canon(text)
    assert canon(once) == once or "&" in once or "%" in once   # decoding is bounded on purpose
