"""Reads about circles and membership. Every permission check goes through here."""

from .models import Circle, Membership


def active_membership(user, circle_id: int) -> Membership | None:
    """The person's active membership of the circle, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, circle_id=circle_id, status=Membership.Status.ACTIVE)
        .select_related("circle")
        .first()
    )


def is_active_member(user, circle_id: int) -> bool:
    return active_membership(user, circle_id) is not None


def is_facilitator(user, circle_id: int) -> bool:
    membership = active_membership(user, circle_id)
    return membership is not None and membership.is_facilitator


def circles_of(user):
    """The circles the person is an active member of."""
    return Circle.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).exclude(status=Circle.Status.CLOSED)
