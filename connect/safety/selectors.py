"""Reads used everywhere a safety rule applies (web, chat, matching, RSVPs)."""

from django.db.models import Q
from django.utils import timezone

from .models import Block, ModerationWarning, Mute, Suspension


def suspensions_active():
    """Suspensions in force now (the one rule; also read per request by the
    authentication backend as an EXISTS beside the user's row)."""
    now = timezone.now()
    return Suspension.objects.filter(lifted_at__isnull=True, starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def active_suspension(user_id: int) -> Suspension | None:
    return suspensions_active().filter(user_id=user_id).first()


def active_suspension_of(user) -> Suspension | None:
    """Like ``active_suspension``, but skips the query when the user was loaded
    for this request with ``has_active_suspension`` already read (False)."""
    if getattr(user, "has_active_suspension", True) is False:
        return None
    return active_suspension(user.pk)


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


def warnings_pending():
    """Warnings not acknowledged yet (the one rule; see ``suspensions_active``)."""
    return ModerationWarning.objects.filter(acknowledged_at__isnull=True)


def pending_warning(user_id: int):
    """The oldest warning the person has not acknowledged yet, or None."""
    return warnings_pending().filter(user_id=user_id).order_by("created_at").first()


def pending_warning_of(user):
    """Like ``pending_warning``, but skips the query when the user was loaded
    for this request with ``has_pending_warning`` already read (False)."""
    if getattr(user, "has_pending_warning", True) is False:
        return None
    return pending_warning(user.pk)
