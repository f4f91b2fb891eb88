"""A person's data rights: one JSON export, and account deletion.

Each installed app that holds personal data provides ``<app>.privacy`` with
``export_personal_data(user) -> dict`` and ``erase_personal_data(user)``
(accounts' and notifications' live in ``connect.moderation.privacy``).
"""

from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from connect.chat.realtime import CLOSE_NOT_AUTHENTICATED, close_user_sockets
from connect.circles.models import Membership, MembershipEndReason
from connect.circles.services.lifecycle import membership_end

from .models import ModerationAction
from .services import end_web_sessions

EXPORT_FORMAT = "connect-export/1"


def privacy_modules() -> dict:
    """``{app_label: module}`` for every installed app with a ``privacy`` module."""
    found = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.privacy"
        try:
            found[config.label] = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but one of its imports is broken
                raise
    return found


def export_all(user) -> dict:
    """Everything Connect holds about ``user``, one section per app."""
    modules = privacy_modules()
    sections = {label: module.export_personal_data(user) for label, module in modules.items()}
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "user_id": user.pk,
        "sections": sections,
    }


def delete_account(user) -> int:
    """Erase the person's data everywhere and delete the user row.

    Chat messages stay with ``author`` NULL ("former member"); every active
    membership ends (the seat is freed); the audit log keeps an entry with the
    person's id only. Returns the deleted id.
    """
    user_id = user.pk
    with transaction.atomic():
        for module in privacy_modules().values():
            module.erase_personal_data(user)
        # Whatever the circles app did, no seat may stay taken by a deleted account.
        for membership in Membership.objects.filter(
            user_id=user_id, status=Membership.Status.ACTIVE
        ):
            membership_end(membership, MembershipEndReason.ACCOUNT_DELETED)
        ModerationAction.objects.create(
            kind=ModerationAction.Kind.ACCOUNT_DELETED,
            actor_id=user_id,
            actor_role="self",
            target_user_id=user_id,
            reason="The person deleted their account.",
        )
        end_web_sessions(user_id)
        close_user_sockets(user_id, CLOSE_NOT_AUTHENTICATED)
        user.delete()
    return user_id
