"""Short, human "why you were matched" texts for invitations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slot_label(slot: int) -> str:
    day, half = divmod(slot, 48)
    return f"{DAYS[day]} {half // 2:02d}:{30 * (half % 2):02d} UTC"


def shared_topics(topic_maps: Sequence[Mapping[str, float]], limit: int = 3) -> tuple[str, ...]:
    """Topics held by at least two members, most widely held (then heaviest) first."""
    count: dict[str, int] = {}
    weight: dict[str, float] = {}
    for topics in topic_maps:
        for slug, w in topics.items():
            if w > 0:
                count[slug] = count.get(slug, 0) + 1
                weight[slug] = weight.get(slug, 0.0) + float(w)
    common = [t for t in count if count[t] >= 2]
    common.sort(key=lambda t: (-count[t], -weight[t], t))
    return tuple(common[:limit])


def why_text(
    topics: Sequence[str],
    slot: int,
    meeting_slots: int,
    mode: str,
    max_km: int | None,
    language: str,
) -> str:
    parts = []
    if topics:
        parts.append("you share " + ", ".join(t.replace("-", " ") for t in topics))
    minutes = 30 * meeting_slots
    parts.append(f"all free {slot_label(slot)} for {minutes} min")
    if mode == "in_person" and max_km is not None:
        parts.append(
            f"everyone within {max_km} km of the meeting point"
            if max_km > 0
            else "everyone lives right there"
        )
    else:
        parts.append("meeting by video")
    parts.append(f"in {language}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
