"""A matching round: read who is waiting, ask the engine, write the result.

Everything a round writes (circles, invitations, the round's record, the
waiting counters) happens in ONE transaction that also holds the round lock
(``RoundLock`` row, ``SELECT … FOR UPDATE NOWAIT`` on PostgreSQL; SQLite
serialises writers itself), so two rounds never run at once and a crash at
any point leaves nothing half-written. Emails are queued on commit only.
"""

import time
from collections import Counter, defaultdict
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Profile, ProfileTopic
from accounts.selectors import utc_free_slots, week_start_utc
from connect.safety.models import Suspension
from connect.safety.selectors import block_map

from . import engine
from .models import Circle, Invitation, MatchRound, Membership, RoundLock
from .services.circles import circle_create_from_proposal
from .services.invitations import invitations_create

MEETING_SLOTS = 2


class RoundBusy(Exception):
    """Another matching round is running."""


def _noop(stage: str, done: int = 0, total: int = 0) -> None:
    return None


def suspended_ids() -> set[int]:
    now = timezone.now()
    return set(
        Suspension.objects.filter(lifted_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .values_list("user_id", flat=True)
    )


def gather_seekers(week_start: datetime) -> list[engine.Seeker]:
    """Every seeker: onboarded, looking, active, 18+ and the current guidelines
    agreed, not suspended, no pending invitation, and not already in a circle
    sharing one of their topics."""
    profiles = list(
        Profile.objects.filter(
            onboarded_at__isnull=False,
            is_looking=True,
            user__is_active=True,
            adult_confirmed_at__isnull=False,
            guidelines_version=settings.CONNECT_GUIDELINES_VERSION,
        ).exclude(user_id__in=suspended_ids())
    )
    ids = [p.user_id for p in profiles]
    invited = set(
        Invitation.objects.filter(user_id__in=ids, status=Invitation.Status.PENDING).values_list(
            "user_id", flat=True
        )
    )
    topics: dict[int, dict[str, float]] = defaultdict(dict)
    topic_ids: dict[int, set[int]] = defaultdict(set)
    for uid, slug, tid, weight in ProfileTopic.objects.filter(profile__user_id__in=ids).values_list(
        "profile__user_id", "topic__slug", "topic_id", "weight"
    ):
        topics[uid][slug] = float(weight)
        topic_ids[uid].add(tid)
    in_circle_topics: dict[int, set[int]] = defaultdict(set)
    for uid, tid in (
        Membership.objects.filter(user_id__in=ids, status=Membership.Status.ACTIVE)
        .exclude(circle__status=Circle.Status.CLOSED)
        .values_list("user_id", "circle__topics")
    ):
        if tid is not None:
            in_circle_topics[uid].add(tid)
    # Past partners: anyone who shared a circle that actually started.
    by_circle: dict[int, set[int]] = defaultdict(set)
    for circle_id, uid in Membership.objects.filter(
        circle__in=Membership.objects.filter(user_id__in=ids).values("circle_id"),
        circle__activated_at__isnull=False,
    ).values_list("circle_id", "user_id"):
        by_circle[circle_id].add(uid)
    partners: dict[int, set[int]] = defaultdict(set)
    for members in by_circle.values():
        for uid in members:
            partners[uid] |= members - {uid}
    blocks = block_map(ids)

    rows = []
    for p in profiles:
        uid = p.user_id
        if uid in invited or not topics.get(uid):
            continue
        if topic_ids[uid] & in_circle_topics.get(uid, set()):
            continue
        mode = p.mode
        has_point = p.lat is not None and p.lon is not None
        if not has_point:
            if mode == "in_person":
                continue  # cannot be matched in person without a city
            mode = "virtual"
        rows.append(
            engine.Seeker(
                id=uid,
                topics=topics[uid],
                free_slots=utc_free_slots(p.availability or [], p.timezone, week_start),
                mode=mode,
                lat=p.lat if has_point else None,
                lon=p.lon if has_point else None,
                radius_km=float(p.radius_km),
                languages=frozenset(p.languages or ["en"]),
                blocked=frozenset(blocks.get(uid, ())),
                past_partners=frozenset(partners.get(uid, ())),
                waiting_rounds=p.waiting_rounds,
                size_pref=(p.size_min, p.size_max),
            )
        )
    return rows


def gather_open_circles() -> list[engine.OpenCircle]:
    """Active or paused circles with seats not held by a member or pending invitation."""
    circles = list(
        Circle.objects.filter(status__in=(Circle.Status.ACTIVE, Circle.Status.PAUSED))
        .filter(member_count__lt=F("capacity"))
        .prefetch_related("topics")
    )
    pending = Counter(
        Invitation.objects.filter(circle__in=circles, status=Invitation.Status.PENDING).values_list(
            "circle_id", flat=True
        )
    )
    members: dict[int, list[int]] = defaultdict(list)
    for circle_id, uid in Membership.objects.filter(
        circle__in=circles, status=Membership.Status.ACTIVE
    ).values_list("circle_id", "user_id"):
        members[circle_id].append(uid)
    rows = []
    for c in circles:
        seats = c.open_seats(pending[c.pk])
        if seats <= 0 or (c.mode == Circle.Mode.IN_PERSON and c.lat is None):
            continue
        rows.append(
            engine.OpenCircle(
                id=c.pk,
                member_ids=tuple(sorted(members[c.pk])),
                start_slot=c.start_slot,
                mode=c.mode,
                lat=c.lat,
                lon=c.lon,
                languages=frozenset([c.language]),
                topics={t.slug: 2.0 for t in c.topics.all()},
                seats=seats,
            )
        )
    return rows


def _city_of(member_ids, profiles) -> str:
    names = Counter(profiles[m].city_name for m in member_ids if m in profiles)
    names.pop("", None)
    return names.most_common(1)[0][0] if names else ""


def write_result(result, match_round: MatchRound, progress=_noop) -> int:
    """New forming circles and their invitations, then top-up invitations."""
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(
            user_id__in=[m for c in result.circles for m in c.member_ids]
        )
    }
    invitations = 0
    total = len(result.circles) + len(result.top_ups)
    done = 0
    for proposal in result.circles:
        _circle, invs = circle_create_from_proposal(
            member_ids=list(proposal.member_ids),
            start_slot=proposal.start_slot,
            mode=proposal.mode,
            language=proposal.language,
            topic_slugs=list(proposal.shared_topics),
            lat=proposal.lat,
            lon=proposal.lon,
            city_name=_city_of(proposal.member_ids, profiles),
            slot_count=MEETING_SLOTS,
            match_reason=getattr(proposal, "why", ""),
            match_round=match_round,
            scores=list(getattr(proposal, "member_scores", ()) or ()),
        )
        invitations += len(invs)
        done += 1
        progress("writing", done, total)
    for top_up in result.top_ups:
        circle = Circle.objects.get(pk=top_up.circle_id)
        slugs = list(getattr(top_up, "shared_topics", ()) or ()) or list(
            circle.topics.values_list("slug", flat=True)
        )
        invs = invitations_create(
            circle,
            list(top_up.member_ids),
            kind=Invitation.Kind.TOP_UP,
            topic_slugs=slugs,
            match_round=match_round,
            scores=list(getattr(top_up, "member_scores", ()) or ()),
        )
        invitations += len(invs)
        done += 1
        progress("writing", done, total)
    return invitations


