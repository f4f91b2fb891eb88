"""Every URL pattern of the site × every role → the expected status.

Roles: outsiders (anonymous, a seeker, another circle's member, a suspended
person), the circle's member and facilitator, a site moderator, a blocked pair
inside the circle (one the member blocked, one who blocked the member), a
person in the circle who never confirmed 18+ nor accepted the guidelines
(circle pages send them to onboarding's agreements step), a staff user who is
not a superuser (every "view" permission: the admin shows them no one's email)
and the suspended person's own links used without a session (their calendar
feed answers with nothing member-only).

The table below is explicit: a URL pattern without an entry FAILS
``test_every_url_pattern_has_an_expectation``, so patterns added by any app
must be given expectations here when they are merged. Keys are the full
route strings as Django combines them (e.g. ``"safety/queue/"``); admin
routes share one rule (Django generates one set per registered model and they
all behave the same for non-staff), except the login and logout pages.

Each request is a GET (state never changes on GET); POST-only views answer
405 to logged-in roles. Responses to the roles outside the circle must not
contain member-only data (member display names, message text, meetup
addresses and video links): see ``MEMBER_ONLY_SENTINELS``. A meetup's venue
and video link are not even for moderators (they are not members).

Where one URL keyword means different things in different routes (``pk`` is
an occurrence or a series, ``token`` an appeal, invitation or calendar link),
``ROUTE_SAMPLES`` in the ``world`` fixture gives that route its own values.
"""

import re
from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from connect.chat.models import Message
from connect.circles.models import Invitation, JoinRequest, Membership
from connect.circles.tokens import make_token
from connect.meetups import services as meetups
from connect.meetups.models import Mode
from connect.moderation.models import Appeal, CrisisAlert, ModerationAction, Report
from connect.moderation.services import appeal_link_token
from connect.safety.models import Block, ModerationWarning, Mute, Suspension
from tests.factories import (
    CircleFactory,
    MembershipFactory,
    NotAgreedUserFactory,
    OnboardedUserFactory,
    StaffViewerFactory,
)

ROLES = (
    "anonymous",
    "seeker",
    "other_member",
    "member",
    "facilitator",
    "moderator",
    "suspended",
    # Added roles:
    "blocked",  # in the circle; the member blocked them
    "blocker",  # in the circle; they blocked the member
    "not_agreed",  # in the circle (a join request let them in) without 18+ / guidelines
    "staff",  # is_staff with every "view" permission, not a superuser, in no circle
    "suspended_link",  # no session: the suspended person's feed, invitation and appeal links
)
OUTSIDERS = ("anonymous", "seeker", "other_member", "suspended", "staff", "suspended_link")
# Roles that must never read the member's message: outsiders, the blocked pair, and a
# person who has not agreed to the guidelines (nothing circle-related works for them).
NO_MESSAGE = (*OUTSIDERS, "blocked", "blocker", "not_agreed")

SENTINEL_MESSAGE = "SENTINEL message text only the circle may read"
SENTINEL_NAMES = ("Sentinel Ada", "Sentinel Bo")  # the circle's member and facilitator
SENTINEL_VENUE = "SENTINEL 12 Venue Street"
SENTINEL_VIDEO = "https://video.example/SENTINEL"
MEETUP_SENTINELS = (SENTINEL_VENUE, SENTINEL_VIDEO)  # members only: not moderators either
MEMBER_ONLY_SENTINELS = (SENTINEL_MESSAGE, *SENTINEL_NAMES, *MEETUP_SENTINELS)
# The member's city point: nobody but the member (in their own export) may see it.
MEMBER_LAT, MEMBER_LON = 51.4321987, -0.1234987
COORDINATE_SENTINELS = ("51.4321987", "0.1234987")
COORDINATES_ALLOWED = {("member", "safety/export/download/")}

# The private calendar feed's secret is the member's own credential: whoever
# holds it reads the member's meetups (venue included), logged in or not. What
# a feed holds is checked in ``test_calendar_feed_holds_only_the_token_holders_meetups``.
CREDENTIAL_ROUTES = {"meetups/feed/<str:token>.ics"}

