"""Every proposal keeps rules 1-5 (checked by an independent checker)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connect.matching import MatchParams, OpenCircle, Seeker, form_circles

from .checker import check_result
from .strategies import open_circles_strategy, params_strategy, seekers_strategy

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(data=st.data())
def test_random_inputs_keep_the_rules(data):
    seekers = data.draw(seekers_strategy())
    params = data.draw(params_strategy())
    circles = data.draw(open_circles_strategy(seekers))
    # some seekers block / met an open circle's member (one direction only)
    member_ids = [m for c in circles for m in c.member_ids]
    if seekers and member_ids:
        k = data.draw(st.integers(0, len(seekers) - 1))
        s = seekers[k]
        seekers[k] = replace(s, blocked=s.blocked | {member_ids[0]})
    result = form_circles(seekers, params, circles)
    assert check_result(result, seekers, params, circles) == []
    assert result.stats["quality"] <= result.stats["bound"] + 1e-6
    assert result.stats["placed"] == len(seekers) - len(result.unplaced)


def _s(sid, **kw):
    base = {
        "id": sid,
        "topics": {"grief": 3.0},
        "free_slots": frozenset({335, 0}),
        "mode": "virtual",
        "lat": None,
        "lon": None,
        "radius_km": 0.0,
        "languages": frozenset({"en"}),
    }
    base.update(kw)
    return Seeker(**base)


def test_empty_input():
    result = form_circles([], MatchParams())
    assert result.circles == [] and result.top_ups == [] and result.unplaced == {}
    assert result.stats["placed"] == 0


def test_wraps_sunday_to_monday():
    seekers = [_s(i) for i in range(1, 6)]
    result = form_circles(seekers, MatchParams())
    assert check_result(result, seekers, MatchParams()) == []
    assert len(result.circles) == 1
    assert result.circles[0].start_slot == 335
    assert result.circles[0].mode == "virtual"
    assert result.circles[0].lat is None


def test_block_in_one_direction_keeps_them_apart():
    seekers = [_s(1, blocked=frozenset({2}))] + [_s(i) for i in range(2, 5)]
    result = form_circles(seekers, MatchParams())
    assert result.circles == []
    assert set(result.unplaced) == {1, 2, 3, 4}
    more = seekers + [_s(5), _s(6)]
    result = form_circles(more, MatchParams())
    assert check_result(result, more, MatchParams()) == []
    for c in result.circles:
        assert not {1, 2} <= set(c.member_ids)


def test_past_partners_are_not_matched_again():
    seekers = [_s(i) for i in range(1, 5)] + [_s(5, past_partners=frozenset({1}))]
    result = form_circles(seekers, MatchParams())
    assert check_result(result, seekers, MatchParams()) == []
    assert len(result.circles) == 1 and len(result.circles[0].member_ids) == 4


def test_in_person_distance_and_meeting_point():
    near = [_s(i, mode="in_person", lat=51.5, lon=-0.12, radius_km=5.0) for i in range(1, 5)]
    far = _s(9, mode="in_person", lat=52.5, lon=-0.12, radius_km=5.0)
    seekers = near + [far]
    result = form_circles(seekers, MatchParams())
    assert check_result(result, seekers, MatchParams()) == []
    assert [c.member_ids for c in result.circles] == [(1, 2, 3, 4)]
    assert result.circles[0].mode == "in_person"
    assert 9 in result.unplaced
    assert "nearby" in result.unplaced[9]


def test_either_goes_where_it_can():
    seekers = [_s(i, mode="either", lat=51.5, lon=-0.1, radius_km=10.0) for i in range(1, 4)]
    seekers.append(_s(4, mode="virtual"))
    result = form_circles(seekers, MatchParams())
    assert check_result(result, seekers, MatchParams()) == []
    assert len(result.circles) == 1 and result.circles[0].mode == "virtual"


def test_shared_language_is_named():
    seekers = [_s(i, languages=frozenset({"en", "es"})) for i in range(1, 4)]
    seekers.append(_s(4, languages=frozenset({"es"})))
    result = form_circles(seekers, MatchParams())
    assert result.circles[0].language == "es"
    assert "es" in result.circles[0].why


def test_top_up_respects_seats_and_member_blocks():
    circle = OpenCircle(
        id=7,
        member_ids=(900, 901, 902, 903, 904, 905),
        start_slot=335,
        mode="virtual",
        lat=None,
        lon=None,
        languages=frozenset({"en"}),
        topics={"grief": 1.0},
        seats=5,
    )
    seekers = [
        _s(1, blocked=frozenset({900})),
        _s(2, past_partners=frozenset({901})),
        _s(3),
        _s(4),
        _s(5),
    ]
    params = MatchParams()
    result = form_circles(seekers, params, [circle])
    assert check_result(result, seekers, params, [circle]) == []
    assert len(result.top_ups) == 1
    top = result.top_ups[0]
    assert top.circle_id == 7
    assert len(top.member_ids) == 2  # max_size 8 - 6 members
    assert not {1, 2} & set(top.member_ids)
    assert top.why


def test_explanations_and_stats():
    seekers = [_s(i, topics={"grief": 3.0, "caregiving": 1.0}) for i in range(1, 7)]
    result = form_circles(seekers, MatchParams())
    (c,) = result.circles
    assert c.shared_topics[0] == "grief"
    assert "Sun 23:30 UTC" in c.why
    assert abs(c.score - 6.0) < 1e-9
    assert abs(result.stats["quality_ratio"] - 1.0) < 1e-3
    assert result.stats["placed_of_placeable"] == 1.0
