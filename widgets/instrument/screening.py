"""Holding back what touches an off-limits topic, word by word.

The coachee names off-limits topics in prep, one per line. Whole-phrase matching let
through the lines that matter ("my divorce" did not hold back "handled the divorce with
grace"), so a line of any text the card, the recap or meeting 2 would show is held back
when it shares one *significant* word with a topic: compared without case or accents
(``Café`` is ``cafe``), ignoring stop words ("my", "the", "about") that would hold back
almost everything, and with a plain final "s" folded so "divorces" meets "divorce".

It errs on the side of holding back: a line that mentions a topic's word in another
sense is lost from a screen, which costs less than the topic reaching the manager. The
screen runs in the kernel; off-limits text is never sent to a page, and what was held
back is only ever counted, never quoted (:func:`held_back_note`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "STOP_WORDS",
    "OffLimitsScreen",
    "held_back_note",
    "significant_words",
    "topics",
]

# Words that say nothing about a topic; matching on them would hold back every line.
# Compared after folding (lower case, no accents), so they are written that way here.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any anything are as at be
    because been before being below between both but by can could did do does doing don
    down during each either else etc ever every few for from further get got had has
    have having he her here hers herself him himself his how i if in into is it its
    itself just let me might mine more most must my myself no nor not nothing now of
    off on once only or other our ours ourselves out over own please re same she should
    so some something such talk talking than that the their theirs them themselves then
    there these they thing things this those through to too topic topics under until up
    us very was we were what when where which while who whom why will with would you
    your yours yourself yourselves
    """.split()
)

_WORD = re.compile(r"\w+")
_LINE_BREAKS = re.compile(r"[\n;]+")


def _fold(word: str) -> str:
    # A plain plural folds to its singular; "-ss" words ("business") keep their end.
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def significant_words(text: str) -> frozenset[str]:
    """The words of ``text`` that can name a topic: folded, without stop words."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return frozenset(
        _fold(word)
        for word in _WORD.findall(plain)
        if len(word) >= 2 and word not in STOP_WORDS and not word.isdigit()
    )


def topics(off_limits: Iterable[str]) -> tuple[frozenset[str], ...]:
    """Each off-limits topic as its significant words: one per line (or per ';')."""
    found = []
    for text in off_limits:
        for line in _LINE_BREAKS.split(text or ""):
            words = significant_words(line)
            if words and words not in found:
                found.append(words)
    return tuple(found)


@dataclass(frozen=True)
class OffLimitsScreen:
    """The off-limits topics of one engagement, ready to screen text line by line.

    Built in the kernel from the saved prep; only what it lets through reaches a widget.
    """

    words: frozenset[str] = frozenset()

    @classmethod
    def from_answers(cls, off_limits: Iterable[str]) -> OffLimitsScreen:
        """From every off-limits answer of the engagement (a topic closed once stays closed)."""
        return cls(frozenset().union(*topics(off_limits)))

    def holds_back(self, line: str) -> bool:
        """Does ``line`` share a significant word with an off-limits topic?"""
        return bool(self.words) and not self.words.isdisjoint(significant_words(line))

    def screen(self, text: str) -> tuple[str, int]:
        """``text`` without its held-back lines, and how many lines were held back."""
        if not self.words or not text:
            return text, 0
        kept, held = [], 0
        for line in text.split("\n"):
            if self.holds_back(line):
                held += 1
            else:
                kept.append(line)
        return "\n".join(kept).strip(), held


def held_back_note(count: int) -> str:
    """What the coach is told: how many, and why; never which text."""
    if count <= 0:
        return ""
    lines = "1 line" if count == 1 else f"{count} lines"
    return f"{lines} held back (matches an off-limits topic)"