# The other side: the member DOES see these, so the sentinels above are real
# (a sentinel nobody ever sees would make the outsider checks pass vacuously).
SHOWN_TO_MEMBER = {
    "circles/<int:circle_id>/": (SENTINEL_MESSAGE, *SENTINEL_NAMES),
    "meetups/<int:pk>/": (SENTINEL_VENUE, SENTINEL_NAMES[0]),
    "meetups/<int:pk>/meetup.ics": (SENTINEL_VENUE,),
    "meetups/feed/<str:token>.ics": MEETUP_SENTINELS,
    "chat/<int:circle_id>/messages/": (SENTINEL_MESSAGE,),
    "safety/export/download/": COORDINATE_SENTINELS,
}


# Expected outcomes: a status code; AGREE (a redirect to onboarding's agreements
# step: the person has not confirmed 18+ / accepted the guidelines); or a tuple of
# acceptable outcomes where either answer is correct (e.g. a page that may show
# itself or answer 404 to a person who cannot see it).
AGREE = "agreements"
AGREEMENTS_URL = "/me/onboarding/agreements/"


def row(
    anonymous,
    seeker,
    other_member,
    member,
    facilitator,
    moderator,
    suspended,
    *,
    blocked,
    blocker,
    not_agreed,
    staff,
    suspended_link,
):
    values = (anonymous, seeker, other_member, member, facilitator, moderator, suspended)
    values += (blocked, blocker, not_agreed, staff, suspended_link)
    return dict(zip(ROLES, values, strict=True))


def same(status, anonymous=302, suspended=302, not_agreed=None):
    """Every logged-in role gets ``status``; anonymous and suspended are sent to log in."""
    return row(
        anonymous,
        status,
        status,
        status,
        status,
        status,
        suspended,
        blocked=status,
        blocker=status,
        not_agreed=status if not_agreed is None else not_agreed,
        staff=status,
        suspended_link=anonymous,
    )


def members(member, facilitator, *, not_agreed=AGREE, blocked=None):
    """A member-only page of the circle: outsiders (moderators and staff too) get 404,
    the blocked pair what an ordinary member gets, the not-agreed person the agreements."""
    pair = member if blocked is None else blocked
    return row(
        302,
        404,
        404,
        member,
        facilitator,
        404,
        302,
        blocked=pair,
        blocker=pair,
        not_agreed=not_agreed,
        staff=404,
        suspended_link=302,
    )


PUBLIC = row(
    200,
    200,
    200,
    200,
    200,
    200,
    302,
    blocked=200,
    blocker=200,
    not_agreed=200,
    staff=200,
    suspended_link=200,
)
# Crisis help stays reachable for a suspended person (logged out on the spot).
ALWAYS_OPEN = {**PUBLIC, "suspended": 200}
LOGGED_IN = same(200)
POST_ONLY = same(405)
# Everything under circles/, meetups/ and chat/ sends the not-agreed person to
# the agreements step first (only the sessionless calendar feed is exempt).
CIRCLE_PAGE = same(200, not_agreed=AGREE)
CIRCLE_POST_ONLY = same(405, not_agreed=AGREE)
MODERATORS = row(
    302,
    403,
    403,
    403,
    403,
    200,
    302,
    blocked=403,
    blocker=403,
    not_agreed=403,
    staff=403,
    suspended_link=302,
)
# Member-only pages: everyone outside the circle (moderators too) gets 404.
MEMBERS = members(200, 200)
FACILITATOR = members(404, 200, not_agreed=(404, AGREE))
# Only the member's own object: everyone else 404 (the not-agreed person may be
# sent to the agreements first).
MEMBER_ONLY = members(200, 404, not_agreed=(404, AGREE), blocked=404)
NOBODY_HERE = members(404, 404, not_agreed=(404, AGREE), blocked=404)

