"""Load demo data: onboarded people in London, New York and online, and a moderator.

Then, the first time, a first matching round: the demo people accept their
invitations, so they are in circles with a meetup next week and a few chat
messages, and the site shows what it is for at once (``--no-round`` skips it).

Idempotent: running it again updates the same accounts and starts no second
round. ``scripts/dev.py`` runs it on every start. It refuses to run in
production settings.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import cities
from accounts.models import Profile, ProfileTopic, Topic, User
from connect.chat import services as chat
from connect.circles import services as circles
from connect.circles.models import Circle, Invitation, Membership
from connect.circles.rounds import run_round
from connect.circles.timeslots import slot_in_zone
from connect.meetups import services as meetups
from connect.notifications.models import NotificationPreference
from connect.notifications.selectors import notification_preference_for

DEMO_PASSWORD = "connect-demo-password"  # noqa: S105  (demo data only; refused in production)
MODERATOR_EMAIL = "moderator@example.com"

LONDON = 2643743
NEW_YORK = 5128581


def cells(days, start_hour, end_hour) -> list[int]:
    """Half-hour cells of the local week from ``start_hour`` to ``end_hour`` on ``days``."""
    return [day * 48 + half for day in days for half in range(start_hour * 2, end_hour * 2)]


WEEKDAYS, WEEKEND = range(5), (5, 6)
EVENINGS = cells(WEEKDAYS, 18, 21)
LUNCH = cells(WEEKDAYS, 12, 14)
WEEKEND_MORNINGS = cells(WEEKEND, 9, 12)
WEEKEND_AFTERNOONS = cells(WEEKEND, 14, 18)

# (email name, display name, pronouns, city id or None, mode, topics {slug: weight}, cells)
PEOPLE = [
    ("amira", "Amira", "she/her", LONDON, "in_person", {"grief": 3, "loneliness": 2}, EVENINGS),
    ("ben", "Ben", "he/him", LONDON, "either", {"grief": 3, "anxiety": 1}, EVENINGS + LUNCH),
    (
        "chloe",
        "Chloe",
        "",
        LONDON,
        "either",
        {"new-parents": 3, "loneliness": 2, "anxiety": 1},
        LUNCH + WEEKEND_AFTERNOONS,
    ),
    ("dev", "Dev", "he/him", LONDON, "in_person", {"career-change": 2, "burnout": 3}, EVENINGS),
    (
        "eli",
        "Eli",
        "they/them",
        LONDON,
        "either",
        {"screens-and-ai": 3, "anxiety": 2},
        EVENINGS + WEEKEND_MORNINGS,
    ),
    ("fatima", "Fatima", "she/her", NEW_YORK, "in_person", {"grief": 3, "caregiving": 2}, EVENINGS),
    (
        "gabe",
        "Gabe",
        "he/him",
        NEW_YORK,
        "either",
        {"grief": 2, "loneliness": 3},
        EVENINGS + WEEKEND_AFTERNOONS,
    ),
    ("hana", "Hana", "", NEW_YORK, "either", {"moving-city": 3, "loneliness": 2}, EVENINGS),
    (
        "isaac",
        "Isaac",
        "he/him",
        NEW_YORK,
        "in_person",
        {"addiction-recovery": 3, "loneliness": 1},
        EVENINGS + LUNCH,
    ),
    (
        "jo",
        "Jo",
        "she/they",
        None,
        "virtual",
        {"chronic-illness": 3, "anxiety": 2},
        LUNCH + WEEKEND_AFTERNOONS,
    ),
    (
        "kofi",
        "Kofi",
        "he/him",
        None,
        "virtual",
        {"screens-and-ai": 2, "career-change": 3, "anxiety": 1},
        WEEKEND_MORNINGS + WEEKEND_AFTERNOONS,
    ),
    (
        "lena",
        "Lena",
        "she/her",
        None,
        "virtual",
        {"caregiving": 3, "grief": 1, "anxiety": 1},
        EVENINGS + WEEKEND_MORNINGS,
    ),
]
# Time zones of the video-only people (they have no city).
VIRTUAL_ZONES = {"jo": "Europe/Berlin", "kofi": "Africa/Lagos", "lena": "America/Chicago"}


class Command(BaseCommand):
    help = "Create demo people (London, New York, video-only) and a moderator; print logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with CONNECT_PRODUCTION=true."
        )
        parser.add_argument(
            "--no-round",
            action="store_true",
            help="Only the people: no first matching round, circles, meetups or messages.",
        )

    def handle(self, *args, force=False, no_round=False, **options):
        if getattr(settings, "PRODUCTION", False) and not force:
            raise CommandError("Refusing to load demo accounts in production (use --force).")
        if not Topic.objects.exists():
            raise CommandError("No topics: run `python manage.py migrate` first.")
        self._password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            emails = [self._person(*row) for row in PEOPLE]
            self._moderator()
        if not no_round:
            self._first_round(emails)
        self._print_logins(emails)

    def _account(self, email: str, **fields) -> User:
        user = User.objects.filter(email=email).first() or User(email=email)
        for key, value in fields.items():
            setattr(user, key, value)
        # One hash shared by every demo account: hashing is slow on purpose.
        user.password = self._password_hash
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _person(self, key, display_name, pronouns, city_id, mode, topics, availability) -> str:
        email = f"{key}@example.com"
        user = self._account(email)
        profile, _ = Profile.objects.get_or_create(user=user)
        city = cities.get_city(city_id) if city_id else None
        now = timezone.now()
        profile.display_name = display_name
        profile.pronouns = pronouns
        profile.about = f"Demo member. Happy to talk about {', '.join(topics).replace('-', ' ')}."
        profile.adult_confirmed_at = profile.adult_confirmed_at or now
        profile.guidelines_version = settings.CONNECT_GUIDELINES_VERSION
        profile.guidelines_accepted_at = profile.guidelines_accepted_at or now
        profile.mode = mode
        if city is not None:
            profile.city_name, profile.country_code = city.name, city.country_code
            profile.city_geoname_id, profile.lat, profile.lon = city.geoname_id, city.lat, city.lon
            profile.timezone = city.timezone
            profile.radius_km = 15
        else:
            profile.timezone = VIRTUAL_ZONES[key]
        profile.availability = sorted(availability)
        profile.languages = ["en"]
        profile.size_min, profile.size_max = 4, 8
        profile.is_looking = True
        profile.onboarding_step = 5
        profile.onboarded_at = profile.onboarded_at or now
        profile.full_clean()
        profile.save()
        wanted = {Topic.objects.get(slug=slug).pk: weight for slug, weight in topics.items()}
        profile.topic_weights.exclude(topic_id__in=wanted).delete()
        for topic_id, weight in wanted.items():
            ProfileTopic.objects.update_or_create(
                profile=profile, topic_id=topic_id, defaults={"weight": weight}
            )
        return email

    def _moderator(self) -> None:
        # Moderators work through the moderation pages, never the Django admin.
        user = self._account(MODERATOR_EMAIL, is_staff=False)
        group, _ = Group.objects.get_or_create(name="Moderators")
        user.groups.add(group)
        profile = user.profile
        if not profile.is_onboarded:
            now = timezone.now()
            profile.display_name = "Moderator Sam"
            profile.adult_confirmed_at = now
            profile.guidelines_version = settings.CONNECT_GUIDELINES_VERSION
            profile.guidelines_accepted_at = now
            profile.mode = "virtual"
            profile.timezone = "Europe/London"
            profile.availability = EVENINGS
            profile.languages = ["en"]
            profile.onboarding_step = 5
            profile.onboarded_at = now
            profile.save()

    def _first_round(self, emails: list[str]) -> None:
        """Once: match the demo people, accept every invitation (the first
        person of each circle volunteers to facilitate), schedule next week's
        meetup at the circle's regular time and say hello in its chat."""
        people = list(User.objects.filter(email__in=emails).select_related("profile"))
        if Membership.objects.filter(user__in=people).exists():
            return  # circles from an earlier run (or real use) stay as they are
        if not Invitation.objects.filter(user__in=people, status=Invitation.Status.PENDING):
            record = run_round()
            self.stdout.write(
                f"First matching round: {record.circles_proposed} circles for "
                f"{record.placed} of {record.seekers} demo people."
            )
        pending = Invitation.objects.filter(
            user__in=people, status=Invitation.Status.PENDING
        ).select_related("user")
        # The demo's own news (circles starting, the first meetups, messages)
        # would arrive as a few dozen emails at once: held back for this step.
        quiet = {p.user_id: list(p.email_kinds) for p in self._preferences(people)}
        NotificationPreference.objects.filter(user_id__in=quiet).update(email_kinds=[])
        try:
            self._accept_and_meet(pending)
        finally:
            for user_id, kinds in quiet.items():
                NotificationPreference.objects.filter(user_id=user_id).update(email_kinds=kinds)

    @staticmethod
    def _preferences(people):
        return [notification_preference_for(person) for person in people]

    def _accept_and_meet(self, pending) -> None:
        volunteered = set()
        for inv in pending.order_by("circle_id", "pk"):
            circles.invitation_accept(inv.user, inv.pk, volunteer=inv.circle_id not in volunteered)
            volunteered.add(inv.circle_id)
        for circle in Circle.objects.filter(pk__in=volunteered, status=Circle.Status.ACTIVE):
            self._first_meetup_and_hello(circle)

    def _first_meetup_and_hello(self, circle: Circle) -> None:
        members = [
            m.user
            for m in Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
            .select_related("user__profile")
            .order_by("role", "pk")  # "facilitator" sorts before "member"
        ]
        host = members[0]
        zone = host.profile.timezone
        when = slot_in_zone(
            circle.start_slot,
            circle.slot_count,
            zone,
            today=timezone.now().date() + timedelta(days=7),
        )
        in_person = circle.mode == Circle.Mode.IN_PERSON
        meetups.schedule_series(
            circle,
            host,
            title="First meetup",
            mode=circle.mode,
            venue_name="Central Library café" if in_person else "",
            venue_address="Ground floor, by the children's books" if in_person else "",
            video_url="" if in_person else "https://video.example.org/demo-circle",
            capacity=None,
            agenda="Introductions: your name, and what brought you here.",
            timezone=zone,
            start_date=when.start.date(),
            start_time=when.start.time().replace(second=0, microsecond=0),
            duration_minutes=90,
            frequency="once",
            until=None,
            count=None,
        )
        hello = [
            "Hi everyone, I'm glad this circle exists. See you at the first meetup!",
            "Hello! A bit nervous, but looking forward to meeting you all.",
            "Hi all. Thanks for the welcome. Is anyone else new to this kind of thing?",
        ]
        for author, body in zip(members, hello, strict=False):
            chat.message_post(author, circle.pk, body)

    def _print_logins(self, emails: list[str]) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready. Log in at /accounts/login/ with:"))
        out.write(f"  password for every demo account: {DEMO_PASSWORD}")
        out.write(f"  moderator (group Moderators, not staff): {MODERATOR_EMAIL}")
        groups = {"London": LONDON, "New York": NEW_YORK, "video only": None}
        for label, city_id in groups.items():
            chosen = [email for email, row in zip(emails, PEOPLE, strict=True) if row[3] == city_id]
            out.write(f"  {label + ':':<12}{', '.join(chosen)}")
        first = (
            Membership.objects.filter(
                user__email__in=emails,
                role=Membership.Role.FACILITATOR,
                status=Membership.Status.ACTIVE,
            )
            .select_related("user", "circle")
            .order_by("circle_id")
            .first()
        )
        if first is not None:
            out.write(
                self.style.SUCCESS(
                    f"Try first: {first.user.email} (password {DEMO_PASSWORD}). "
                    f"They facilitate {first.circle.name}, which has a meetup next week "
                    "and a few chat messages."
                )
            )
        else:
            out.write(self.style.SUCCESS(f"Try first: {emails[0]} (password {DEMO_PASSWORD})."))
