"""Hypothesis strategies for small, dense random matching inputs."""

from __future__ import annotations

from hypothesis import strategies as st

from connect.matching import MatchParams, OpenCircle, Seeker

LANGS = ("en", "es", "fr")
TOPICS = ("grief", "anxiety", "loneliness", "new-parents", "caregiving")
# two small areas ~10 km apart, and a far one
PLACES = ((51.50, -0.12), (51.55, -0.05), (51.45, -0.20), (40.0, -3.7))
# slot windows, two of which wrap Sunday -> Monday
WINDOWS = ((333, 334, 335, 0, 1, 2), (100, 101, 102, 103), (0, 1, 335))


@st.composite
def seekers_strategy(draw, max_n: int = 24):
    n = draw(st.integers(0, max_n))
    ids = draw(st.lists(st.integers(1, 500), min_size=n, max_size=n, unique=True))
    out = []
    for sid in ids:
        window = draw(st.sampled_from(WINDOWS))
        free = draw(st.sets(st.sampled_from(window), min_size=0, max_size=len(window)))
        if draw(st.booleans()):
            free |= set(window)
        mode = draw(st.sampled_from(("in_person", "virtual", "either")))
        if mode == "virtual" and draw(st.booleans()):
            lat = lon = None
        else:
            lat, lon = draw(st.sampled_from(PLACES))
        topics = draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=3))
        others = [i for i in ids if i != sid]
        blocked = draw(st.sets(st.sampled_from(others), max_size=2)) if others else set()
        past = draw(st.sets(st.sampled_from(others), max_size=2)) if others else set()
        pref = draw(st.none() | st.sampled_from(((2, 3), (3, 5), (4, 6))))
        out.append(
            Seeker(
                id=sid,
                topics={k: float(v) for k, v in topics.items()},
                free_slots=frozenset(free),
                mode=mode,
                lat=lat,
                lon=lon,
                radius_km=float(draw(st.sampled_from((0, 3, 8, 15, 40)))),
                languages=frozenset(draw(st.sets(st.sampled_from(LANGS), min_size=1, max_size=2))),
                blocked=frozenset(blocked),
                past_partners=frozenset(past),
                waiting_rounds=draw(st.integers(0, 4)),
                size_pref=pref,
            )
        )
    return out


@st.composite
def params_strategy(draw):
    lo = draw(st.integers(2, 4))
    hi = draw(st.integers(lo, 6))
    return MatchParams(
        min_size=lo,
        max_size=hi,
        target_size=draw(st.integers(lo, hi)),
        meeting_slots=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 3)),
    )


@st.composite
def open_circles_strategy(draw, seekers):
    count = draw(st.integers(0, 3))
    ids = [s.id for s in seekers]
    out = []
    for k in range(count):
        mode = draw(st.sampled_from(("in_person", "virtual")))
        lat, lon = draw(st.sampled_from(PLACES)) if mode == "in_person" else (None, None)
        n_old = draw(st.integers(1, 4))
        members = tuple(1000 + 10 * k + j for j in range(n_old))
        # sometimes a member id that some seekers blocked / met before
        if ids and draw(st.booleans()):
            members = members[:-1] + (draw(st.sampled_from(ids)) + 2000,)
        out.append(
            OpenCircle(
                id=k + 1,
                member_ids=members,
                start_slot=draw(st.sampled_from((335, 0, 100, 333))),
                mode=mode,
                lat=lat,
                lon=lon,
                languages=frozenset(draw(st.sets(st.sampled_from(LANGS), min_size=1, max_size=2))),
                topics={t: 2.0 for t in draw(st.sets(st.sampled_from(TOPICS), max_size=2))},
                seats=draw(st.integers(0, 3)),
            )
        )
    return out
