"""Input validation: every check runs before any matching work starts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from .types import MODES, WEEK_SLOTS, MatchParams, OpenCircle, Seeker


def _bad(what: str, field_name: str, msg: str) -> ValueError:
    return ValueError(f"{what}: field '{field_name}' {msg}")


def _check_coord(what: str, lat: object, lon: object, required: bool) -> None:
    if lat is None or lon is None:
        if required:
            raise _bad(what, "lat/lon", "is required for mode 'in_person' (got None)")
        if (lat is None) != (lon is None):
            raise _bad(what, "lat/lon", "must both be set or both be None")
        return
    for name, value, lim in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > lim:
            raise _bad(what, name, f"must be a number within ±{lim:g} (got {value!r})")


def _check_languages(what: str, languages: object) -> None:
    if not isinstance(languages, (frozenset, set)) or not languages:
        raise _bad(what, "languages", "must be a non-empty set of language codes")
    for lang in languages:
        if not isinstance(lang, str) or not lang:
            raise _bad(what, "languages", f"holds an invalid language {lang!r}")


def _check_topics(what: str, topics: object) -> None:
    if not hasattr(topics, "items"):
        raise _bad(what, "topics", "must be a mapping of topic slug to weight")
    for slug, weight in topics.items():
        if not isinstance(slug, str) or not slug:
            raise _bad(what, "topics", f"holds an invalid slug {slug!r}")
        if not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight < 0:
            raise _bad(what, "topics", f"weight of {slug!r} must be a number >= 0 (got {weight!r})")


def validate_params(params: MatchParams) -> None:
    if not isinstance(params, MatchParams):
        raise ValueError("params must be a MatchParams")  # noqa: TRY004
    for name in ("min_size", "max_size", "target_size", "meeting_slots"):
        value = getattr(params, name)
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"MatchParams: field '{name}' must be a positive integer")
    if params.min_size < 2:
        raise ValueError("MatchParams: field 'min_size' must be at least 2")
    if params.min_size > params.max_size:
        raise ValueError(
            f"MatchParams: field 'min_size' ({params.min_size}) is larger than "
            f"'max_size' ({params.max_size})"
        )
    if params.meeting_slots > WEEK_SLOTS:
        raise ValueError("MatchParams: field 'meeting_slots' must be at most 336")
    if not isinstance(params.improve_rounds, int) or params.improve_rounds < 0:
        raise ValueError("MatchParams: field 'improve_rounds' must be an integer >= 0")


def validate_seekers(seekers: Sequence[Seeker], params: MatchParams) -> None:
    seen: set[int] = set()
    for s in seekers:
        if not isinstance(s, Seeker):
            raise ValueError(f"expected a Seeker, got {type(s).__name__}")  # noqa: TRY004
        if not isinstance(s.id, int) or isinstance(s.id, bool):
            raise ValueError(f"seeker {s.id!r}: field 'id' must be an integer")  # noqa: TRY004
        what = f"seeker {s.id}"
        if s.id in seen:
            raise _bad(what, "id", "is a duplicate seeker id")
        seen.add(s.id)
        if s.mode not in MODES:
            raise _bad(what, "mode", f"must be one of {', '.join(MODES)} (got {s.mode!r})")
        _check_coord(what, s.lat, s.lon, required=s.mode == "in_person")
        r = s.radius_km
        if not isinstance(r, (int, float)) or not math.isfinite(r) or r < 0:
            raise _bad(what, "radius_km", f"must be a number >= 0 (got {r!r})")
        if not isinstance(s.free_slots, (frozenset, set)):
            raise _bad(what, "free_slots", "must be a set of slot numbers")
        for slot in s.free_slots:
            if not isinstance(slot, int) or isinstance(slot, bool) or not 0 <= slot < WEEK_SLOTS:
                raise _bad(what, "free_slots", f"holds slot {slot!r} outside 0-335")
        _check_languages(what, s.languages)
        _check_topics(what, s.topics)
        for name in ("blocked", "past_partners"):
            value = getattr(s, name)
            if not isinstance(value, (frozenset, set)):
                raise _bad(what, name, "must be a set of ids")
        if not isinstance(s.waiting_rounds, int) or s.waiting_rounds < 0:
            raise _bad(what, "waiting_rounds", "must be an integer >= 0")
        if s.size_pref is not None:
            sp = s.size_pref
            if (
                not isinstance(sp, tuple)
                or len(sp) != 2
                or not all(isinstance(x, int) for x in sp)
                or sp[0] > sp[1]
            ):
                raise _bad(what, "size_pref", f"must be a (low, high) pair of ints (got {sp!r})")


def validate_open_circles(circles: Iterable[OpenCircle], params: MatchParams) -> None:
    seen: set[int] = set()
    for c in circles:
        if not isinstance(c, OpenCircle):
            raise ValueError(f"expected an OpenCircle, got {type(c).__name__}")  # noqa: TRY004
        what = f"open circle {c.id}"
        if c.id in seen:
            raise _bad(what, "id", "is a duplicate circle id")
        seen.add(c.id)
        if c.mode not in ("in_person", "virtual"):
            raise _bad(what, "mode", f"must be 'in_person' or 'virtual' (got {c.mode!r})")
        _check_coord(what, c.lat, c.lon, required=c.mode == "in_person")
        if not isinstance(c.start_slot, int) or not 0 <= c.start_slot < WEEK_SLOTS:
            raise _bad(what, "start_slot", f"must be within 0-335 (got {c.start_slot!r})")
        _check_languages(what, c.languages)
        _check_topics(what, c.topics)
        if not isinstance(c.seats, int) or c.seats < 0:
            raise _bad(what, "seats", f"must be an integer >= 0 (got {c.seats!r})")
        if len(set(c.member_ids)) != len(c.member_ids):
            raise _bad(what, "member_ids", "holds duplicates")


def validate_all(
    seekers: Sequence[Seeker], params: MatchParams, open_circles: Iterable[OpenCircle]
) -> None:
    validate_params(params)
    validate_seekers(seekers, params)
    validate_open_circles(open_circles, params)