EXPECTED = {
    # --- core ------------------------------------------------------------
    # the landing sends logged-in people on
    "": {**same(302), "anonymous": 200, "suspended_link": 200},
    "dashboard/": LOGGED_IN,
    "help/": ALWAYS_OPEN,
    "guidelines/": PUBLIC,
    "healthz/": PUBLIC,
    # 503 while no worker has written a heartbeat (none runs in this test)
    "healthz/deep/": same(503, anonymous=503),
    # --- accounts (ours) ---------------------------------------------------
    # step "where" (city, never coordinates); the not-agreed person must finish onboarding first
    "me/profile/edit/<slug:step>/": same(200, not_agreed=AGREE),
    "me/profile/": LOGGED_IN,
    # Everyone here has finished onboarding: sent on to their profile / the edit page.
    # The not-agreed person is sent to the step they stopped at: the agreements.
    "me/onboarding/": same(302, not_agreed=AGREE),
    "me/onboarding/<slug:step>/": same(302, not_agreed=AGREE),
    "me/cities/": LOGGED_IN,
    "me/guidelines/": LOGGED_IN,
    # --- circles -----------------------------------------------------------
    "circles/": CIRCLE_PAGE,  # browsing: cards without member lists
    "circles/mine/": CIRCLE_PAGE,
    "circles/<int:circle_id>/": MEMBERS,
    # What browsing shows; members are sent on to the circle page.
    "circles/<int:circle_id>/about/": {
        **members(302, 302, not_agreed=AGREE),
        "seeker": 200,
        "other_member": 200,
        "moderator": 200,
        "staff": 200,
    },
    "circles/<int:circle_id>/join/": CIRCLE_POST_ONLY,
    "circles/<int:circle_id>/leave/": MEMBERS,  # GET asks to confirm
    "circles/<int:circle_id>/settings/": CIRCLE_POST_ONLY,
    "circles/<int:circle_id>/handover/": CIRCLE_POST_ONLY,
    "circles/<int:circle_id>/vote/": CIRCLE_POST_ONLY,
    "circles/requests/<int:request_id>/withdraw/": CIRCLE_POST_ONLY,
    "circles/requests/<int:request_id>/<str:decision>/": CIRCLE_POST_ONLY,
    # The seeker's invitation: nobody else learns it exists.
    "circles/invitations/<int:invitation_id>/": {**NOBODY_HERE, "seeker": 200},
    # The seeker's signed "accept" link shows a confirm page (GET changes nothing);
    # anyone else logged in is sent to their own circles with "this is for someone else".
    # Without a session (the suspended person's own link too): log in first.
    "circles/invitations/link/<str:token>/": {**same(302), "seeker": 200},
    # --- meetups -----------------------------------------------------------
    "meetups/circle/<int:circle_id>/": MEMBERS,
    "meetups/circle/<int:circle_id>/step-back/": MEMBERS,
    "meetups/<int:pk>/": MEMBERS,
    "meetups/<int:pk>/meetup.ics": MEMBERS,
    "meetups/<int:pk>/rsvp/": CIRCLE_POST_ONLY,
    "meetups/<int:pk>/cancel/": CIRCLE_POST_ONLY,
    "meetups/<int:pk>/move/": CIRCLE_POST_ONLY,
    "meetups/<int:pk>/check-in/": CIRCLE_POST_ONLY,
    "meetups/series/<int:pk>/edit/": FACILITATOR,  # or whoever scheduled it
    # Issuing a calendar link is circle-related: the not-agreed person may be sent on.
    "meetups/feed/": same(200, not_agreed=(200, AGREE)),
    # The member's feed link works without logging in (calendar apps can't);
    # the suspended person's session is ended and sent to log in first. Their own
    # link (suspended_link) answers an empty calendar: nothing member-only.
    # The not-agreed person uses their own link: nothing member-only either.
    "meetups/feed/<str:token>.ics": {
        **PUBLIC,
        "not_agreed": (200, 404),
        "suspended_link": (200, 404),
    },
    "meetups/preferences/": CIRCLE_PAGE,
    # --- chat --------------------------------------------------------------
    "chat/<int:circle_id>/": MEMBERS,  # the member is muted: may still read
    "chat/<int:circle_id>/send/": CIRCLE_POST_ONLY,
    "chat/<int:circle_id>/messages/": MEMBERS,
    # Only the author edits; the member (the author) is muted, so the page sends
    # them back to the chat with the muted notice instead of opening the form.
    "chat/<int:circle_id>/m/<int:message_id>/edit/": {**MEMBER_ONLY, "member": 302},
    "chat/<int:circle_id>/m/<int:message_id>/delete/": CIRCLE_POST_ONLY,
    # The blocked pair can't see the member's message, so can't report it here either.
    "chat/<int:circle_id>/m/<int:message_id>/report/": members(200, 200, blocked=404),
    # --- video rooms --------------------------------------------------------
    # The room page of a meetup (the world runs no Janus: it says so); the pass is a POST.
    "video/meetup/<int:pk>/": MEMBERS,
    "video/meetup/<int:pk>/pass/": CIRCLE_POST_ONLY,
    # --- notifications -----------------------------------------------------
    "notifications/": LOGGED_IN,
    "notifications/read/": POST_ONLY,
    "notifications/preferences/": LOGGED_IN,
    # --- safety (moderation) -------------------------------------------------
    "safety/": LOGGED_IN,
    # ?type=circle&id=<circle A>; the blocked pair ask for the member's MESSAGE
    # (ROLE_QUERY) and get what a missing message gets: 404, no text.
    "safety/report/": {**same(200), "blocked": 404, "blocker": 404},
    "safety/report/sent/": LOGGED_IN,
    "safety/blocks/": LOGGED_IN,
    "safety/blocks/add/": same(404),  # a GET without an id: like a missing person
    "safety/blocks/<int:user_id>/unblock/": POST_ONLY,
    # Only the blocker (the member) may see the page after blocking someone.
    "safety/blocks/<int:user_id>/shared/": {**NOBODY_HERE, "member": 200, "not_agreed": 404},
    "safety/queue/": MODERATORS,
    "safety/queue/<str:target_type>/<int:target_id>/": MODERATORS,
    "safety/circles/<int:circle_id>/": {
        **NOBODY_HERE,
        "facilitator": 200,
        "moderator": 200,
        "not_agreed": 404,
    },
    "safety/alerts/<int:alert_id>/": {
        **NOBODY_HERE,
        "facilitator": 200,
        "moderator": 200,
        "not_agreed": 404,
    },
    "safety/audit/": MODERATORS,
    "safety/my-actions/": LOGGED_IN,
    # The mute being appealed is about the member: nobody else may appeal it.
    "safety/actions/<int:action_id>/appeal/": {**MEMBER_ONLY, "not_agreed": 404},
    # The signed link from a suspension email is the credential itself.
    "safety/appeal/<str:token>/": ALWAYS_OPEN,
    "safety/appeals/<int:appeal_id>/": MODERATORS,
    "safety/warnings/<int:warning_id>/": {**MEMBER_ONLY, "not_agreed": 404},
    "safety/export/": LOGGED_IN,
    "safety/export/download/": LOGGED_IN,
    "safety/delete-account/": LOGGED_IN,
    # --- community health (moderators and operators) -----------------------------
    "insights/": MODERATORS,
    "insights/health.csv": MODERATORS,
    # Django's language switch: a GET changes nothing and goes back to the site.
    "i18n/setlang/": same(302),
}

