"""Creating circles from matching proposals, and a facilitator's settings."""

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext

from accounts.models import Topic

from ..models import MAX_CIRCLE_SIZE, MIN_CIRCLE_SIZE, Circle, Invitation, MatchRound
from .common import CircleError, lock_circle, require_facilitator
from .invitations import invitations_create


def circle_name_for(topic_slugs: Iterable[str], city_name: str = "") -> str:
    """A friendly generated name from the circle's main shared topic."""
    topic = Topic.objects.filter(slug__in=list(topic_slugs)[:1]).first()
    base = f"{topic.name} circle" if topic else "Connect circle"
    return f"{base}, {city_name}"[:80] if city_name else base[:80]


@transaction.atomic
def circle_create_from_proposal(
    *,
    member_ids: Sequence[int],
    start_slot: int,
    mode: str,
    language: str,
    topic_slugs: Sequence[str],
    lat: float | None = None,
    lon: float | None = None,
    city_name: str = "",
    slot_count: int = 2,
    capacity: int | None = None,
    match_reason: str = "",
    match_round: MatchRound | None = None,
    scores: Sequence[float] | None = None,
) -> tuple[Circle, list[Invitation]]:
    """Create a forming circle and one pending invitation per proposed member."""
    capacity = capacity or max(len(member_ids), MIN_CIRCLE_SIZE, 6)
    in_person = mode == Circle.Mode.IN_PERSON
    circle = Circle.objects.create(
        name=circle_name_for(topic_slugs, city_name if in_person else ""),
        mode=mode,
        language=language,
        start_slot=start_slot,
        slot_count=slot_count,
        city_name=city_name if in_person else "",
        lat=lat if in_person else None,
        lon=lon if in_person else None,
        capacity=min(capacity, MAX_CIRCLE_SIZE),
        status=Circle.Status.FORMING,
        match_reason=match_reason,
        match_round=match_round,
    )
    circle.topics.set(Topic.objects.filter(slug__in=list(topic_slugs)))
    invitations = invitations_create(
        circle,
        member_ids,
        kind=Invitation.Kind.NEW_CIRCLE,
        topic_slugs=topic_slugs,
        match_round=match_round,
        scores=scores,
    )
    return circle, invitations


@transaction.atomic
def circle_update(user, circle_id: int, *, name: str, join_policy: str) -> Circle:
    """A facilitator renames the circle or changes whether it takes join requests."""
    circle = lock_circle(circle_id)
    require_facilitator(user, circle)
    name = (name or "").strip()
    if not name:
        raise CircleError(gettext("Give the circle a name."))
    if join_policy not in Circle.JoinPolicy.values:
        raise CircleError(gettext("Choose whether the circle takes join requests."))
    circle.name = name[:80]
    circle.join_policy = join_policy
    circle.save(update_fields=["name", "join_policy"])
    return circle
