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
        try:
            lock = RoundLock.objects.select_for_update(nowait=True).get(pk=1)
        except DatabaseError as exc:
            raise RoundBusy("another matching round is running") from exc
        week_start = week_start_utc(now.date())
        progress("reading seekers")
        seekers = gather_seekers(week_start)
        progress("reading open circles", len(seekers))
        open_circles = gather_open_circles()
        progress("matching", len(seekers), len(open_circles))
        result = engine.propose(seekers, open_circles, meeting_slots=MEETING_SLOTS)
        stats = dict(result.stats or {})
        placed = sum(len(c.member_ids) for c in result.circles) + sum(
            len(t.member_ids) for t in result.top_ups
        )
        quality = float(stats.get("quality", 0.0) or 0.0)
        bound = float(stats.get("bound", 0.0) or 0.0)
        record = MatchRound(
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
        if dry_run:
            record.seconds = time.perf_counter() - started
            record.result = result
            transaction.set_rollback(True)
            return record
        record.save()
        record.invitations = write_result(result, record, progress)
        placed_ids = {m for c in result.circles for m in c.member_ids} | {
            m for t in result.top_ups for m in t.member_ids
        }
        Profile.objects.filter(
            user_id__in=[s.id for s in seekers if s.id not in placed_ids]
        ).update(waiting_rounds=F("waiting_rounds") + 1)
        record.finished_at = timezone.now()
        record.seconds = time.perf_counter() - started
        record.save()
        lock.last_started_at = now
        lock.save(update_fields=["last_started_at"])
        record.result = result
    return record
