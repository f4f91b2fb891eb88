"""Fixtures for safety tests: a circle with a facilitator, members and a
moderator who is not in it."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from connect.chat.models import Message
from connect.circles.models import Membership
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory


def moderators_group():
    """The group from the data migration (re-created if a transactional test
    elsewhere flushed the tables)."""
    group = Group.objects.filter(name="Moderators").first()
    if group is None or not group.permissions.filter(codename="moderate").exists():
        migration = import_module(
            "connect.moderation.migrations.0003_moderators_group_and_audit_trigger"
        )
        migration.create_group(django_apps, None)
        group = Group.objects.get(name="Moderators")
    return group


@pytest.fixture
def moderator(db):
    person = OnboardedUserFactory()
    person.groups.add(moderators_group())
    return person


@pytest.fixture
def circle(db):
    return CircleFactory(name="Tuesday evening circle")


@pytest.fixture
def facilitator(circle):
    return MembershipFactory(circle=circle, role=Membership.Role.FACILITATOR).user


@pytest.fixture
def member(circle):
    return MembershipFactory(circle=circle).user


@pytest.fixture
def other_member(circle):
    return MembershipFactory(circle=circle).user


@pytest.fixture
def post(circle):
    """Save a chat message as the chat consumer would (without the signal)."""

    def _post(author, body="hello everyone"):
        return Message.objects.create(circle=circle, author=author, body=body)

    return _post