LOGGED_OUT_ONLY = {**same(302), "anonymous": 200, "suspended_link": 200}

# django-allauth's pages (login by email, MFA). Logged-in people are sent on from
# login/signup; MFA pages a person without an authenticator can't use answer 404
# or send them to set one up; a bad key in a link shows allauth's "bad link" page.
ALLAUTH = {
    "accounts/login/": LOGGED_OUT_ONLY,
    "accounts/logout/": same(200),
    "accounts/inactive/": PUBLIC,
    "accounts/signup/": LOGGED_OUT_ONLY,
    "accounts/reauthenticate/": LOGGED_IN,
    "accounts/email/": LOGGED_IN,
    "accounts/confirm-email/": PUBLIC,
    "accounts/password/change/": LOGGED_IN,
    "accounts/password/set/": same(302),  # everyone here already has a password
    "accounts/password/reset/": PUBLIC,
    "accounts/login/code/confirm/": same(302),  # no login code was requested
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": PUBLIC,  # a bad key: "link expired" page
    "accounts/password/reset/key/done/": PUBLIC,
    r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": PUBLIC,
    "accounts/password/reset/done/": PUBLIC,
    "accounts/2fa/": LOGGED_IN,
    "accounts/2fa/authenticate/": same(302),
    "accounts/2fa/reauthenticate/": same(302),
    "accounts/2fa/totp/activate/": same(302),  # asks to re-authenticate first
    "accounts/2fa/totp/deactivate/": same(404),  # no authenticator to deactivate
    "accounts/2fa/recovery-codes/": same(404),
    "accounts/2fa/recovery-codes/generate/": same(302),
    "accounts/2fa/recovery-codes/download/": same(404),
}

