"""Find ``@Display Name`` mentions of a circle's members in a message."""

import re


def mentioned_ids(body: str, names: dict[int, str]) -> set[int]:
    """Ids of members whose display name follows an ``@`` in ``body``
    (case-insensitive, and not as the start of a longer word)."""
    found: set[int] = set()
    lowered = body.lower()
    # Longest names first so "@Sam Lee" is not taken as "@Sam".
    for uid, name in sorted(names.items(), key=lambda item: -len(item[1])):
        name = name.strip()
        if not name:
            continue
        pattern = r"(?<![\w@])@" + re.escape(name.lower()) + r"(?!\w)"
        lowered, hits = re.subn(pattern, " ", lowered)
        if hits:  # blanked out, so "@Sam Lee" is not also read as "@Sam"
            found.add(uid)
    return found
