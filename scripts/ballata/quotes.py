"""Pages that quote an excluded version are left out, so that a withdrawal is never blocked.

The output audit refuses any output that carries a run of words of an excluded story. If a guide
quotes a story and the narrator withdraws it, refusing the whole build would keep the old site,
her story included, online. Instead the gate leaves the quoting page out too (with a warning that
names the page, its line and the story) and the rest is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from .audit.exclusions import Exclusions, build, candidate_windows, plain
from .canonical import words
from .model import Channel, Text
from .publish import PublishSet


@dataclass(frozen=True)
class Quote:
    text: Text
    line: int
    """Line of the source file where the first quoted run starts."""
    source: str
    """Which excluded version it quotes (e.g. "the id version of the excluded story 'x'")."""


def _first_quote(text: Text, ex: Exclusions) -> Quote | None:
    """The first run of an excluded version's words in ``text`` (longer than a short quotation),
    or its title or byline, with the line it starts on."""
    body = plain(text.body)
    tokens = words(body)
    first = next(((position, ex.windows[h]) for position, h in candidate_windows(tokens, ex.vocabulary)
                  if h in ex.windows), None)
    for i, token in enumerate(tokens[:first[0] if first else None]):
        said = [what for phrase, what in ex.phrases.get(token, [])
                if tuple(tokens[i:i + len(phrase)]) == phrase]
        if said:
            first = (i, said[0])
            break
    if first is None:
        return None
    ends = list(accumulate(len(words(line)) for line in body.split("\n")))
    line = next(n for n, end in enumerate(ends) if end > first[0])
    return Quote(text, text.body_line + line, first[1])


def find_quotes(ps: PublishSet, intros: list[Text]) -> list[Quote]:
    """Published page texts and zine intros that carry more of an excluded version than a short
    quotation (see audit.exclusions.QUOTE_WORDS)."""
    found: list[Quote] = []
    seen: set[str] = set()
    web = build(ps, (Channel.WEB,))
    for versions in ps.pages.values():
        for version in versions:
            if version.text.path in seen:
                continue
            seen.add(version.text.path)
            quote = _first_quote(version.text, web)
            if quote:
                found.append(quote)
    if intros:
        # Intros are printed in the screen PDF too, which needs consent for web and print.
        both = build(ps, (Channel.WEB, Channel.PRINT))
        found += [q for q in (_first_quote(text, both) for text in intros) if q]
    return found
