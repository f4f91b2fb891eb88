"""A quick data set for ``bench/web.py`` when ``manage.py seed_scale`` is absent.

People (onboarded, agreements accepted), active circles of 4–8 members, a
weekly meetup series per circle with its next occurrences and RSVPs, and chat
messages spread over the circles. All with ``bulk_create`` in one transaction:
2,000 people (264 circles) and 40,000 messages take about 10 s on PostgreSQL.
Run only by the benchmark, on its own database (Django must be set up by the
caller).
"""

import random
from datetime import date, time, timedelta

UNUSABLE = "!" + "bench"  # an unusable password hash: sessions are made directly
CITIES = [
    ("London", "GB", 2643743, 51.50853, -0.12574, "Europe/London"),
    ("New York City", "US", 5128581, 40.71427, -74.00597, "America/New_York"),
    ("Berlin", "DE", 2950159, 52.52437, 13.41053, "Europe/Berlin"),
]
EVENINGS = [day * 48 + cell for day in range(7) for cell in range(36, 42)]
BODIES = [
    "Thanks for listening today.",
    "Same time next week?",
    "I tried the breathing thing, it helped a bit.",
    "Running ten minutes late, sorry!",
    "That was a good one. See you all soon.",
]


def seed(people: int = 2000, messages: int = 40000, seed: int = 1) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Profile, ProfileTopic, Topic, User
    from connect.chat.models import Message
    from connect.circles.models import Circle, Membership
    from connect.meetups.models import RSVP, MeetupSeries, Occurrence

    rng = random.Random(seed)
    now = timezone.now()
    topics = list(Topic.objects.all())
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"web{i}@bench.example", password=UNUSABLE) for i in range(people)
        )
        profiles = []
        for i, user in enumerate(users):
            city = CITIES[i % len(CITIES)]
            profiles.append(
                Profile(
                    user=user,
                    display_name=f"Person {i}",
                    adult_confirmed_at=now,
                    guidelines_version=settings.CONNECT_GUIDELINES_VERSION,
                    guidelines_accepted_at=now,
                    mode="either",
                    city_name=city[0],
                    country_code=city[1],
                    city_geoname_id=city[2],
                    lat=city[3],
                    lon=city[4],
                    radius_km=25,
                    timezone=city[5],
                    availability=EVENINGS,
                    languages=["en"],
                    size_min=4,
                    size_max=8,
                    onboarding_step=5,
                    onboarded_at=now,
                    is_looking=i % 5 == 0,
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=2000)
        ProfileTopic.objects.bulk_create(
            (
                ProfileTopic(profile=p, topic=t, weight=rng.randint(1, 3))
                for p in profiles
                for t in rng.sample(topics, 2)
            ),
            batch_size=5000,
        )
        # Circles of 4–8 people, each person in one circle (a fifth are still looking).
        members_left = [u for i, u in enumerate(users) if i % 5]
        circles, groups = [], []
        while len(members_left) >= 4:
            size = min(rng.randint(4, 8), len(members_left))
            group, members_left = members_left[:size], members_left[size:]
            city = CITIES[len(circles) % len(CITIES)]
            circles.append(
                Circle(
                    name=f"Circle {len(circles)}",
                    mode="in_person" if len(circles) % 2 else "virtual",
                    start_slot=36 + 48 * (len(circles) % 7),
                    city_name=city[0],
                    lat=city[3],
                    lon=city[4],
                    capacity=8,
                    member_count=size,
                    status=Circle.Status.ACTIVE,
                    join_policy="open" if len(circles) % 3 else "closed",
                    activated_at=now - timedelta(days=rng.randint(7, 300)),
                )
            )
            groups.append(group)
        circles = Circle.objects.bulk_create(circles, batch_size=2000)
        Circle.topics.through.objects.bulk_create(
            Circle.topics.through(circle_id=c.pk, topic_id=t.pk)
            for c in circles
            for t in rng.sample(topics, 2)
        )
        Membership.objects.bulk_create(
            (
                Membership(
                    circle=c,
                    user=u,
                    role=Membership.Role.FACILITATOR if j == 0 else Membership.Role.MEMBER,
                )
                for c, group in zip(circles, groups, strict=True)
                for j, u in enumerate(group)
            ),
            batch_size=5000,
        )
        # A weekly series per circle: its next eight occurrences, RSVPs to the first.
        series = MeetupSeries.objects.bulk_create(
            MeetupSeries(
                circle=c,
                created_by=group[0],
                title="Weekly meetup",
                mode=c.mode,
                venue_name="" if c.mode == "virtual" else "Library café",
                venue_address="" if c.mode == "virtual" else "1 High Street",
                video_url=f"https://video.example/{c.pk}" if c.mode == "virtual" else "",
                timezone=CITIES[i % len(CITIES)][5],
                start_date=date.today() + timedelta(days=1 + i % 7),
                start_time=time(18, 30),
                duration_minutes=90,
                frequency="weekly",
                count=8,
            )
            for i, (c, group) in enumerate(zip(circles, groups, strict=True))
        )
        occurrences = []
        for s in series:
            first = now.replace(hour=18, minute=30, second=0, microsecond=0) + timedelta(
                days=(s.start_date - date.today()).days
            )
            for week in range(8):
                start = first + timedelta(weeks=week)
                occurrences.append(
                    Occurrence(
                        series=s,
                        circle_id=s.circle_id,
                        original_start=start,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=90),
                    )
                )
        occurrences = Occurrence.objects.bulk_create(occurrences, batch_size=5000)
        by_circle = {}
        for o in occurrences:
            by_circle.setdefault(o.circle_id, o)
        RSVP.objects.bulk_create(
            (
                RSVP(occurrence=by_circle[c.pk], user=u, answer="yes" if j % 3 else "maybe")
                for c, group in zip(circles, groups, strict=True)
                for j, u in enumerate(group)
            ),
            batch_size=5000,
        )
        rows = []
        for _ in range(messages):
            i = rng.randrange(len(circles))
            rows.append(
                Message(circle=circles[i], author=rng.choice(groups[i]), body=rng.choice(BODIES))
            )
        Message.objects.bulk_create(rows, batch_size=5000)
