"""Fixtures for safety tests: a circle with a facilitator, members and a
moderator who is not in it."""

import pytest

from connect.chat.models import Message
from connect.circles.models import Membership
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory
from tests.seed import moderators_group

__all__ = ["moderators_group"]


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
