"""An independent checker of rules 1-5 (does not use the engine's own code)."""

from __future__ import annotations

import math

WEEK = 336


def km(lat1, lon1, lat2, lon2):
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(h)))


def _free_for(seeker, start, cells):
    return all((start + k) % WEEK in seeker.free_slots for k in range(cells))


def _clash(a, b):
    return (
        b.id in a.blocked or a.id in b.blocked or b.id in a.past_partners or a.id in b.past_partners
    )


def check_result(result, seekers, params, open_circles=()):
    """Return a list of rule violations (empty when the result is valid)."""
    problems = []
    by_id = {s.id: s for s in seekers}
    seen = set()
    circles_by_id = {c.id: c for c in open_circles}

    def use(sid):
        if sid not in by_id:
            problems.append(f"unknown seeker {sid}")
            return None
        if sid in seen:
            problems.append(f"seeker {sid} appears twice")
        seen.add(sid)
        return by_id[sid]

    for c in result.circles:
        members = [use(i) for i in c.member_ids]
        members = [m for m in members if m is not None]
        tag = f"circle {c.member_ids}"
        if not params.min_size <= len(c.member_ids) <= params.max_size:
            problems.append(f"{tag}: size {len(c.member_ids)}")
        if not 0 <= c.start_slot < WEEK:
            problems.append(f"{tag}: bad slot")
        for m in members:
            if not _free_for(m, c.start_slot, params.meeting_slots):
                problems.append(f"{tag}: {m.id} not free")
            if c.mode == "virtual":
                if m.mode not in ("virtual", "either"):
                    problems.append(f"{tag}: {m.id} mode {m.mode} in virtual")
            elif c.mode == "in_person":
                if m.mode not in ("in_person", "either"):
                    problems.append(f"{tag}: {m.id} mode {m.mode} in person")
                elif m.lat is None or c.lat is None:
                    problems.append(f"{tag}: {m.id} has no location")
                elif km(m.lat, m.lon, c.lat, c.lon) > m.radius_km:
                    problems.append(f"{tag}: {m.id} too far")
            else:
                problems.append(f"{tag}: bad mode {c.mode}")
            if c.language not in m.languages:
                problems.append(f"{tag}: {m.id} does not speak {c.language}")
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                if _clash(members[x], members[y]):
                    problems.append(f"{tag}: {members[x].id} and {members[y].id} clash")
    for t in result.top_ups:
        oc = circles_by_id.get(t.circle_id)
        if oc is None:
            problems.append(f"top-up of unknown circle {t.circle_id}")
            continue
        tag = f"top-up {t.circle_id}"
        news = [use(i) for i in t.member_ids]
        news = [m for m in news if m is not None]
        if len(news) > oc.seats or len(news) + len(oc.member_ids) > params.max_size:
            problems.append(f"{tag}: too many")
        if not news:
            problems.append(f"{tag}: empty")
        common = set(oc.languages)
        for m in news:
            common &= m.languages
            if not _free_for(m, oc.start_slot, params.meeting_slots):
                problems.append(f"{tag}: {m.id} not free")
            if oc.mode == "virtual" and m.mode not in ("virtual", "either"):
                problems.append(f"{tag}: {m.id} mode")
            if oc.mode == "in_person":
                if m.mode not in ("in_person", "either") or m.lat is None:
                    problems.append(f"{tag}: {m.id} mode")
                elif km(m.lat, m.lon, oc.lat, oc.lon) > m.radius_km:
                    problems.append(f"{tag}: {m.id} too far")
            for old in oc.member_ids:
                if old in m.blocked or old in m.past_partners or old == m.id:
                    problems.append(f"{tag}: {m.id} clashes with member {old}")
        if not common:
            problems.append(f"{tag}: no common language")
        for x in range(len(news)):
            for y in range(x + 1, len(news)):
                if _clash(news[x], news[y]):
                    problems.append(f"{tag}: {news[x].id} and {news[y].id} clash")
    for sid in result.unplaced:
        if sid in seen:
            problems.append(f"seeker {sid} both placed and unplaced")
    if set(result.unplaced) | seen != set(by_id):
        problems.append("some seekers are neither placed nor unplaced")
    return problems