ADMIN_PREFIX = "admin/"
# Nobody here but ``staff`` may open the admin. Staff has every "view" permission:
# lists and (view-only) object pages open, a missing object "1" redirects to the
# index, and what needs more than viewing is 403. What matters for staff is
# checked on every admin page: no other person's email (STAFF_NEVER_SEES).
STAFF_ADMIN = (200, 302, 403, 404)
ADMIN_DEFAULT = {**same(302), "staff": STAFF_ADMIN}
ADMIN_EXCEPTIONS = {
    "admin/login/": {**PUBLIC, "staff": 302},
    "admin/logout/": {**same(302), "staff": 405},  # logging out is a POST
}


def expectation(route: str) -> dict | None:
    if route in EXPECTED:
        return EXPECTED[route]
    if route in ALLAUTH:
        return ALLAUTH[route]
    if route.startswith(ADMIN_PREFIX):
        return ADMIN_EXCEPTIONS.get(route, ADMIN_DEFAULT)
    return None


# --- Walking the URL map ----------------------------------------------------


def all_routes(patterns=None, prefix=""):
    """Every URL pattern's full route string, recursively."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from all_routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _replace_regex_groups(route: str, samples: dict) -> str:
    out, i = [], 0
    while (start := route.find("(?P<", i)) != -1:
        out.append(route[i:start])
        name = route[start + 4 : route.index(">", start)]
        depth, j = 0, start
        while True:  # skip to the group's closing parenthesis
            if route[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(route[j], 0)
            j += 1
            if depth == 0:
                break
        out.append(str(samples[name]))
        i = j
    out.append(route[i:])
    return "".join(out).replace("^", "").replace("$", "")


def build_url(route: str, samples: dict) -> str:
    url = _replace_regex_groups(route, samples)  # regex groups first: "(?P<key>" has "<key>"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(samples[m.group(1)]), url)


# --- The world ----------------------------------------------------------------


def feed_link_issued_earlier(user) -> str:
    """A calendar link stored for ``user`` without the service's checks."""
    import secrets

    from connect.meetups.models import FeedToken
    from connect.meetups.services import _hash

    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(user=user, token_hash=_hash(token))
    return token


