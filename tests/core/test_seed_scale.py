"""``manage.py seed_scale`` builds a consistent data set, scaled down here (SQLite)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Profile, User
from connect.chat.models import Message
from connect.circles.models import Circle, MatchRound, Membership
from connect.meetups.models import RSVP, CheckIn, Feedback, Occurrence
from connect.moderation.models import CrisisAlert, Report
from connect.moderation.selectors import is_moderator
from connect.safety.models import Block

pytestmark = pytest.mark.django_db


def test_scaled_down_set_is_consistent():
    out = StringIO()
    call_command("seed_scale", people=60, messages=300, weeks=20, stdout=out)
    assert "Built in" in out.getvalue()
    assert User.objects.filter(email__endswith="@scale.example").count() == 61  # + moderator
    assert Profile.objects.filter(onboarded_at__isnull=False).count() == 61
    assert is_moderator(User.objects.get(email="moderator@scale.example"))
    assert Circle.objects.count() == 9  # 15% of the people
    sizes = Circle.objects.annotate(
        n=Count("memberships"),
        f=Count("memberships", filter=Q(memberships__role=Membership.Role.FACILITATOR)),
    )
    assert all(4 <= c.n <= 8 and c.f == 1 for c in sizes)
    # Active seats agree with the seat counter the check constraint guards.
    for c in Circle.objects.annotate(
        active=Count("memberships", filter=Q(memberships__status="active"))
    ):
        assert c.member_count == c.active
    assert Message.objects.count() == 300
    assert MatchRound.objects.count() == 20
    assert Occurrence.objects.exists() and RSVP.objects.exists()
    assert CheckIn.objects.exists() and Feedback.objects.exists()
    assert Report.objects.exists() and CrisisAlert.objects.exists() and Block.objects.exists()
    # The history is spread over the weeks asked for, not stamped "now".
    now = timezone.now()
    assert Message.objects.filter(created_at__lt=now - timedelta(weeks=4)).exists()
    assert Circle.objects.filter(created_at__lt=now - timedelta(weeks=10)).exists()
    assert not Occurrence.objects.filter(starts_at__lt=now - timedelta(weeks=21)).exists()
    # Nobody checked in to a cancelled meetup or one still to come.
    assert not CheckIn.objects.filter(
        Q(occurrence__status="cancelled") | Q(occurrence__starts_at__gt=now)
    ).exists()


def test_refused_twice_and_in_production(settings):
    call_command("seed_scale", people=20, messages=10, weeks=2, stdout=StringIO())
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", people=20, weeks=2, stdout=StringIO())
    User.objects.filter(email__endswith="@scale.example").delete()
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_scale", people=20, weeks=2, stdout=StringIO())
    assert not User.objects.filter(email__endswith="@scale.example").exists()


def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="circle per 5"):
        call_command("seed_scale", people=20, circles=10, stdout=StringIO())
    assert not User.objects.exists()
