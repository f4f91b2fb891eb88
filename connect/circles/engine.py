"""The one seam between Connect's database and the matching engine.

Everything the engine needs arrives here as plain data (``SeekerRow`` /
``CircleRow``), and everything it returns leaves as the engine's own result
object. ``connect.matching`` is imported here and nowhere else in this app.
"""

from dataclasses import dataclass, field


@dataclass
class SeekerRow:
    id: int
    topics: dict
    free_slots: frozenset
    mode: str
    lat: float | None
    lon: float | None
    radius_km: float
    languages: frozenset
    blocked: frozenset = frozenset()
    past_partners: frozenset = frozenset()
    waiting_rounds: int = 0
    size_pref: tuple | None = None


@dataclass
class CircleRow:
    id: int
    member_ids: tuple
    start_slot: int
    mode: str
    lat: float | None
    lon: float | None
    languages: frozenset
    topics: dict = field(default_factory=dict)
    seats: int = 0


def propose(seekers: list[SeekerRow], open_circles: list[CircleRow], *, meeting_slots: int = 2):
    """Call ``connect.matching.form_circles`` and return its result."""
    from connect.matching import MatchParams, OpenCircle, Seeker, form_circles

    extra = set(getattr(Seeker, "__dataclass_fields__", {}))
    engine_seekers = []
    for s in seekers:
        kwargs = dict(
            id=s.id,
            topics=s.topics,
            free_slots=s.free_slots,
            mode=s.mode,
            lat=s.lat,
            lon=s.lon,
            radius_km=s.radius_km,
            languages=s.languages,
            blocked=s.blocked,
            past_partners=s.past_partners,
            waiting_rounds=s.waiting_rounds,
        )
        if "size_pref" in extra and s.size_pref is not None:
            kwargs["size_pref"] = s.size_pref
        engine_seekers.append(Seeker(**kwargs))
    circles = [
        OpenCircle(
            id=c.id,
            member_ids=c.member_ids,
            start_slot=c.start_slot,
            mode=c.mode,
            lat=c.lat,
            lon=c.lon,
            languages=c.languages,
            topics=c.topics,
            seats=c.seats,
        )
        for c in open_circles
    ]
    params = MatchParams(meeting_slots=meeting_slots)
    return form_circles(engine_seekers, params, open_circles=circles)
