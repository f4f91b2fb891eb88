"""Reads for the moderators' review queue: grouped reports, alerts, appeals,
the reported content with its context and the target's history."""

from dataclasses import dataclass, field
from datetime import UTC

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q
from django.utils import formats
from django.utils.translation import gettext

from connect.chat.models import Message
from connect.circles.models import Circle, Membership

from .models import Appeal, CrisisAlert, ModerationAction, Report

ORDERINGS = {
    "newest": ("-newest", "-count"),
    "oldest": ("oldest", "-count"),
    "most": ("-count", "-newest"),
}
CONTEXT_MESSAGES = 5  # messages shown before and after a reported one


def meetup_model():
    """What a "meetup" report is about: one occurrence of a meetup series
    (``meetups.Occurrence``), or None if the meetups app is not installed."""
    try:
        return apps.get_model("meetups", "Occurrence")
    except LookupError:
        return None


def _meetup_label(occurrence) -> str:
    return gettext("Meetup %(title)s in %(circle)s on %(when)s UTC (#%(id)s)") % {
        "title": occurrence.series.title,
        "circle": occurrence.circle.name,
        "when": formats.date_format(occurrence.starts_at.astimezone(UTC), "d M Y H:i"),
        "id": occurrence.pk,
    }


@dataclass
class QueueItem:
    target_type: str
    target_id: int
    count: int
    newest: object
    oldest: object
    reasons: list = field(default_factory=list)
    label: str = ""


def report_groups(order: str = "newest", limit: int = 100) -> list[QueueItem]:
    """Open reports grouped by target: several reports on one target are one item."""
    ordering = ORDERINGS.get(order, ORDERINGS["newest"])
    rows = list(
        Report.objects.filter(status=Report.Status.OPEN)
        .values("target_type", "target_id")
        .annotate(count=Count("id"), newest=Max("created_at"), oldest=Min("created_at"))
        .order_by(*ordering)[:limit]
    )
    items = [QueueItem(**row) for row in rows]
    if not items:
        return items
    keys = Q()
    for item in items:
        keys |= Q(target_type=item.target_type, target_id=item.target_id)
    reasons: dict[tuple, set] = {}
    for t, i, reason in (
        Report.objects.filter(keys, status=Report.Status.OPEN)
        .values_list("target_type", "target_id", "reason")
        .distinct()
    ):
        reasons.setdefault((t, i), set()).add(Report.Reason(reason).label)
    labels = target_labels([(item.target_type, item.target_id) for item in items])
    for item in items:
        item.reasons = sorted(reasons.get((item.target_type, item.target_id), ()))
        item.label = labels.get((item.target_type, item.target_id), gettext("(no longer exists)"))
    return items


def target_labels(keys) -> dict[tuple, str]:
    """A short moderator-facing label per (type, id), one query per target type."""
    by_type: dict[str, set] = {}
    for t, i in keys:
        by_type.setdefault(t, set()).add(i)
    labels = {}
    User = get_user_model()
    if ids := by_type.get(Report.TargetType.MEMBER):
        for u in User.objects.filter(pk__in=ids).select_related("profile"):
            labels[("member", u.pk)] = gettext("Member %(name)s (#%(id)s)") % {
                "name": u.display_name,
                "id": u.pk,
            }
    if ids := by_type.get(Report.TargetType.MESSAGE):
        for m in Message.objects.filter(pk__in=ids).select_related("circle", "author__profile"):
            who = m.author.display_name if m.author else gettext("former member")
            labels[("message", m.pk)] = gettext("Message by %(name)s in %(circle)s") % {
                "name": who,
                "circle": m.circle.name,
            }
    if ids := by_type.get(Report.TargetType.CIRCLE):
        for c in Circle.objects.filter(pk__in=ids):
            labels[("circle", c.pk)] = gettext("Circle %(name)s") % {"name": c.name}
    if (ids := by_type.get(Report.TargetType.MEETUP)) and (Meetup := meetup_model()):
        for m in Meetup.objects.filter(pk__in=ids).select_related("series", "circle"):
            labels[("meetup", m.pk)] = _meetup_label(m)
    return labels


def open_alerts():
    return CrisisAlert.objects.filter(status=CrisisAlert.Status.OPEN).select_related(
        "circle", "message"
    )


def open_appeals():
    return (
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .select_related("action", "appellant__profile")
        .order_by("created_at")
    )


def target_object(target_type: str, target_id: int):
    """The reported thing, or None when it does not (or no longer) exist."""
    if target_type == Report.TargetType.MEMBER:
        return get_user_model().objects.filter(pk=target_id).select_related("profile").first()
    if target_type == Report.TargetType.MESSAGE:
        return (
            Message.objects.filter(pk=target_id).select_related("circle", "author__profile").first()
        )
    if target_type == Report.TargetType.CIRCLE:
        return Circle.objects.filter(pk=target_id).first()
    if target_type == Report.TargetType.MEETUP and (Meetup := meetup_model()):
        return Meetup.objects.filter(pk=target_id).select_related("series", "circle").first()
    return None


def target_person_id(target_type: str, obj) -> int | None:
    """Whose conduct a report is about (None for circles and meetups)."""
    if obj is None:
        return None
    if target_type == Report.TargetType.MEMBER:
        return obj.pk
    if target_type == Report.TargetType.MESSAGE:
        return obj.author_id
    return None


def target_circle_id(target_type: str, obj) -> int | None:
    if obj is None:
        return None
    if target_type == Report.TargetType.MESSAGE:
        return obj.circle_id
    if target_type == Report.TargetType.CIRCLE:
        return obj.pk
    if target_type == Report.TargetType.MEETUP:
        return obj.circle_id  # an occurrence belongs to its series' circle
    return getattr(obj, "circle_id", None)


def message_context(message: Message) -> list[Message]:
    """The reported message with the messages just before and after it."""
    before = list(
        Message.objects.filter(circle_id=message.circle_id, pk__lt=message.pk)
        .select_related("author__profile")
        .order_by("-pk")[:CONTEXT_MESSAGES]
    )
    after = list(
        Message.objects.filter(circle_id=message.circle_id, pk__gt=message.pk)
        .select_related("author__profile")
        .order_by("pk")[:CONTEXT_MESSAGES]
    )
    return [*reversed(before), message, *after]


def target_history(target_type: str, target_id: int, person_id: int | None):
    """Earlier (closed) reports on the target and every action about the person."""
    earlier = Report.objects.filter(target_type=target_type, target_id=target_id).exclude(
        status=Report.Status.OPEN
    )
    if person_id is not None:
        earlier = Report.objects.filter(
            Q(target_type=target_type, target_id=target_id)
            | Q(target_type=Report.TargetType.MEMBER, target_id=person_id)
        ).exclude(status=Report.Status.OPEN)
    actions = ModerationAction.objects.none()
    if person_id is not None:
        actions = ModerationAction.objects.filter(target_user_id=person_id)
    elif target_type == Report.TargetType.CIRCLE:
        actions = ModerationAction.objects.filter(circle_id=target_id)
    return earlier.order_by("-created_at")[:50], actions[:50]


def person_circles(user_id: int | None):
    """Circles the person is an active member of (for mute / remove choices)."""
    if user_id is None:
        return Circle.objects.none()
    return Circle.objects.filter(
        memberships__user_id=user_id, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")