def run_round(*, dry_run: bool = False, progress=_noop, now=None):
    """Run one matching round. Returns the ``MatchRound`` record (unsaved for a
    dry run). Raises ``RoundBusy`` if another round holds the lock. A round
    that fails writes nothing but a ``failed`` record, and re-raises."""
    now = now or timezone.now()
    try:
        return _run_round(dry_run=dry_run, progress=progress, now=now)
    except RoundBusy:
        raise
    except Exception as exc:
        if not dry_run:
            MatchRound.objects.create(
                started_at=now,
                finished_at=timezone.now(),
                status=MatchRound.Status.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        raise


def _run_round(*, dry_run: bool, progress, now):
    started = time.perf_counter()
    RoundLock.objects.get_or_create(pk=1)
    with transaction.atomic():
        lock = _take_lock()
        progress("reading seekers")
        seekers = gather_seekers(week_start_utc(now.date()))
        progress("reading open circles", len(seekers))
        open_circles = gather_open_circles()
        progress("matching", len(seekers), len(open_circles))
        result = engine.propose(seekers, open_circles, meeting_slots=MEETING_SLOTS)
        record = _round_record(result, seekers, open_circles, now)
        if dry_run:
            record.seconds = time.perf_counter() - started
            record.result = result
            transaction.set_rollback(True)
            return record
        _write_round(record, result, seekers, lock, now, started, progress)
    return record


def _take_lock() -> RoundLock:
    try:
        return RoundLock.objects.select_for_update(nowait=True).get(pk=1)
    except DatabaseError as exc:
        raise RoundBusy("another matching round is running") from exc


def _round_record(result, seekers, open_circles, now) -> MatchRound:
    stats = dict(result.stats or {})
    placed = sum(len(c.member_ids) for c in result.circles) + sum(
        len(t.member_ids) for t in result.top_ups
    )
    quality = float(stats.get("quality", 0.0) or 0.0)
    bound = float(stats.get("bound", 0.0) or 0.0)
    return MatchRound(
        started_at=now,
        seekers=len(seekers),
        open_circles=len(open_circles),
        circles_proposed=len(result.circles),
        top_ups=len(result.top_ups),
        placed=placed,
        placeable=int(stats.get("placeable", 0) or 0),
        unplaced_reasons=dict(Counter(result.unplaced.values())),
        quality=quality,
        bound=bound,
        quality_ratio=(quality / bound) if bound else None,
    )


def _write_round(record, result, seekers, lock, now, started, progress) -> None:
    """Inside the round's transaction, holding the lock: circles, invitations,
    the waiting counters and the round's record."""
    record.save()
    record.invitations = write_result(result, record, progress)
    placed_ids = {m for c in result.circles for m in c.member_ids} | {
        m for t in result.top_ups for m in t.member_ids
    }
    Profile.objects.filter(user_id__in=[s.id for s in seekers if s.id not in placed_ids]).update(
        waiting_rounds=F("waiting_rounds") + 1
    )
    record.finished_at = timezone.now()
    record.seconds = time.perf_counter() - started
    record.save()
    lock.last_started_at = now
    lock.save(update_fields=["last_started_at"])
    record.result = result


# --- The round across workers ---------------------------------------------
#
# ``round_fan_out`` reads who is waiting, plans the engine's bucket jobs and
# sends them to the workers as a Celery chord; the chord's body,
# ``round_finish``, merges the answers and writes the round in ONE transaction
# under the round lock, as ``run_round`` does. The people read at the start
# may have changed by then: a proposal is kept only if every member is still
# a seeker exactly as read (same availability, blocks, topics...), a top-up
# only if its circle is still open exactly as read; the others wait for the
# next round (they stay first in line). docs/decisions/0037-matching-round-workers.md


def matching_workers() -> int:
    """How many worker processes could solve buckets at once: 1 without a
    real broker (the embedded defaults) or with tasks run inline;
    CONNECT_MATCH_WORKERS when set; else the pool sizes of the workers that
    answer now."""
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return 1
    configured = int(getattr(settings, "CONNECT_MATCH_WORKERS", 0) or 0)
    if configured > 0:
        return configured
    from celery import current_task

    from connect.celery import app

    # One reply per worker, even when two share a node name (``inspect`` would merge them).
    replies = app.control.broadcast("stats", reply=True, timeout=1.0) or []
    stats = [(name, s) for reply in replies for name, s in reply.items()]
    total = sum(int(s.get("pool", {}).get("max-concurrency", 1) or 1) for _, s in stats)
    me = getattr(getattr(current_task, "request", None), "hostname", None)
    if me and me not in {name for name, _ in stats}:
        total += 1  # a one-process worker busy with this very task cannot answer
    return total


def round_fan_out(*, now=None) -> int:
    """Start a round whose buckets the workers solve; returns how many jobs
    went out. Raises ``RoundBusy`` while another round holds the lock."""
    from celery import chord

    from .tasks import finish_match_round, solve_matching_bucket

    now = now or timezone.now()
    RoundLock.objects.get_or_create(pk=1)
    with transaction.atomic():
        _take_lock()  # refuse now rather than after the workers' effort
    seekers = gather_seekers(week_start_utc(now.date()))
    open_circles = gather_open_circles()
    jobs = engine.bucket_jobs_for(seekers, open_circles, meeting_slots=MEETING_SLOTS)
    snapshot = {
        "now": now.isoformat(),
        "seekers": [engine.json.seeker_to_json(s) for s in seekers],
        "open_circles": [engine.json.open_circle_to_json(c) for c in open_circles],
    }
    if not jobs:
        finish_match_round.delay([], snapshot)
        return 0
    # Largest first: the workers take them in this order, so the longest job
    # never starts last.
    order = sorted(range(len(jobs)), key=lambda k: -len(jobs[k].seekers))
    header = [solve_matching_bucket.s(k, engine.json.job_to_json(jobs[k])) for k in order]
    chord(header)(finish_match_round.s(snapshot))
    return len(jobs)


def round_finish(answers: list[dict], snapshot: dict, progress=_noop) -> MatchRound:
    """The chord's body: merge the workers' answers and write the round.
    A second delivery of the same round finds its record and writes nothing."""
    now = datetime.fromisoformat(snapshot["now"])
    done = MatchRound.objects.filter(started_at=now, status=MatchRound.Status.DONE).first()
    if done is not None:
        return done
    seekers = [engine.json.seeker_from_json(s) for s in snapshot["seekers"]]
    open_circles = [engine.json.open_circle_from_json(c) for c in snapshot["open_circles"]]
    ordered = [a["circles"] for a in sorted(answers, key=lambda a: a["index"])]
    started = time.perf_counter()
    try:
        RoundLock.objects.get_or_create(pk=1)
        with transaction.atomic():
            lock = _take_lock()
            result = engine.propose(
                seekers,
                open_circles,
                meeting_slots=MEETING_SLOTS,
                runner=engine.answers_runner(ordered),
            )
            considered = {s.id for s in seekers}
            current = [s for s in gather_seekers(week_start_utc(now.date())) if s.id in considered]
            result = _still_current(result, seekers, open_circles, current)
            record = _round_record(result, seekers, open_circles, now)
            # Only those still waiting, and read by this round, waited one more round.
            _write_round(record, result, current, lock, now, started, progress)
        return record
    except RoundBusy:
        raise
    except Exception as exc:
        MatchRound.objects.create(
            started_at=now,
            finished_at=timezone.now(),
            status=MatchRound.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise


def _still_current(result, seekers, open_circles, current_seekers):
    """Keep only proposals whose people (and circle) are as they were read."""
    then = {s.id: s for s in seekers}
    now = {s.id: s for s in current_seekers}
    open_then = {c.id: c for c in open_circles}
    open_now = {c.id: c for c in gather_open_circles()}

    def unchanged(ids) -> bool:
        return all(now.get(i) == then[i] for i in ids)

    result.circles = [c for c in result.circles if unchanged(c.member_ids)]
    result.top_ups = [
        t
        for t in result.top_ups
        if unchanged(t.member_ids) and open_now.get(t.circle_id) == open_then[t.circle_id]
    ]
    return result


def workers_runner(timeout: float = 3600) -> engine.Runner:
    """A runner that sends the jobs to the workers (largest first) and waits
    for their answers: for a caller outside the workers (the benchmark, a
    command). A round started by beat never waits: it uses the chord."""
    from celery import group

    from .tasks import solve_matching_bucket

    def run(jobs):
        order = sorted(range(len(jobs)), key=lambda k: -len(jobs[k].seekers))
        pending = group(
            solve_matching_bucket.s(k, engine.json.job_to_json(jobs[k])) for k in order
        ).apply_async()
        answers = pending.get(timeout=timeout)
        pending.forget()
        ordered = [a["circles"] for a in sorted(answers, key=lambda a: a["index"])]
        return engine.answers_runner(ordered)(jobs)

    return run