@pytest.fixture
def world(db):
    circle = CircleFactory(name="Sentinel circle", capacity=8)
    other_circle = CircleFactory(name="Another circle")
    member = MembershipFactory(circle=circle).user
    facilitator = MembershipFactory(circle=circle, role=Membership.Role.FACILITATOR).user
    for person, name in zip((member, facilitator), SENTINEL_NAMES, strict=True):
        person.profile.display_name = name
        person.profile.save()
    member.profile.lat, member.profile.lon = MEMBER_LAT, MEMBER_LON
    member.profile.save()
    suspended = MembershipFactory(circle=circle).user
    other_member = MembershipFactory(circle=other_circle).user
    seeker = OnboardedUserFactory()
    moderator = OnboardedUserFactory()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    Suspension.objects.create(user=suspended, starts_at=timezone.now(), reason="test")
    # A blocked pair inside the circle: the member blocked one; the other blocked the member.
    blocked = MembershipFactory(circle=circle).user
    blocker = MembershipFactory(circle=circle).user
    Block.objects.create(blocker=member, blocked=blocked)
    Block.objects.create(blocker=blocker, blocked=member)
    # In the circle (the way a join request let them in) without 18+ or the guidelines.
    not_agreed = NotAgreedUserFactory()
    MembershipFactory(circle=circle, user=not_agreed)
    staff = StaffViewerFactory()

    message = Message.objects.create(circle=circle, author=member, body=SENTINEL_MESSAGE)
    Report.objects.create(
        reporter=facilitator, target_type="message", target_id=message.pk, reason="spam"
    )
    alert = CrisisAlert.objects.create(message=message, circle=circle, phrases=["x"])
    mute = ModerationAction.objects.create(
        kind="mute",
        actor_id=facilitator.pk,
        target_user_id=member.pk,
        circle_id=circle.pk,
        ends_at=timezone.now() + timedelta(hours=1),
        reason="test mute",
    )
    Mute.objects.create(user=member, circle=circle, ends_at=mute.ends_at, reason="test mute")
    appeal = Appeal.objects.create(action=mute, appellant=member, text="please")
    warning = ModerationWarning.objects.create(
        user=member, action_id=mute.pk, text="w", acknowledged_at=timezone.now()
    )
    suspension = ModerationAction.objects.create(
        kind="suspend", actor_id=moderator.pk, target_user_id=suspended.pk, reason="test"
    )
    Block.objects.create(blocker=member, blocked=seeker)

    # Meetups: one in person (venue) and one by video (link), both members only.
    meetup_fields = {
        "title": "Sentinel meetup",
        "venue_name": "",
        "venue_address": "",
        "video_url": "",
        "capacity": None,
        "agenda": "",
        "timezone": "Europe/London",
        "start_date": (timezone.now() + timedelta(days=3)).date(),
        "start_time": time(18, 0),
        "duration_minutes": 90,
        "frequency": "once",
        "until": None,
        "count": None,
    }
    in_person = meetups.schedule_series(
        circle,
        facilitator,
        **{**meetup_fields, "mode": Mode.IN_PERSON, "venue_address": SENTINEL_VENUE},
    )
    meetups.schedule_series(
        circle, facilitator, **{**meetup_fields, "mode": Mode.VIRTUAL, "video_url": SENTINEL_VIDEO}
    )
    occurrence = in_person.occurrences.get()
    meetups.rsvp(occurrence, member, "yes")
    feed_token = meetups.issue_feed_token(member)
    # The service issues links only to people who may take part; these two
    # stand for links issued before a suspension or a lapse of the agreements.
    suspended_feed_token = feed_link_issued_earlier(suspended)
    not_agreed_feed_token = feed_link_issued_earlier(not_agreed)

    # Circles: the seeker is invited; the other circle's member asks to join.
    invitation = Invitation.objects.create(
        circle=circle, user=seeker, expires_at=timezone.now() + timedelta(hours=24)
    )
    join_request = JoinRequest.objects.create(circle=circle, user=other_member, note="hello")
    suspended_invitation = Invitation.objects.create(
        circle=other_circle, user=suspended, expires_at=timezone.now() + timedelta(hours=24)
    )

    samples = {
        "user_id": seeker.pk,
        "target_type": "message",
        "target_id": message.pk,
        "circle_id": circle.pk,
        "alert_id": alert.pk,
        "action_id": mute.pk,
        "appeal_id": appeal.pk,
        "warning_id": warning.pk,
        "token": appeal_link_token(suspension.pk),
        "step": "where",
        "pk": occurrence.pk,
        "request_id": join_request.pk,
        "decision": "approve",
        "invitation_id": invitation.pk,
        "message_id": message.pk,
        # third-party patterns
        "key": "not-a-real-key",
        "uidb36": "1",
        "object_id": "1",
        "id": "1",
        "content_type_id": "1",
        "url": "nothing-here/",
        "app_label": "moderation",
    }
    users = {
        "anonymous": None,
        "seeker": seeker,
        "other_member": other_member,
        "member": member,
        "facilitator": facilitator,
        "moderator": moderator,
        "suspended": suspended,
        "blocked": blocked,
        "blocker": blocker,
        "not_agreed": not_agreed,
        "staff": staff,
        "suspended_link": None,  # no session: only the suspended person's links
    }
    # Keywords that mean something else in these routes.
    route_samples = {
        "meetups/series/<int:pk>/edit/": {"pk": in_person.pk},
        "meetups/feed/<str:token>.ics": {"token": feed_token},
        "circles/invitations/link/<str:token>/": {"token": make_token(invitation, "accept")},
    }
    query = {
        "safety/report/": {"type": "circle", "id": circle.pk},
        "me/cities/": {"q": "Lon"},
        "me/profile/edit/<slug:step>/": {"q": "Lon"},
    }
    # The suspended person's own links, used without a session.
    role_samples = {
        "suspended_link": {
            "meetups/feed/<str:token>.ics": {"token": suspended_feed_token},
            "circles/invitations/link/<str:token>/": {
                "token": make_token(suspended_invitation, "accept")
            },
            "safety/appeal/<str:token>/": {"token": appeal_link_token(suspension.pk)},
        },
        "not_agreed": {"meetups/feed/<str:token>.ics": {"token": not_agreed_feed_token}},
    }
    return users, samples, route_samples, query, role_samples


def test_every_url_pattern_has_an_expectation():
    missing = [route for route in all_routes() if expectation(route) is None]
    assert not missing, (
        "These URL patterns have no row in tests/test_authorization_matrix.py; add the "
        "expected status per role:\n" + "\n".join(missing)
    )


