"""How other people's rows speak of someone who deleted their account.

Their words stay (a chat message, a notification), but the deleted person is
named only as a "former member". Used by the apps' ``privacy`` modules.
"""

import re

FORMER_MEMBER = "former member"


def erasable_name(user) -> str:
    """The display name others saw, or "" when the person never chose one."""
    profile = getattr(user, "profile", None)
    return (getattr(profile, "display_name", "") or "").strip()


def _name_pattern(name: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def without_name(text: str, name: str) -> str:
    """``text`` with every whole-word ``name`` replaced by "former member"
    ("A former member …" at the start of a sentence)."""
    if not text or not name:
        return text
    out = _name_pattern(name).sub(FORMER_MEMBER, text)
    if out.startswith(FORMER_MEMBER) and not text.lower().startswith(FORMER_MEMBER):
        out = "A " + out
    return out


def without_mention(text: str, name: str) -> str:
    """``text`` with "@<name>" mentions turned into "@former member"."""
    if not text or not name:
        return text
    pattern = re.compile(r"(?<![\w@])@" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
    return pattern.sub("@" + FORMER_MEMBER, text)
