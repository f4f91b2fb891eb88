"""Build a large, realistic data set for benchmarks: a year of Connect.

Defaults: 10,000 people, 1,500 circles, a year of weekly meetups with RSVPs,
check-ins and "did you feel heard" answers, 200,000 chat messages, reports,
crisis alerts, blocks, invitations and one matching round a week. Everything is
written with ``bulk_create`` in one transaction (about a minute on PostgreSQL).

``--people`` scales the whole set down (circles and messages follow unless
given), so a test can run it on SQLite in a second. The numbers come from a
seeded random generator: the same options give the same data.

Refused in production settings (``CONNECT_PRODUCTION=true``) and on a database
that already holds a seeded set. Every account's email ends in
``@scale.example``; they all share the password ``connect-scale-password``;
the moderator is ``moderator@scale.example``.
"""

import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Profile, ProfileTopic, Topic, User
from connect.chat.models import Message
from connect.circles.models import Circle, Invitation, MatchRound, Membership
from connect.meetups.models import RSVP, CheckIn, Feedback, MeetupSeries, Occurrence
from connect.moderation.models import CrisisAlert, Report
from connect.safety.models import Block

DOMAIN = "scale.example"
PASSWORD = "connect-scale-password"  # noqa: S105  (benchmark data only; refused in production)
MODERATOR_EMAIL = f"moderator@{DOMAIN}"
BATCH = 5000

# (name, country, GeoNames id, lat, lon, IANA zone): city-level points only.
CITIES = [
    ("London", "GB", 2643743, 51.50853, -0.12574, "Europe/London"),
    ("Manchester", "GB", 2643123, 53.48095, -2.23743, "Europe/London"),
    ("New York City", "US", 5128581, 40.71427, -74.00597, "America/New_York"),
    ("Chicago", "US", 4887398, 41.85003, -87.65005, "America/Chicago"),
    ("Madrid", "ES", 3117735, 40.4165, -3.70256, "Europe/Madrid"),
    ("Berlin", "DE", 2950159, 52.52437, 13.41053, "Europe/Berlin"),
    ("Toronto", "CA", 6167865, 43.70011, -79.4163, "America/Toronto"),
    ("Sydney", "AU", 2147714, -33.86785, 151.20732, "Australia/Sydney"),
]
VIRTUAL_ZONES = ["Europe/London", "America/New_York", "Europe/Madrid", "America/Los_Angeles"]
ENGINE_REASONS = [
    "no one free at the same time nearby",
    "fewer than 3 others free at the same time nearby",
    "not free for 60 minutes in a row this week",
    "circles at your times were full this round; you stay first in line",
]
MESSAGES = [
    "Thanks for listening today.",
    "Same time next week?",
    "I tried the breathing thing, it helped a bit.",
    "Running ten minutes late, sorry!",
    "That was a good one. See you all soon.",
    "Has anyone been to the library café before?",
    "Thinking of you this week.",
    "I'll bring biscuits.",
]
EVENINGS = [day * 48 + cell for day in range(5) for cell in range(36, 42)]


@dataclass
class PlannedCircle:
    index: int
    created_at: datetime
    weeks: int  # how many weeks it meets (it stops meeting after that)
    mode: str
    city: tuple | None
    zone: str
    size: int
    member_idx: list[int] = field(default_factory=list)
    left: dict[int, datetime] = field(default_factory=dict)  # person index → ended_at


