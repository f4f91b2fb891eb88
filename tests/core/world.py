"""A rich little world around one person, for the admin and data-rights tests."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.utils import timezone

from connect.chat import services as chat
from connect.chat.models import Message
from connect.circles import services as circles
from connect.circles.models import Circle, Membership
from connect.meetups import services as meetups
from connect.meetups.models import Frequency, Mode
from connect.moderation.models import Appeal, CrisisAlert, ModerationAction, Report
from connect.notifications.models import Notification, NotificationPreference
from connect.safety.models import ModerationWarning, Mute, Suspension
from connect.safety.services import block_create
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory, UserFactory

NAME = "Quillon Marsh"
EMAIL = "quillon.marsh@example.org"
ABOUT = "I keep bees near the old quarry and walk there at dawn."
LAT, LON = 48.137154, 11.576124
NOTE = "Please let me in, I read about you on the noticeboard."


@dataclass
class World:
    person: object
    facilitator: object
    members: list
    circle: Circle
    other_circle: Circle


def build_world() -> World:
    person = OnboardedUserFactory(
        email=EMAIL,
        onboarded__display_name=NAME,
        onboarded__about=ABOUT,
        onboarded__pronouns="they/them",
        onboarded__lat=LAT,
        onboarded__lon=LON,
        onboarded__city_name="Munich",
        onboarded__country_code="DE",
    )
    facilitator = OnboardedUserFactory(onboarded__display_name="Fay Lantern")
    circle = CircleFactory(name="Evening beekeepers")
    MembershipFactory(circle=circle, user=facilitator, role=Membership.Role.FACILITATOR)
    members = [
        MembershipFactory(circle=circle, user=OnboardedUserFactory(onboarded__display_name=n)).user
        for n in ("Ann Orchard", "Ben Willow")
    ]
    MembershipFactory(circle=circle, user=person)
    circle.refresh_from_db()

    # A second circle the person asks to join, with a note.
    other_fac = OnboardedUserFactory(onboarded__display_name="Gus Harbour")
    other = CircleFactory(name="Morning walkers")
    MembershipFactory(circle=other, user=other_fac, role=Membership.Role.FACILITATOR)
    for n in ("Ida Meadow", "Jo Brook", "Kit Fern"):
        MembershipFactory(circle=other, user=OnboardedUserFactory(onboarded__display_name=n))
    circles.join_request_create(person, other.pk, NOTE)

    # A third circle takes them in (its members are told "<name> joined …"),
    # and a forming one invites them.
    third_fac = OnboardedUserFactory(onboarded__display_name="Lou Pebble")
    third = CircleFactory(name="Night owls")
    MembershipFactory(circle=third, user=third_fac, role=Membership.Role.FACILITATOR)
    for n in ("Max Reed", "Nell Dune", "Oli Moss"):
        MembershipFactory(circle=third, user=OnboardedUserFactory(onboarded__display_name=n))
    req = circles.join_request_create(person, third.pk, "Night shifts here, evenings suit me.")
    circles.join_request_approve(third_fac, req.pk)
    forming = CircleFactory(name="New friends", status=Circle.Status.FORMING)
    circles.invitations_create(forming, [person.pk], kind="new_circle", topic_slugs=["anxiety"])

    # Chat: the person writes; others mention them; they mention others.
    own = chat.message_post(person, circle.pk, "Hello everyone, glad to be here.").message
    chat.message_post(members[0], circle.pk, f"@{NAME} welcome, lovely to meet you!")
    chat.message_post(members[1], circle.pk, f"Thanks @{NAME}!")
    chat.message_post(person, circle.pk, "@Ann Orchard thank you!")
    chat.read_marker_move(person, circle.pk)
    crisis_msg = Message.objects.create(circle=circle, author=person, body="I feel hopeless")
    CrisisAlert.objects.create(
        message=crisis_msg, circle=circle, author_id=person.pk, phrases=["hopeless"]
    )

    # Meetups: a series, an RSVP, a feed token, a check-in style notice.
    series = meetups.schedule_series(
        circle,
        facilitator,
        title="Tuesday circle",
        mode=Mode.VIRTUAL,
        venue_name="",
        venue_address="",
        video_url="https://video.example.com/room",
        capacity=None,
        agenda="Check-in round",
        timezone="Europe/London",
        start_date=(timezone.now() + timedelta(days=3)).date(),
        start_time=time(18, 0),
        duration_minutes=60,
        frequency=Frequency.ONCE,
        until=None,
        count=None,
    )
    occurrence = series.occurrences.first()
    meetups.rsvp(occurrence, person, "yes")
    meetups.rsvp(occurrence, members[0], "yes")
    meetups.issue_feed_token(person)

    # Safety records around the person.
    block_create(person, members[1])
    block_create(other_fac, person)  # blocked after asking to join
    Report.objects.create(
        reporter=members[0],
        target_type=Report.TargetType.MESSAGE,
        target_id=own.pk,
        reason=Report.Reason.values[0],
        note=f"Not sure {NAME} meant it like that.",
    )
    Report.objects.create(
        reporter=person,
        target_type=Report.TargetType.MEMBER,
        target_id=members[1].pk,
        reason=Report.Reason.values[0],
        note="They keep messaging me.",
    )
    moderator = UserFactory(is_superuser=True, is_staff=True)
    action = ModerationAction.objects.create(
        kind=ModerationAction.Kind.WARN,
        actor_id=moderator.pk,
        actor_role="moderator",
        target_user_id=person.pk,
        circle_id=circle.pk,
        reason="Please keep the chat kind.",
    )
    ModerationWarning.objects.create(
        user=person, action_id=action.pk, text="Please keep the chat kind."
    )
    Appeal.objects.create(action=action, appellant=person, text="I was misunderstood.")
    Mute.objects.create(
        circle=circle,
        user=members[1],
        ends_at=timezone.now() + timedelta(hours=1),
        reason="Cooling off.",
    )
    Suspension.objects.create(
        user=members[1],
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=9),
        reason="Old suspension.",
    )
    NotificationPreference.objects.get_or_create(user=person)
    Notification.objects.create(user=person, kind="circle", title="Your own note to self")
    return World(person, facilitator, members, circle, other)
