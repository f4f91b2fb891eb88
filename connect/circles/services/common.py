"""What every circles service shares: the refusal error, row locks, and telling members."""

from collections.abc import Collection
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from accounts.selectors import has_agreed
from connect.access import AGREEMENTS_FIRST
from connect.notifications.models import Kind

from ..language import notify_in_language
from ..models import Circle, Invitation, Membership


class CircleError(Exception):
    """A refused action; ``str(exc)`` is a message for the person."""


def require_agreed(user) -> None:
    """Nothing circle-related happens before 18+ and the guidelines are agreed."""
    if not has_agreed(user):
        raise CircleError(AGREEMENTS_FIRST)


def now() -> datetime:
    return timezone.now()


def lock_circle(circle_id: int) -> Circle:
    """The circle's row, locked: always taken before any membership,
    invitation or request row, so two writers never deadlock."""
    try:
        return Circle.objects.select_for_update().get(pk=circle_id)
    except Circle.DoesNotExist as exc:
        raise CircleError(gettext("That circle does not exist.")) from exc


def circle_url(circle: Circle) -> str:
    return reverse("circles:detail", args=[circle.pk])


def pending_invitation_count(circle_id: int) -> int:
    return Invitation.objects.filter(circle_id=circle_id, status=Invitation.Status.PENDING).count()


def notify_members(
    circle: Circle, title: str | Promise, body: str | Promise = "", exclude: Collection[int] = ()
) -> None:
    """Tell every active member (but ``exclude``); pass lazy texts so that each
    reads them in their own language."""
    members = Membership.objects.filter(
        circle=circle, status=Membership.Status.ACTIVE
    ).select_related("user", "user__profile")
    for m in members:
        if m.user_id not in exclude:
            notify_in_language(m.user, Kind.CIRCLE, title, body, url=circle_url(circle))


def require_facilitator(user, circle: Circle) -> Membership:
    m = Membership.objects.filter(circle=circle, user=user, status=Membership.Status.ACTIVE).first()
    if m is None or not m.is_facilitator:
        raise CircleError(gettext("Only this circle's facilitator can do that."))
    return m


def members_in(circle: Circle, user_ids: Collection[int]) -> bool:
    """Whether any active member of ``circle`` is one of ``user_ids``."""
    return bool(user_ids) and (
        Membership.objects.filter(
            circle=circle, status=Membership.Status.ACTIVE, user_id__in=user_ids
        ).exists()
    )
