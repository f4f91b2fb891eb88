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

# Spanish, written with or without accents (both sides are folded, see _fold).
# Idioms stay out: "me muero de risa", "este examen va a matarme",
# "cortarme el pelo" use the same verbs, so only first-person intent is listed.
CRISIS_PHRASES_ES = [
    "suicidio",
    "suicida",
    "suicidarme",
    "me quiero matar",
    "quiero matarme",
    "voy a matarme",
    "pienso matarme",
    "quitarme la vida",
    "acabar con mi vida",
    "terminar con mi vida",
    "quiero morir",
    "quiero morirme",
    "me quiero morir",
    "ganas de morir",
    "ganas de morirme",
    "no quiero vivir",
    "no quiero seguir viviendo",
    "no quiero estar vivo",
    "no quiero estar viva",
    "mejor muerto",
    "mejor muerta",
    "estarian mejor sin mi",
    "hacerme daño",
    "lastimarme",
    "autolesion",
    "autolesionarme",
    "cortarme las venas",
    "sobredosis",
    "no tengo razones para vivir",
    "nada por lo que vivir",
]

# One character for one character, so a match's position is the same in the
# folded text: "daño" and "dano", "mí" and "mi" are the same phrase.
_FOLD = str.maketrans("áéíóúüñÁÉÍÓÚÜÑ", "aeiouunAEIOUUN")


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _pattern(phrases) -> re.Pattern:
    # Spaces match any run of whitespace; "\b" keeps "suicide" out of longer words.
    alternatives = (r"\s+".join(re.escape(word) for word in p.split()) for p in phrases)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_CRISIS_RE = _pattern(dict.fromkeys(_fold(p) for p in CRISIS_PHRASES + CRISIS_PHRASES_ES))


def crisis_phrases_in(text: str) -> list[str]:
    """The crisis phrases found in ``text`` (lower-cased), in order of appearance."""
    return [m.group(0).lower() for m in _CRISIS_RE.finditer(_fold(text or ""))]


def contains_crisis_language(text: str) -> bool:
    return _CRISIS_RE.search(_fold(text or "")) is not None
