"""The Moderators group from the data migration, and naming moderators."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from connect.moderation.selectors import is_moderator


def test_moderators_group_has_its_permissions(db):
    perms = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert {"moderate", "view_moderationaction", "change_report", "change_appeal"} <= perms
    assert "change_moderationaction" not in perms and "delete_moderationaction" not in perms


def test_add_and_remove_a_moderator(member_user):
    assert not is_moderator(member_user)
    call_command("moderators", "add", member_user.email.upper())
    member_user = type(member_user).objects.get(pk=member_user.pk)  # fresh permission cache
    assert is_moderator(member_user)
    call_command("moderators", "remove", member_user.email)
    member_user = type(member_user).objects.get(pk=member_user.pk)
    assert not is_moderator(member_user)


def test_unknown_email_is_refused(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("moderators", "add", "nobody@example.com")


def test_facilitator_is_not_a_moderator(facilitator):
    assert not is_moderator(facilitator)
