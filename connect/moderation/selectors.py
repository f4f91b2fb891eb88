"""Reads used everywhere a safety rule applies (web, chat, matching, RSVPs)."""

from django.db.models import Q
from django.utils import timezone

from .models import Block, Mute, Suspension


def active_suspension(user_id: int) -> Suspension | None:
    now = timezone.now()
    return (
        Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .first()
    )


def is_suspended(user_id: int) -> bool:
    return active_suspension(user_id) is not None


def is_muted(user_id: int, circle_id: int) -> bool:
    return Mute.objects.filter(
        user_id=user_id, circle_id=circle_id, lifted_at__isnull=True, ends_at__gt=timezone.now()
    ).exists()


def blocked_ids(user_id: int) -> set[int]:
    """Everyone this person blocked or was blocked by."""
    pairs = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {b if a == user_id else a for a, b in pairs}


def block_map(user_ids) -> dict[int, set[int]]:
    """For each of ``user_ids``, everyone they blocked or were blocked by (one query)."""
    ids = set(user_ids)
    result: dict[int, set[int]] = {uid: set() for uid in ids}
    pairs = Block.objects.filter(Q(blocker_id__in=ids) | Q(blocked_id__in=ids)).values_list(
        "blocker_id", "blocked_id"
    )
    for a, b in pairs:
        if a in result:
            result[a].add(b)
        if b in result:
            result[b].add(a)
    return result


def has_blocked(user_id: int, other_id: int) -> bool:
    """Whether ``user_id`` blocked ``other_id`` (one direction only: nobody may
    learn that someone blocked them)."""
    return Block.objects.filter(blocker_id=user_id, blocked_id=other_id).exists()


def ever_shared_a_circle(user_id: int, other_id: int) -> bool:
    """Both people have (or had) a membership of one circle, whatever its status."""
    from connect.circles.models import Membership

    return Membership.objects.filter(
        user_id=other_id,
        circle_id__in=Membership.objects.filter(user_id=user_id).values("circle_id"),
    ).exists()


def blockable_person(viewer, user_id: int):
    """The person ``viewer`` may block by id: someone they share or shared a
    circle with, or have blocked already. None for anyone else (and for ids
    nobody has), so an id reveals neither a name, nor that it exists, nor that
    its owner blocked the viewer."""
    from django.contrib.auth import get_user_model

    if user_id == viewer.pk:
        return None
    other = (
        get_user_model()
        .objects.filter(pk=user_id, is_active=True)
        .select_related("profile")
        .first()
    )
    if other is None:
        return None
    if ever_shared_a_circle(viewer.pk, other.pk) or has_blocked(viewer.pk, other.pk):
        return other
    return None


def blockable_author(viewer, message_id: int):
    """The author of a message ``viewer`` can see in their circle's chat, or None."""
    from connect.chat.models import Message
    from connect.chat.selectors import get_visible_message
    from connect.circles.selectors import is_active_member

    message = Message.objects.filter(pk=message_id).only("circle_id").first()
    if message is None or not is_active_member(viewer, message.circle_id):
        return None
    visible = get_visible_message(viewer, message.circle_id, message_id)
    if visible is None or visible.author is None or not visible.author.is_active:
        return None
    if visible.author_id == viewer.pk:
        return None
    return visible.author


# --- Roles -----------------------------------------------------------------

MODERATORS_GROUP = "Moderators"


def is_moderator(user) -> bool:
    """A site moderator: in the "Moderators" group (or a superuser)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm("moderation.moderate")
    )


def moderators():
    """Active people who hold the moderator permission through the group."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=MODERATORS_GROUP, is_active=True)


def pending_warning(user_id: int):
    """The oldest warning the person has not acknowledged yet, or None."""
    from .models import ModerationWarning

    return (
        ModerationWarning.objects.filter(user_id=user_id, acknowledged_at__isnull=True)
        .order_by("created_at")
        .first()
    )