@contextmanager
def stamps_kept(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the timestamps given (auto_now/auto_now_add off)."""
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def batched(rows: Iterable, size: int = BATCH) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Command(BaseCommand):
    help = "Build a year of Connect at scale for benchmarks (refused in production)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--circles", type=int, help="default: 15%% of --people")
        parser.add_argument("--messages", type=int, help="default: 20 per person")
        parser.add_argument("--weeks", type=int, default=52, help="how far back it starts")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Refusing to build benchmark data in production settings.")
        people = options["people"]
        circles = options["circles"] if options["circles"] is not None else people * 15 // 100
        messages = options["messages"] if options["messages"] is not None else people * 20
        weeks = options["weeks"]
        if people < 10 or circles < 1 or weeks < 1 or messages < 0:
            raise CommandError("Give at least 10 people, 1 circle and 1 week.")
        if circles * 5 > people:
            raise CommandError("Too many circles for the people: at most one circle per 5.")
        if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
            raise CommandError(f"This database already holds @{DOMAIN} people: use a fresh one.")
        if not Topic.objects.exists():
            raise CommandError("No topics: run `python manage.py migrate` first.")
        started = time.perf_counter()
        self.rng = random.Random(options["seed"])  # noqa: S311  (synthetic data)
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.start = self.now - timedelta(weeks=weeks)
        self.counts: dict[str, int] = {}
        with transaction.atomic(), stamps_kept(
            Profile, Circle, Membership, Invitation, MeetupSeries, RSVP, CheckIn, Feedback,
            Message, Report, CrisisAlert, Block,
        ):  # fmt: skip
            plan = self._plan(people, circles, weeks)
            user_ids = self._people(people, plan)
            rounds = self._rounds(weeks, people, plan)
            circle_ids = self._circles(plan, user_ids, rounds)
            self._invitations(plan, user_ids, circle_ids, rounds)
            self._meetups(plan, user_ids, circle_ids)
            message_ids = self._messages(plan, user_ids, circle_ids, messages)
            self._safety(plan, user_ids, circle_ids, message_ids)
        with transaction.atomic():
            self._moderator()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: right after a bulk load it
            # believes the tables are nearly empty and picks nested loops that
            # made browsing three times slower until autovacuum came round.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{n:,} {name}" for name, n in self.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Built in {seconds:.1f} s: {summary}."))
        self.stdout.write(f"Moderator: {MODERATOR_EMAIL}; every password: {PASSWORD}")

    # --- planning (in memory) -------------------------------------------------

    def _plan(self, people: int, circles: int, weeks: int) -> list[PlannedCircle]:
        rng = self.rng
        order = list(range(people))
        rng.shuffle(order)
        plan = []
        for c in range(circles):
            created = self.start + timedelta(hours=rng.uniform(0, weeks * 7 * 24 - 24))
            # Some circles fade: about a fifth stop within 4 weeks, fewer later.
            fate = rng.random()
            if fate < 0.2:
                span = rng.randint(1, 3)
            elif fate < 0.35:
                span = rng.randint(4, 7)
            elif fate < 0.45:
                span = rng.randint(8, 11)
            else:
                span = 10_000
            in_person = rng.random() < 0.6
            city = rng.choice(CITIES) if in_person else None
            zone = city[5] if city else rng.choice(VIRTUAL_ZONES)
            size = rng.randint(4, 8)
            plan.append(
                PlannedCircle(
                    c, created, span, "in_person" if in_person else "virtual", city, zone, size
                )
            )
        # Fill the circles from the shuffled people; the rest are waiting seekers.
        cursor = 0
        for pc in plan:
            # Never more than the people left, keeping four for each circle still to fill.
            pc.size = max(4, min(pc.size, people - cursor - 4 * (circles - pc.index - 1)))
            pc.member_idx = order[cursor : cursor + pc.size]
            cursor += pc.size
            for idx in pc.member_idx[1:]:
                if rng.random() < 0.08:
                    pc.left[idx] = pc.created_at + timedelta(days=rng.uniform(7, 120))
        self.waiting = order[cursor:]
        return plan

    # --- people -------------------------------------------------------------

    def _people(self, people: int, plan: list[PlannedCircle]) -> list[int]:
        rng = self.rng
        joined = {}
        home: dict[int, PlannedCircle] = {}
        for pc in plan:
            for idx in pc.member_idx:
                joined[idx] = pc.created_at - timedelta(days=rng.uniform(1, 40))
                home[idx] = pc
        password = make_password(PASSWORD)
        users = [
            User(
                email=f"person{i}@{DOMAIN}",
                password=password,
                date_joined=joined.get(i)
                or self.start + timedelta(days=rng.uniform(0, (self.now - self.start).days)),
            )
            for i in range(people)
        ]
        for chunk in batched(users):
            User.objects.bulk_create(chunk)
        ids = [u.pk for u in users]
        EmailAddress.objects.bulk_create(
            (EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users),
            batch_size=BATCH,
        )
        topic_ids = list(Topic.objects.values_list("pk", flat=True))
        waiting = set(self.waiting)
        profiles = []
        for i, u in enumerate(users):
            mine = home.get(i)
            city = (mine.city if mine else None) or (
                rng.choice(CITIES) if rng.random() < 0.6 else None
            )
            zone = city[5] if city else (mine.zone if mine else rng.choice(VIRTUAL_ZONES))
            profiles.append(
                Profile(
                    user_id=u.pk,
                    display_name=f"Person {i}",
                    adult_confirmed_at=u.date_joined,
                    guidelines_version=settings.CONNECT_GUIDELINES_VERSION,
                    guidelines_accepted_at=u.date_joined,
                    mode=mine.mode if mine else rng.choice(["in_person", "virtual", "either"]),
                    city_name=city[0] if city else "",
                    country_code=city[1] if city else "",
                    city_geoname_id=city[2] if city else None,
                    lat=city[3] if city else None,
                    lon=city[4] if city else None,
                    radius_km=20,
                    timezone=zone,
                    availability=EVENINGS,
                    languages=["en"],
                    is_looking=i in waiting,
                    waiting_rounds=rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9, 14])
                    if i in waiting
                    else 0,
                    onboarding_step=5,
                    onboarded_at=u.date_joined + timedelta(minutes=20),
                    created_at=u.date_joined,
                    updated_at=u.date_joined,
                )
            )
        for chunk in batched(profiles):
            Profile.objects.bulk_create(chunk)
        ProfileTopic.objects.bulk_create(
            (
                ProfileTopic(profile_id=p.pk, topic_id=t, weight=rng.randint(1, 3))
                for p in profiles
                for t in rng.sample(topic_ids, min(2, len(topic_ids)))
            ),
            batch_size=BATCH,
        )
        self.counts["people"] = len(users)
        return ids

    def _rounds(self, weeks: int, people: int, plan: list[PlannedCircle]) -> list[MatchRound]:
        rng = self.rng
        formed = Counter(self._week_of(pc.created_at, weeks) for pc in plan)
        rounds = []
        for w in range(weeks):
            seekers = rng.randint(people // 60, people // 25) + 5
            placeable = int(seekers * rng.uniform(0.75, 0.95))
            placed = int(placeable * rng.uniform(0.85, 1.0))
            unplaced = seekers - placed
            reasons = {}
            for reason in ENGINE_REASONS:
                n = unplaced if reason == ENGINE_REASONS[-1] else rng.randint(0, unplaced)
                unplaced -= n
                if n:
                    reasons[reason] = n
            bound = placed * rng.uniform(0.8, 0.95)
            quality = bound * rng.uniform(0.4, 0.8)
            started = self.start + timedelta(weeks=w, hours=2)
            rounds.append(
                MatchRound(
                    started_at=started,
                    finished_at=started + timedelta(seconds=rng.uniform(2, 40)),
                    seekers=seekers,
                    circles_proposed=formed[w],
                    top_ups=rng.randint(0, max(1, formed[w] // 3)),
                    placed=placed,
                    placeable=placeable,
                    unplaced_reasons=reasons,
                    quality=quality,
                    bound=bound,
                    quality_ratio=quality / bound if bound else None,
                    seconds=rng.uniform(2, 40),
                )
            )
        MatchRound.objects.bulk_create(rounds)
        self.counts["matching rounds"] = len(rounds)
        return rounds

    def _week_of(self, when: datetime, weeks: int) -> int:
        return max(0, min(weeks - 1, int((when - self.start) / timedelta(weeks=1))))

    def _round_of(self, rounds: list[MatchRound], when: datetime) -> MatchRound:
        return rounds[self._week_of(when, len(rounds))]

    # --- circles ------------------------------------------------------------

    def _circles(self, plan, user_ids, rounds) -> list[int]:
        rng = self.rng
        rows = []
        for pc in plan:
            stopped = pc.created_at + timedelta(weeks=pc.weeks + 2)
            closed = stopped < self.now
            city = pc.city
            rows.append(
                Circle(
                    name=f"Scale circle {pc.index}",
                    mode=pc.mode,
                    start_slot=rng.choice([36, 38, 84, 86, 132, 180, 228]),
                    city_name=city[0] if city else "",
                    lat=city[3] if city else None,
                    lon=city[4] if city else None,
                    capacity=8,
                    member_count=0 if closed else pc.size - self._left_by_now(pc),
                    status=Circle.Status.CLOSED if closed else Circle.Status.ACTIVE,
                    match_round=self._round_of(rounds, pc.created_at),
                    created_at=pc.created_at,
                    activated_at=pc.created_at + timedelta(days=2),
                    closed_at=stopped if closed else None,
                )
            )
        Circle.objects.bulk_create(rows, batch_size=BATCH)
        ids = [c.pk for c in rows]
        members = []
        for pc, circle in zip(plan, rows, strict=True):
            for n, idx in enumerate(pc.member_idx):
                ended = pc.left.get(idx) or circle.closed_at
                if ended is not None and ended > self.now:
                    ended = None
                members.append(
                    Membership(
                        circle_id=circle.pk,
                        user_id=user_ids[idx],
                        role=Membership.Role.FACILITATOR if n == 0 else Membership.Role.MEMBER,
                        status=Membership.Status.LEFT if ended else Membership.Status.ACTIVE,
                        joined_at=pc.created_at + timedelta(hours=rng.uniform(1, 60)),
                        ended_at=ended,
                    )
                )
        Membership.objects.bulk_create(members, batch_size=BATCH)
        self.counts["circles"] = len(rows)
        self.counts["memberships"] = len(members)
        return ids

    def _left_by_now(self, pc: PlannedCircle) -> int:
        return sum(1 for ended in pc.left.values() if ended <= self.now)

    def _invitations(self, plan, user_ids, circle_ids, rounds) -> None:
        rng = self.rng
        waiting = self.waiting or [0]

        def rows():
            for pc, circle_id in zip(plan, circle_ids, strict=True):
                mr = self._round_of(rounds, pc.created_at)
                sent = pc.created_at - timedelta(hours=1)
                for idx in pc.member_idx:
                    yield Invitation(
                        circle_id=circle_id,
                        user_id=user_ids[idx],
                        match_round=mr,
                        status=Invitation.Status.ACCEPTED,
                        created_at=sent,
                        expires_at=sent + timedelta(days=3),
                        responded_at=sent + timedelta(hours=rng.uniform(1, 48)),
                    )
                for _ in range(rng.randint(0, 3)):
                    declined = rng.random() < 0.6
                    yield Invitation(
                        circle_id=circle_id,
                        user_id=user_ids[rng.choice(waiting)],
                        match_round=mr,
                        status=Invitation.Status.DECLINED
                        if declined
                        else Invitation.Status.EXPIRED,
                        created_at=sent,
                        expires_at=sent + timedelta(days=3),
                        responded_at=sent + timedelta(hours=rng.uniform(1, 60))
                        if declined
                        else None,
                    )

        self.counts["invitations"] = self._bulk(Invitation, rows())

    # --- meetups ------------------------------------------------------------

    def _meetups(self, plan, user_ids, circle_ids) -> None:
        rng = self.rng
        series = []
        for pc, circle_id in zip(plan, circle_ids, strict=True):
            zone = ZoneInfo(pc.zone)
            first_local = (pc.created_at + timedelta(days=4)).astimezone(zone)
            series.append(
                MeetupSeries(
                    circle_id=circle_id,
                    created_by_id=user_ids[pc.member_idx[0]],
                    title="Weekly circle",
                    mode=pc.mode,
                    venue_name="Library café" if pc.mode == "in_person" else "",
                    venue_address="1 High Street" if pc.mode == "in_person" else "",
                    video_url="" if pc.mode == "in_person" else "https://video.example/room",
                    timezone=pc.zone,
                    start_date=first_local.date(),
                    start_time=first_local.time().replace(minute=0, second=0, microsecond=0),
                    frequency="weekly",
                    created_at=pc.created_at,
                    updated_at=pc.created_at,
                )
            )
        MeetupSeries.objects.bulk_create(series, batch_size=BATCH)
        horizon = self.now + timedelta(weeks=2)
        occurrences: list[Occurrence] = []
        occ_plan: list[PlannedCircle] = []
        for pc, s in zip(plan, series, strict=True):
            zone = ZoneInfo(pc.zone)
            for w in range(min(pc.weeks, 60)):
                local = datetime.combine(s.start_date + timedelta(weeks=w), s.start_time, zone)
                starts = local.astimezone(ZoneInfo("UTC"))
                if starts > horizon:
                    break
                cancelled = rng.random() < 0.03
                occurrences.append(
                    Occurrence(
                        series_id=s.pk,
                        circle_id=s.circle_id,
                        original_start=starts,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=90),
                        status=Occurrence.Status.CANCELLED if cancelled else "scheduled",
                        cancelled_at=starts - timedelta(days=1) if cancelled else None,
                    )
                )
                occ_plan.append(pc)
        for chunk in batched(occurrences):
            Occurrence.objects.bulk_create(chunk)
        self.counts["meetups"] = len(occurrences)

        rsvps: list[RSVP] = []
        checkins: list[CheckIn] = []
        feedback: list[Feedback] = []
        counts = {"RSVPs": 0, "check-ins": 0, "felt-heard answers": 0}

        def flush(force=False):
            for model, rows, name in (
                (RSVP, rsvps, "RSVPs"),
                (CheckIn, checkins, "check-ins"),
                (Feedback, feedback, "felt-heard answers"),
            ):
                if rows and (force or len(rows) >= BATCH):
                    model.objects.bulk_create(rows)
                    counts[name] += len(rows)
                    rows.clear()

        for occ, pc in zip(occurrences, occ_plan, strict=True):
            past = occ.ends_at < self.now and occ.status != Occurrence.Status.CANCELLED
            for idx in pc.member_idx:
                left = pc.left.get(idx)
                if left is not None and left < occ.starts_at:
                    continue
                uid = user_ids[idx]
                roll = rng.random()
                answer = (
                    "yes" if roll < 0.7 else "maybe" if roll < 0.8 else "no" if roll < 0.9 else ""
                )
                when = occ.starts_at - timedelta(days=rng.uniform(0.2, 5))
                if answer:
                    rsvps.append(
                        RSVP(
                            occurrence_id=occ.pk,
                            user_id=uid,
                            answer=answer,
                            created_at=when,
                            updated_at=when,
                        )
                    )
                came = (
                    past and rng.random() < {"yes": 0.85, "maybe": 0.4, "no": 0.02, "": 0.1}[answer]
                )
                if came:
                    checkins.append(
                        CheckIn(occurrence_id=occ.pk, user_id=uid, created_at=occ.ends_at)
                    )
                    if rng.random() < 0.6:
                        heard = rng.choices(["yes", "somewhat", "no"], [65, 25, 10])[0]
                        feedback.append(
                            Feedback(
                                occurrence_id=occ.pk,
                                user_id=uid,
                                heard=heard,
                                created_at=occ.ends_at,
                            )
                        )
            flush()
        flush(force=True)
        self.counts.update(counts)

    # --- chat and safety ------------------------------------------------------

    def _messages(self, plan, user_ids, circle_ids, total: int) -> list[tuple[int, int, datetime]]:
        rng = self.rng
        if total == 0:
            return []
        weights = [min(pc.weeks, 52) for pc in plan]
        chosen = rng.choices(range(len(plan)), weights, k=total)
        rows = []
        for c in chosen:
            pc = plan[c]
            span = min(timedelta(weeks=pc.weeks + 1), self.now - pc.created_at)
            when = pc.created_at + span * rng.random()
            rows.append(
                Message(
                    circle_id=circle_ids[c],
                    author_id=user_ids[rng.choice(pc.member_idx)],
                    body=rng.choice(MESSAGES),
                    created_at=when,
                )
            )
        for chunk in batched(rows):
            Message.objects.bulk_create(chunk)
        self.counts["chat messages"] = len(rows)
        return [(m.pk, m.circle_id, m.created_at) for m in rows[:: max(1, len(rows) // 400)]]

    def _safety(self, plan, user_ids, circle_ids, message_ids) -> None:
        rng = self.rng
        alerts = []
        for message_id, circle_id, when in message_ids[: max(1, len(message_ids) // 2)]:
            handled = rng.random() < 0.9
            alerts.append(
                CrisisAlert(
                    message_id=message_id,
                    circle_id=circle_id,
                    phrases=["want to disappear"],
                    status=CrisisAlert.Status.HANDLED if handled else CrisisAlert.Status.OPEN,
                    created_at=when,
                    handled_at=when + timedelta(minutes=rng.uniform(3, 600)) if handled else None,
                )
            )
        CrisisAlert.objects.bulk_create(alerts, batch_size=BATCH)
        reports = []
        for _ in range(max(1, len(user_ids) // 5)):
            pc = rng.choice(plan)
            reporter, target = rng.sample(pc.member_idx, 2)
            created = pc.created_at + (self.now - pc.created_at) * rng.random()
            resolved = rng.random() < 0.85
            reports.append(
                Report(
                    reporter_id=user_ids[reporter],
                    target_type=Report.TargetType.MEMBER,
                    target_id=user_ids[target],
                    reason="other",
                    note="",
                    status=rng.choice(["actioned", "dismissed"]) if resolved else "open",
                    created_at=created,
                    resolved_at=created + timedelta(hours=rng.uniform(0.2, 72))
                    if resolved
                    else None,
                )
            )
        Report.objects.bulk_create(reports, batch_size=BATCH)
        blocks, seen = [], set()
        for _ in range(max(1, len(user_ids) // 20)):
            pc = rng.choice(plan)
            a, b = rng.sample(pc.member_idx, 2)
            if (a, b) in seen:
                continue
            seen.add((a, b))
            blocks.append(
                Block(
                    blocker_id=user_ids[a],
                    blocked_id=user_ids[b],
                    created_at=pc.created_at + timedelta(days=rng.uniform(1, 60)),
                )
            )
        Block.objects.bulk_create(blocks, batch_size=BATCH)
        self.counts.update(
            {"crisis alerts": len(alerts), "reports": len(reports), "blocks": len(blocks)}
        )

    def _moderator(self) -> None:
        user = User.objects.create(email=MODERATOR_EMAIL, password=make_password(PASSWORD))
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        group, _ = Group.objects.get_or_create(name="Moderators")
        user.groups.add(group)
        now = timezone.now()
        Profile.objects.filter(user=user).update(
            display_name="Moderator Scale",
            adult_confirmed_at=now,
            guidelines_version=settings.CONNECT_GUIDELINES_VERSION,
            guidelines_accepted_at=now,
            mode="virtual",
            timezone="Europe/London",
            onboarding_step=5,
            onboarded_at=now,
        )

    def _bulk(self, model, rows: Iterable) -> int:
        n = 0
        for chunk in batched(rows):
            model.objects.bulk_create(chunk)
            n += len(chunk)
        return n
