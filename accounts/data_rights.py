"""A person's data rights: one JSON export, and account deletion.

Each installed app that holds personal data provides ``<app>.privacy`` with
``export_personal_data(user) -> dict`` and ``erase_personal_data(user)``; they
are found through the app registry, so accounts imports none of those apps.
The account, profile and notifications are exported and erased by
``connect.moderation.privacy`` (one section, as the export format has it).
"""

from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from .sessions import end_web_sessions

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

    Each app's ``erase_personal_data`` does its part: circles end every active
    membership (the seat is freed), chat keeps messages with ``author`` NULL
    ("former member") and closes the person's sockets, moderation keeps an
    audit entry with the person's id only. Returns the deleted id.
    """
    user_id = user.pk
    with transaction.atomic():
        for module in privacy_modules().values():
            module.erase_personal_data(user)
        end_web_sessions(user_id)
        user.delete()
    return user_id
