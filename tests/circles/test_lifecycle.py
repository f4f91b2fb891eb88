"""A membership ends in one place, whatever the reason, and the circle's rules hold after."""

from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from connect.circles.models import Circle, Membership
from connect.moderation.models import ModerationAction
from connect.moderation.services import take_action
from tests.circles.helpers import active_circle
from tests.factories import OnboardedUserFactory


def make_moderator():
    group = Group.objects.filter(name="Moderators").first()
    if group is None or not group.permissions.filter(codename="moderate").exists():
        migration = import_module(
            "connect.moderation.migrations.0003_moderators_group_and_audit_trigger"
        )
        migration.create_group(django_apps, None)
        group = Group.objects.get(name="Moderators")
    person = OnboardedUserFactory()
    person.groups.add(group)
    return person


def test_a_moderator_removing_the_facilitator_hands_the_role_over_and_pauses(db, hooks):
    circle = active_circle(members=4)
    facilitator = circle.memberships.get(role=Membership.Role.FACILITATOR)
    with hooks(execute=True):
        take_action(
            make_moderator(),
            ModerationAction.Kind.REMOVE,
            reason="Threats",
            user=facilitator.user,
            circle=circle,
        )
    circle.refresh_from_db()
    remaining = circle.memberships.filter(status=Membership.Status.ACTIVE)
    assert circle.member_count == remaining.count() == 3
    assert remaining.filter(role=Membership.Role.FACILITATOR).count() == 1
    assert circle.status == Circle.Status.PAUSED
