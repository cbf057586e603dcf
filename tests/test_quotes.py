"""A page that quotes an excluded story is left out with it: a withdrawal is never blocked."""

from __future__ import annotations

import re

from conftest import BUILD_DATE
from site_helpers import all_text

WITHDRAWN = "pulang-tanpa-dokumen"
GUIDE = "content/guides/mengurus-paspor/index.id.md"


def story_text(root, slug: str, lang: str = "id") -> str:
    text = (root / "stories" / slug / f"index.{lang}.md").read_text()
    return re.sub(r"^# .*\n", "", text).strip()


def test_a_guide_that_pastes_a_withdrawn_story_is_left_out_and_the_build_publishes(sample, run):
    guide = sample / GUIDE
    lines = len(guide.read_text().splitlines())
    guide.write_text(guide.read_text() + "\n## Kisah\n\n" + story_text(sample, WITHDRAWN) + "\n")
    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert (f"WARNING {GUIDE}:{lines + 4}: left out: from this line on it quotes the id version of "
            f"the excluded story '{WITHDRAWN}'") in result.err
    body = story_text(sample, WITHDRAWN).split("\n\n")[0]
    probe = " ".join(body.split()[:10])
    for name, text in all_text(sample / "site").items():
        assert probe not in " ".join(text.split()), name
    # The page's other language is still published; the Indonesian address shows it, marked
    # as not yet translated, until the quotation is removed.
    assert (sample / "site" / "en" / "guides" / "mengurus-paspor" / "index.html").is_file()


def test_a_short_quotation_stays(sample, run):
    guide = sample / GUIDE
    words = story_text(sample, WITHDRAWN).split()[:9]
    guide.write_text(guide.read_text() + "\n> " + " ".join(words) + "\n")
    result = run("build", "--no-pdf", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert "left out" not in result.err
    assert " ".join(words[:6]) in " ".join(all_text(sample / "site")["guides/mengurus-paspor/index.html"].split())


def test_a_zine_intro_that_quotes_a_story_not_in_print_is_left_out_of_every_pdf(sample, run):
    intro = sample / "content" / "zines" / "2026-dari-bulukumba" / "intro.id.md"
    sentences = " ".join(story_text(sample, WITHDRAWN).split()[:40])
    intro.write_text(intro.read_text() + "\n" + sentences + "\n")
    result = run("build", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert "content/zines/2026-dari-bulukumba/intro.id.md:" in result.err and "left out" in result.err


def test_withdrawing_a_story_that_guides_link_to_by_its_title(sample, run):
    """Both guides link to the story by its title: the links go with their words, so the guides
    stay published and nothing names the withdrawn story."""
    yml = sample / "stories" / "paspor-ditahan" / "story.yml"
    yml.write_text(yml.read_text().replace("status: given", "status: withdrawn", 1))
    result = run("build", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 0, result.err
    assert ("content/guides/mengurus-paspor/index.id.md:30: link: links to the id version of the "
            "story 'paspor-ditahan'") in result.err
    for name, text in all_text(sample / "site").items():
        flat = " ".join(text.split())
        assert "Paspor yang Ditahan" not in flat and "The Passport They Kept" not in flat, name
        assert "stories/paspor-ditahan" not in flat, name
    assert "Baca juga kisah" in (sample / "site" / "guides" / "mengurus-paspor" / "index.html").read_text()
