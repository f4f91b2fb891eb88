"""Bucket jobs and their circles as plain JSON data, to solve them elsewhere.

A job carries the seekers of one bucket (availability as a hex bit mask of the
week's 336 cells, so a job stays small) and the round's parameters; its
answer is the circles it formed, by seeker id. ``solve_json`` is all a worker
runs; ``form_circles`` merges the answers and checks each circle against its
job.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .engine import BucketJob, JobCircle, solve_job
from .types import MatchParams, OpenCircle, Seeker


def _slots_to_hex(slots: frozenset[int]) -> str:
    mask = 0
    for cell in slots:
        mask |= 1 << cell
    return format(mask, "x")


def _slots_from_hex(text: str) -> frozenset[int]:
    mask = int(text, 16)
    cells = []
    while mask:  # one step per free cell, not per cell of the week
        low = mask & -mask
        cells.append(low.bit_length() - 1)
        mask ^= low
    return frozenset(cells)


def seeker_to_json(s: Seeker) -> dict[str, Any]:
    return {
        "id": s.id,
        "topics": dict(s.topics),
        "free": _slots_to_hex(s.free_slots),
        "mode": s.mode,
        "lat": s.lat,
        "lon": s.lon,
        "radius_km": s.radius_km,
        "languages": sorted(s.languages),
        "blocked": sorted(s.blocked),
        "past_partners": sorted(s.past_partners),
        "waiting_rounds": s.waiting_rounds,
        "size_pref": list(s.size_pref) if s.size_pref is not None else None,
    }


def seeker_from_json(d: dict[str, Any]) -> Seeker:
    size = d["size_pref"]
    return Seeker(
        id=int(d["id"]),
        topics={str(k): float(v) for k, v in d["topics"].items()},
        free_slots=_slots_from_hex(d["free"]),
        mode=str(d["mode"]),
        lat=None if d["lat"] is None else float(d["lat"]),
        lon=None if d["lon"] is None else float(d["lon"]),
        radius_km=float(d["radius_km"]),
        languages=frozenset(d["languages"]),
        blocked=frozenset(int(x) for x in d["blocked"]),
        past_partners=frozenset(int(x) for x in d["past_partners"]),
        waiting_rounds=int(d["waiting_rounds"]),
        size_pref=None if size is None else (int(size[0]), int(size[1])),
    )


def job_to_json(job: BucketJob) -> dict[str, Any]:
    return {
        "key": job.key,
        "mode": job.mode,
        "params": asdict(job.params),
        "seekers": [seeker_to_json(s) for s in job.seekers],
    }


def job_from_json(d: dict[str, Any]) -> BucketJob:
    return BucketJob(
        key=str(d["key"]),
        mode=str(d["mode"]),
        seekers=tuple(seeker_from_json(s) for s in d["seekers"]),
        params=MatchParams(**d["params"]),
    )


def circles_to_json(circles: list[JobCircle]) -> list[dict[str, Any]]:
    return [asdict(c) for c in circles]


def circles_from_json(data: list[dict[str, Any]]) -> list[JobCircle]:
    return [
        JobCircle(
            member_ids=tuple(int(i) for i in c["member_ids"]),
            slot=int(c["slot"]),
            language=str(c["language"]),
            point=None if c["point"] is None else (float(c["point"][0]), float(c["point"][1])),
        )
        for c in data
    ]


def solve_json(job: dict[str, Any]) -> list[dict[str, Any]]:
    """A worker's whole task: a job in, its circles out, both as JSON data."""
    return circles_to_json(solve_job(job_from_json(job)))


def open_circle_to_json(c: OpenCircle) -> dict[str, Any]:
    return {
        "id": c.id,
        "member_ids": list(c.member_ids),
        "start_slot": c.start_slot,
        "mode": c.mode,
        "lat": c.lat,
        "lon": c.lon,
        "languages": sorted(c.languages),
        "topics": dict(c.topics),
        "seats": c.seats,
    }


def open_circle_from_json(d: dict[str, Any]) -> OpenCircle:
    return OpenCircle(
        id=int(d["id"]),
        member_ids=tuple(int(i) for i in d["member_ids"]),
        start_slot=int(d["start_slot"]),
        mode=str(d["mode"]),
        lat=None if d["lat"] is None else float(d["lat"]),
        lon=None if d["lon"] is None else float(d["lon"]),
        languages=frozenset(d["languages"]),
        topics={str(k): float(v) for k, v in d["topics"].items()},
        seats=int(d["seats"]),
    )
