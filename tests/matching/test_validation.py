"""Bad input raises a clear ValueError naming the seeker and the field."""

from __future__ import annotations

import pytest

from connect.matching import MatchParams, OpenCircle, Seeker, engine, form_circles


def _s(sid=1, **kw):
    base = {
        "id": sid,
        "topics": {"grief": 2.0},
        "free_slots": frozenset({10, 11}),
        "mode": "virtual",
        "lat": None,
        "lon": None,
        "radius_km": 5.0,
        "languages": frozenset({"en"}),
    }
    base.update(kw)
    return Seeker(**base)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"free_slots": frozenset({10, 336})}, "free_slots"),
        ({"free_slots": frozenset({-1})}, "free_slots"),
        ({"mode": "hybrid"}, "mode"),
        ({"mode": "in_person", "lat": None, "lon": None}, "lat/lon"),
        ({"radius_km": -1.0}, "radius_km"),
        ({"languages": frozenset()}, "languages"),
        ({"topics": {"grief": -2.0}}, "topics"),
        ({"lat": 95.0, "lon": 0.0}, "lat"),
        ({"waiting_rounds": -1}, "waiting_rounds"),
    ],
)
def test_bad_seeker_field(bad, field, monkeypatch):
    called = []
    monkeypatch.setattr(engine, "build_problem", lambda *a, **k: called.append(1))
    seekers = [_s(1), _s(42, **bad)]
    with pytest.raises(ValueError) as err:
        form_circles(seekers, MatchParams())
    msg = str(err.value)
    assert "seeker 42" in msg and field in msg
    assert called == []  # nothing was done before validation failed


def test_duplicate_ids():
    with pytest.raises(ValueError, match="seeker 5: field 'id'.*duplicate"):
        form_circles([_s(5), _s(5)], MatchParams())


def test_min_size_above_max_size():
    with pytest.raises(ValueError, match="min_size"):
        form_circles([_s(1)], MatchParams(min_size=6, max_size=4))


def test_bad_open_circle():
    c = OpenCircle(
        id=3,
        member_ids=(1,),
        start_slot=400,
        mode="virtual",
        lat=None,
        lon=None,
        languages=frozenset({"en"}),
        topics={},
        seats=1,
    )
    with pytest.raises(ValueError, match="open circle 3: field 'start_slot'"):
        form_circles([_s(1)], MatchParams(), [c])
