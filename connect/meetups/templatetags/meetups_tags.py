"""Template tags so other apps' pages can show meetups with a one-line include."""

from django import template

from connect.circles.selectors import is_active_member
from connect.meetups import selectors

register = template.Library()


@register.filter
def has_video_room(occurrence) -> bool:
    """``{% if occ|has_video_room %}``: the meetup meets in the circle's video room."""
    return selectors.has_video_room(occurrence)


@register.simple_tag
def next_meetup_of(user):
    """``{% next_meetup_of user as next_meetup %}``: the person's next meetup or None."""
    return selectors.next_meetup_for(user)


@register.simple_tag
def circle_meetups_of(circle, user, limit=3):
    """``{% circle_meetups_of circle user as meetups %}``: upcoming meetups (members only)."""
    if circle is None or not is_active_member(user, circle.pk):
        return []
    return selectors.circle_upcoming(circle.pk, user, limit=limit)
