"""Signal receivers: the crisis-language check on every new chat message."""

import logging

from django.db import transaction
from django.dispatch import receiver

from connect.chat.signals import message_posted

from .services import raise_crisis_alert

logger = logging.getLogger(__name__)


@receiver(message_posted, dispatch_uid="moderation.crisis_alert")
def crisis_alert_on_message(sender, message, **kwargs):
    # The message is already saved; a failure here must not fail the chat send,
    # so it runs in a savepoint and is logged loudly instead.
    try:
        with transaction.atomic():
            raise_crisis_alert(message)
    except Exception:
        logger.exception("crisis alert failed for message %s", message.pk)
