"""Moderation's answers to the signals of the apps below it.

Chat and safety never import the moderation workflow: chat sends
``message_posted`` (the crisis-language check) and ``message_report_requested``
(a report from the chat), safety sends ``blocks_changed``.
"""

import logging

from django.db import transaction
from django.dispatch import receiver

from connect.chat.realtime import push_blocks_changed
from connect.chat.signals import message_posted
from connect.safety.crisis_language import contains_crisis_language
from connect.safety.signals import blocks_changed, message_report_requested

from .models import Report
from .services.crisis import crisis_alert_raise
from .services.reports import report_create

logger = logging.getLogger(__name__)


@receiver(message_posted, dispatch_uid="moderation.crisis_alert")
def crisis_alert_on_message(sender, message, **kwargs):
    # Most messages hold no crisis language: answer them without touching the
    # database (not even an empty transaction).
    if not contains_crisis_language(message.body):
        return
    # The message is already saved; a failure here must not fail the chat send,
    # so it runs in a savepoint and is logged loudly instead.
    try:
        with transaction.atomic():
            crisis_alert_raise(message)
    except Exception:
        logger.exception("crisis alert failed for message %s", message.pk)


@receiver(message_report_requested, dispatch_uid="moderation.message_report")
def report_on_message(sender, *, reporter, message_id: int, reason: str, note: str, **kwargs):
    """File the report (the site's reporting rules and hourly allowance), or
    return the reporter's open report on this message."""
    existing = Report.objects.filter(
        reporter=reporter,
        target_type=Report.TargetType.MESSAGE,
        target_id=message_id,
        status=Report.Status.OPEN,
    ).first()
    if existing:
        return existing
    return report_create(reporter, Report.TargetType.MESSAGE, message_id, reason, note)


@receiver(blocks_changed, dispatch_uid="moderation.push_blocks_changed")
def push_blocks_to_chat(sender, *, user_id: int, other_id: int, **kwargs):
    """Both people's open chat sockets hide each other at once (after commit)."""
    push_blocks_changed(user_id, other_id)
