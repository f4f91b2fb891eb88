"""The same journeys on PostgreSQL, and the profile's database constraints there."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.models import Profile, ProfileTopic, Topic, User
from tests.accounts import test_signup_flow
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_signup_verify_onboard_dashboard_on_postgres(client):
    test_signup_flow.test_signup_verify_onboard_dashboard(client)


@pytest.mark.parametrize(
    "fields",
    [{"radius_km": 0}, {"radius_km": 500}, {"size_min": 6, "size_max": 5}, {"size_max": 9}],
)
def test_profile_constraints_hold_in_the_database(fields):
    """Even code that skips the forms cannot store an out-of-range profile."""
    profile = UserFactory().profile
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(**fields)


def test_topic_weight_and_uniqueness_constraints():
    profile = UserFactory().profile
    grief = Topic.objects.get(slug="grief")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileTopic.objects.create(profile=profile, topic=grief, weight=4)
    ProfileTopic.objects.create(profile=profile, topic=grief, weight=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileTopic.objects.create(profile=profile, topic=grief, weight=1)


def test_seed_demo_is_idempotent_on_postgres():
    call_command("seed_demo", stdout=StringIO())
    count = User.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == count == 13
