"""Load demo data: onboarded people in London, New York and online, and a moderator.

Idempotent: running it again updates the same accounts. ``scripts/dev.py``
runs it on every start. It refuses to run in production settings.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import cities
from accounts.models import Profile, ProfileTopic, Topic, User

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
    ("chloe", "Chloe", "", LONDON, "either", {"new-parents": 3, "loneliness": 2}, LUNCH),
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
    ("isaac", "Isaac", "he/him", NEW_YORK, "in_person", {"addiction-recovery": 3}, LUNCH),
    ("jo", "Jo", "she/they", None, "virtual", {"chronic-illness": 3, "anxiety": 2}, LUNCH),
    (
        "kofi",
        "Kofi",
        "he/him",
        None,
        "virtual",
        {"screens-and-ai": 2, "career-change": 3},
        WEEKEND_MORNINGS,
    ),
    (
        "lena",
        "Lena",
        "she/her",
        None,
        "virtual",
        {"caregiving": 3, "grief": 1},
        EVENINGS + WEEKEND_AFTERNOONS,
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

    def handle(self, *args, force=False, **options):
        if getattr(settings, "PRODUCTION", False) and not force:
            raise CommandError("Refusing to load demo accounts in production (use --force).")
        if not Topic.objects.exists():
            raise CommandError("No topics: run `python manage.py migrate` first.")
        self._password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            emails = [self._person(*row) for row in PEOPLE]
            self._moderator()
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

    def _print_logins(self, emails: list[str]) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready. Log in at /accounts/login/ with:"))
        out.write(f"  password for every demo account: {DEMO_PASSWORD}")
        out.write(f"  moderator (group Moderators, not staff): {MODERATOR_EMAIL}")
        groups = {"London": LONDON, "New York": NEW_YORK, "video only": None}
        for label, city_id in groups.items():
            chosen = [email for email, row in zip(emails, PEOPLE, strict=True) if row[3] == city_id]
            out.write(f"  {label + ':':<12}{', '.join(chosen)}")
