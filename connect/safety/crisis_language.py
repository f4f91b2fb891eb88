"""Crisis-language detection for chat messages: a maintained phrase list, no AI.

Phrases are matched case-insensitively on word boundaries. A match never
blocks a message; it privately shows the writer crisis resources and alerts
the circle's facilitators and the moderators. Add phrases here (and a test)
when reviewers see a missed case; keep everyday idioms ("this homework is
killing me") out.
"""

import re

CRISIS_PHRASES = [
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "taking my own life",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "suicide",
    "suicidal",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "self harm",
    "self-harm",
    "cut myself",
    "cutting myself",
    "no reason to live",
    "nothing to live for",
    "don't want to be alive",
    "dont want to be alive",
    "don't want to live",
    "dont want to live",
    "overdose",
]


def _pattern(phrases) -> re.Pattern:
    # Spaces match any run of whitespace; "\b" keeps "suicide" out of longer words.
    alternatives = (r"\s+".join(re.escape(word) for word in p.split()) for p in phrases)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_CRISIS_RE = _pattern(CRISIS_PHRASES)


def crisis_phrases_in(text: str) -> list[str]:
    """The crisis phrases found in ``text`` (lower-cased), in order of appearance."""
    return [m.group(0).lower() for m in _CRISIS_RE.finditer(text or "")]


def contains_crisis_language(text: str) -> bool:
    return _CRISIS_RE.search(text or "") is not None