def matches(response, expected) -> bool:
    """Whether ``response`` is one of the ``expected`` outcomes (see AGREE)."""
    for outcome in expected if isinstance(expected, tuple) else (expected,):
        if outcome == AGREE:
            if response.status_code == 302 and response["Location"].startswith(AGREEMENTS_URL):
                return True
        elif response.status_code == outcome:
            return True
    return False


def url_for(route, role, samples, route_samples, role_samples) -> str:
    values = {**samples, **route_samples.get(route, {})}
    values.update(role_samples.get(role, {}).get(route, {}))
    return build_url(route, values)


def login_as(client, users, role):
    client.logout()
    if users[role] is not None:
        client.force_login(users[role])


# Some roles ask for something else than the others on a route.
def role_query(route, role, query, message_id) -> dict:
    if route == "safety/report/" and role in ("blocked", "blocker"):
        return {"type": "message", "id": message_id}
    return query.get(route, {})


# Deprecation noise from Django's own admin forms (URLField's default scheme) is not
# what this matrix is about.
# One test per role, so that pytest-xdist spreads the matrix over its workers.
@pytest.mark.filterwarnings("ignore:The default scheme will be changed")
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client, world, role):
    users, samples, route_samples, query, role_samples = world
    others_emails = [u.email for name, u in users.items() if u is not None and name != "staff"]
    failures = []
    for route in all_routes():
        expected = expectation(route)
        if expected is None:
            continue  # reported by test_every_url_pattern_has_an_expectation
        url = url_for(route, role, samples, route_samples, role_samples)
        # Django drops a regex's "^" when it joins routes.
        assert resolve(url).route == route.replace("^", ""), f"{url} is not {route}"
        login_as(client, users, role)
        params = role_query(route, role, query, samples["message_id"])
        response = client.get(url, params)
        if not matches(response, expected[role]):
            where = response.get("Location", "")
            failures.append(
                f"{role:>14} GET {url}: {response.status_code} {where}".rstrip()
                + f", expected {expected[role]}"
            )
        body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
        for secret in SHOWN_TO_MEMBER.get(route, ()) if role == "member" else ():
            if secret not in body:
                failures.append(f"{role:>14} GET {url}: does not show {secret!r}")
        if role == "staff" and route.startswith(ADMIN_PREFIX):
            # Staff who are not superusers never see people's emails in the admin.
            failures += [
                f"{role:>14} GET {url}: shows another person's email {email!r}"
                for email in others_emails
                if email in body
            ][:1]
            continue  # the admin is an operator's tool: member data is not checked here
        if route in CREDENTIAL_ROUTES and route not in role_samples.get(role, {}):
            continue  # the member's own credential: the member's data, rightly
        secrets = ()
        if role in OUTSIDERS or role == "not_agreed":
            secrets = MEMBER_ONLY_SENTINELS
        elif role == "moderator":
            secrets = MEETUP_SENTINELS
        elif role in NO_MESSAGE:
            secrets = (SENTINEL_MESSAGE,)
        for secret in secrets:
            if secret in body:
                failures.append(f"{role:>14} GET {url}: shows member-only {secret!r}")
        for secret in COORDINATE_SENTINELS if (role, route) not in COORDINATES_ALLOWED else ():
            if secret in body:
                failures.append(f"{role:>14} GET {url}: shows the member's coordinates")
    assert not failures, "\n".join(failures)


def test_calendar_feed_holds_only_the_token_holders_meetups(client, world):
    """Another person's feed never carries the sentinel circle's venue or link; a
    revoked or unknown secret answers 404, logged in or not."""
    users, _, route_samples, _, _ = world
    member_token = route_samples["meetups/feed/<str:token>.ics"]["token"]
    other_token = meetups.issue_feed_token(users["other_member"])
    response = client.get(f"/meetups/feed/{other_token}.ics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert not [secret for secret in MEMBER_ONLY_SENTINELS if secret in body]

    meetups.revoke_feed_token(users["member"])
    client.force_login(users["member"])
    assert client.get(f"/meetups/feed/{member_token}.ics").status_code == 404
    client.logout()
    assert client.get(f"/meetups/feed/{member_token}.ics").status_code == 404
    assert client.get("/meetups/feed/not-a-real-token.ics").status_code == 404
