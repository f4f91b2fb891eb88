"""Small helpers shared by the circles tests."""

import re

from django.core import mail

from connect.circles.models import Circle, Membership
from tests.factories import MembershipFactory, OnboardedUserFactory

LINK = re.compile(r"https?://[^/\s]+(/circles/invitations/link/[^/\s]+/)")


def make_seekers(n: int, **profile):
    kwargs = {f"onboarded__{k}": v for k, v in profile.items()}
    return [OnboardedUserFactory(**kwargs) for _ in range(n)]


def links_for(user) -> dict[str, str]:
    """The accept/decline paths from the invitation email sent to ``user``."""
    msgs = [m for m in mail.outbox if user.email in m.to and "invited" in m.subject]
    assert msgs, f"no invitation email for {user.email}"
    paths = LINK.findall(msgs[-1].body)
    assert len(paths) == 2
    return {"accept": paths[0], "decline": paths[1]}


def active_circle(members=4, capacity=6, facilitator=True, **fields) -> Circle:
    """An active circle with ``members`` members (the first facilitates)."""
    circle = MembershipFactory(
        circle__capacity=capacity,
        role=Membership.Role.FACILITATOR if facilitator else Membership.Role.MEMBER,
        **{f"circle__{k}": v for k, v in fields.items()},
    ).circle
    for _ in range(members - 1):
        MembershipFactory(circle=circle)
    circle.refresh_from_db()
    return circle
