"""The demo data command: idempotent, onboarded people in two cities and online, a moderator."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Profile, ProfileTopic, User
from connect.core.management.commands.seed_demo import DEMO_PASSWORD, MODERATOR_EMAIL

pytestmark = pytest.mark.django_db


def seed(with_round: bool = False) -> str:
    """The people only, unless ``with_round``: the matching round takes seconds."""
    out = StringIO()
    call_command("seed_demo", *([] if with_round else ["--no-round"]), stdout=out)
    return out.getvalue()


def test_first_run_puts_the_demo_people_in_circles_with_a_meetup_and_messages(client):
    from connect.chat.models import Message
    from connect.circles.models import Circle, Invitation, MatchRound, Membership
    from connect.meetups.models import Occurrence

    output = seed(with_round=True)  # what scripts/dev.py runs
    circles = Circle.objects.filter(status=Circle.Status.ACTIVE)
    assert circles.count() >= 2
    demo = User.objects.exclude(email=MODERATOR_EMAIL)
    in_circles = Membership.objects.filter(user__in=demo, status=Membership.Status.ACTIVE)
    assert in_circles.count() >= 8
    assert not Invitation.objects.filter(status=Invitation.Status.PENDING).exists()
    for circle in circles:
        assert Membership.objects.filter(circle=circle, role="facilitator").count() == 1
        assert Occurrence.objects.filter(circle=circle).count() == 1
        assert Message.objects.filter(circle=circle).count() == 3
    # The demo's own news is in-app only (no flood of emails on the first run),
    # and everyone's email choices are as they were.
    from connect.notifications.models import Notification, NotificationPreference, OutboxEmail

    assert Notification.objects.filter(user__in=demo).exists()
    assert not OutboxEmail.objects.filter(user__in=demo, source="notification").exists()
    assert all(p.email_kinds for p in NotificationPreference.objects.filter(user__in=demo))
    first = re.search(r"Try first: (\S+@example.com)", output)
    assert first, output
    person = User.objects.get(email=first.group(1))
    assert in_circles.filter(user=person, role="facilitator").exists()
    client.force_login(person)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "waiting for a circle" not in dashboard
    assert "First meetup" in dashboard
    # Running it again starts no second round and changes no circle.
    counts = (MatchRound.objects.count(), Membership.objects.count(), Message.objects.count())
    seed(with_round=True)
    assert counts == (
        MatchRound.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
    )


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
