"""The video app's answers to other apps' signals: anyone who stops being a
current member, or is suspended, is put out of the video rooms at once."""

from typing import Any

from django.dispatch import receiver

from connect.circles.signals import membership_ended
from connect.notifications.enqueue import task_enqueue
from connect.safety.signals import suspension_started

from . import tasks


@receiver(membership_ended, dispatch_uid="video.revoke_when_membership_ends")
def revoke_when_membership_ends(
    sender: Any, *, user_id: int, circle_id: int, **kwargs: Any
) -> None:
    task_enqueue(tasks.revoke_member, user_id, circle_id)


@receiver(suspension_started, dispatch_uid="video.revoke_when_suspended")
def revoke_when_suspended(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    task_enqueue(tasks.revoke_member, user_id, None)
