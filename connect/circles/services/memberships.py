"""Taking a seat, and handing the facilitator role over.

Seats change only under the circle's row lock, and the ``member_count <=
capacity`` / one-active-membership constraints back every write. Ending a
membership lives in ``lifecycle``.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from connect.notifications.models import Kind

from ..language import notify_in_language
from ..models import MIN_CIRCLE_SIZE, Circle, Membership
from .common import CircleError, circle_url, lock_circle, notify_members, require_facilitator
from .lifecycle import activate


def membership_add(circle: Circle, user, role: str = Membership.Role.MEMBER) -> Membership:
    """Take a seat; the caller holds the circle's row lock."""
    if circle.member_count >= circle.capacity:
        raise CircleError(
            gettext("Sorry, this circle is full now: someone took the last seat a moment ago.")
        )
    if Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).exists():
        raise CircleError(gettext("You are already a member of this circle."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(circle=circle, user=user, role=role)
            Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") + 1)
    except IntegrityError as exc:  # the constraints are the last word on seats
        raise CircleError(
            gettext("Sorry, this circle is full now, or you are already in it.")
        ) from exc
    circle.member_count += 1
    Profile.objects.filter(user=user).update(waiting_rounds=0)
    return membership


def membership_welcome(circle: Circle, user) -> None:
    """Tell an existing circle who joined (a forming circle is told once, when it
    starts), and start the circle once it has the minimum members."""
    if circle.status != Circle.Status.FORMING:
        notify_members(
            circle,
            format_lazy(_("{person} joined {name}"), person=user.display_name, name=circle.name),
            exclude={user.pk},
        )
    if (
        circle.status in (Circle.Status.FORMING, Circle.Status.PAUSED)
        and circle.member_count >= MIN_CIRCLE_SIZE
    ):
        activate(circle)


@transaction.atomic
def facilitator_handover(user, circle_id: int, to_user_id: int) -> Circle:
    """A facilitator hands the role to another active member."""
    circle = lock_circle(circle_id)
    mine = require_facilitator(user, circle)
    target = (
        Membership.objects.filter(
            circle=circle, user_id=to_user_id, status=Membership.Status.ACTIVE
        )
        .select_related("user")
        .first()
    )
    if target is None or target.pk == mine.pk:
        raise CircleError(gettext("Choose another member of this circle."))
    target.role = Membership.Role.FACILITATOR
    target.save(update_fields=["role"])
    mine.role = Membership.Role.MEMBER
    mine.save(update_fields=["role"])
    notify_in_language(
        target.user,
        Kind.CIRCLE,
        format_lazy(_("You are now the facilitator of {name}"), name=circle.name),
        format_lazy(_("{person} handed the facilitator role to you."), person=user.display_name),
        url=circle_url(circle),
    )
    return circle
