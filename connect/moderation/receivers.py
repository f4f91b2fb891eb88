"""Signal receivers: the crisis-language check on every new chat message."""

from django.dispatch import receiver

from connect.chat.signals import message_posted

from .services import raise_crisis_alert


@receiver(message_posted, dispatch_uid="moderation.crisis_alert")
def crisis_alert_on_message(sender, message, **kwargs):
    raise_crisis_alert(message)
