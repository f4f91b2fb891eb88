"""Writes for the safety records people make themselves: blocks.

Moderators' actions (warnings, mutes, suspensions) are written by the
moderation workflow, which sits above this app.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Block
from .signals import blocks_changed


class SafetyError(ValueError):
    """Bad input for a safety operation; the message is shown to the person."""


class ReportRateLimited(SafetyError):
    """Too many reports from one person within the hour."""


def block_create(blocker, blocked) -> Block:
    """Block someone: both stop seeing each other's messages and are never matched."""
    if blocked.pk == blocker.pk:
        raise SafetyError(_("You can't block yourself."))
    with transaction.atomic():
        block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        if created:  # open chat sockets of both people hide each other at once
            blocks_changed.send(sender=Block, user_id=blocker.pk, other_id=blocked.pk)
    return block


def block_delete(blocker, blocked_id: int) -> bool:
    """Lift a block ``blocker`` made; False when there was none."""
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
        if deleted:
            blocks_changed.send(sender=Block, user_id=blocker.pk, other_id=blocked_id)
    return bool(deleted)
