"""The demo data command: idempotent, onboarded people in two cities and online, a moderator."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Profile, ProfileTopic, User
from connect.core.management.commands.seed_demo import DEMO_PASSWORD, MODERATOR_EMAIL

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_people_and_a_moderator():
    output = seed()
    people = Profile.objects.exclude(user__email=MODERATOR_EMAIL)
    assert people.count() == 12
    assert all(p.is_onboarded and p.is_looking for p in people)
    assert people.filter(city_name="London", timezone="Europe/London").count() == 5
    assert people.filter(city_name="New York City", timezone="America/New_York").count() == 4
    assert people.filter(mode="virtual", city_geoname_id__isnull=True).count() == 3
    assert len({tuple(p.availability) for p in people}) >= 4
    assert not EmailAddress.objects.filter(verified=False).exists()
    moderator = User.objects.get(email=MODERATOR_EMAIL)
    assert not moderator.is_superuser
    assert moderator.groups.filter(name="Moderators").exists()
    assert DEMO_PASSWORD in output
    assert MODERATOR_EMAIL in output
    assert "amira@example.com" in output


def test_seed_demo_is_idempotent():
    seed()
    counts = (User.objects.count(), ProfileTopic.objects.count(), EmailAddress.objects.count())
    seed()
    assert counts == (
        User.objects.count(),
        ProfileTopic.objects.count(),
        EmailAddress.objects.count(),
    )


def test_demo_people_can_log_in(client):
    seed()
    response = client.post(
        reverse("account_login"), {"login": "amira@example.com", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")
    assert "Hello, Amira" in client.get(reverse("dashboard")).content.decode()


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())


def test_hole_4_demo_moderator_is_not_staff():
    seed()
    moderator = User.objects.get(email=MODERATOR_EMAIL)
    assert not moderator.is_staff and not moderator.is_superuser
    assert moderator.has_perm("moderation.moderate")
    # Seeding again (an older database where the moderator was staff) fixes it.
    User.objects.filter(pk=moderator.pk).update(is_staff=True)
    seed()
    moderator.refresh_from_db()
    assert not moderator.is_staff
