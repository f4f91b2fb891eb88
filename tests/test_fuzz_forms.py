"""Hostile input for every form: never a 500.

Hypothesis sends each form (onboarding steps, profile edit, browse filters,
join request, circle settings and handover, scheduling and moving a meetup,
RSVP, check-in, reports, blocks, appeals, moderation actions, the audit search,
notification and meetup preferences, account deletion, the no-JavaScript chat
pages, …) generated values: huge numbers (10**30, 2**63), 300-character strings,
dates at the calendar's edges (0001-01-01, 9999-12-31), unicode, empty strings,
NUL bytes, lists where one value is expected. Every answer must be below 500:
bad input gets a form error or a 400/404, and changes nothing.

Each form gets ``CONNECT_FUZZ_EXAMPLES`` inputs (default 60 in each test run; ``bench/fuzz.py``
runs thousands). The session prints ``form fuzz: N inputs over M forms``.
Every input runs in a savepoint that is rolled back, so one world serves all the
inputs of a form.
"""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import Topic
from connect.chat.models import Message
from tests import fuzzcount
from tests.test_authorization_matrix import world  # noqa: F401  (a fixture)

EXAMPLES = int(os.environ.get("CONNECT_FUZZ_EXAMPLES", "60"))

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    str(10**30),
    str(-(10**30)),
    str(2**63),
    str(2**63 - 1),
    str(-(2**63) - 1),
    "9" * 20,
    "1e309",
    "NaN",
    "-0",
    "x" * 300,
    "é" * 300,
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2026-02-30",
    "24:00",
    "23:59:60",
    "99:99",
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "💥🧡",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "Europe/London",
    "Mars/Olympus_Mons",
    "../../etc/passwd",
    "https://video.example/x",
    "javascript:alert(1)",
    "true",
    "on",
    "null",
    "[]",
    "{}",
]

value = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=40),
    st.text(min_size=250, max_size=320),
    st.dates().map(lambda d: d.isoformat()),
)
field_value = st.one_of(
    value, value, value, st.lists(value, min_size=0, max_size=4), st.none()
)  # None: the field is left out


def form_data(fields):
    return st.fixed_dictionaries({name: field_value for name in fields}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


SCHEDULE = [
    "title",
    "mode",
    "venue_name",
    "venue_address",
    "video_url",
    "start_date",
    "start_time",
    "timezone",
    "duration_minutes",
    "frequency",
    "until",
    "count",
    "capacity",
    "agenda",
]
ACTION = ["kind", "circle", "person", "message", "duration", "reason", "ends_at"]

# name → (role, method, url from the world, field names)
FORMS = {
    "onboarding about": (
        "not_agreed",
        "post",
        "/me/onboarding/about/",
        ["display_name", "pronouns", "about"],
    ),
    "onboarding agreements": (
        "not_agreed",
        "post",
        "/me/onboarding/agreements/",
        ["adult", "guidelines"],
    ),
    "profile about": (
        "member",
        "post",
        "/me/profile/edit/about/",
        ["display_name", "pronouns", "about"],
    ),
    "profile topics": (
        "member",
        "post",
        "/me/profile/edit/topics/",
        ["topics", "weight_{topic}", "weight_1"],
    ),
    "profile where": ("member", "post", "/me/profile/edit/where/", ["mode", "city", "radius_km"]),
    "language switch": ("member", "post", "/i18n/setlang/", ["language", "next"]),
    "profile when": (
        "member",
        "post",
        "/me/profile/edit/when/",
        [
            "timezone",
            "availability",
            "languages",
            "size_min",
            "size_max",
            "is_looking",
            "site_language",
        ],
    ),
    "guidelines accept": ("member", "post", "/me/guidelines/", ["guidelines", "next"]),
    "city search (GET)": ("member", "get", "/me/cities/", ["q"]),
    "browse filters (GET)": (
        "seeker",
        "get",
        "/circles/",
        ["topic", "mode", "max_km", "day", "part", "language"],
    ),
    "join request": ("moderator", "post", "/circles/{circle}/join/", ["note"]),
    "circle settings": (
        "facilitator",
        "post",
        "/circles/{circle}/settings/",
        ["name", "join_policy"],
    ),
    "handover": ("facilitator", "post", "/circles/{circle}/handover/", ["to_user"]),
    "stay-open vote": ("member", "post", "/circles/{circle}/vote/", ["choice"]),
    "invitation answer": (
        "seeker",
        "post",
        "/circles/invitations/{invitation}/",
        ["action", "volunteer"],
    ),
    "schedule meetup": ("facilitator", "post", "/meetups/circle/{circle}/", SCHEDULE),
    "meetups week (GET)": (
        "facilitator",
        "get",
        "/meetups/circle/{circle}/",
        ["week", "start_date", "start_time"],
    ),
    "edit series": ("facilitator", "post", "/meetups/series/{series}/edit/", SCHEDULE),
    "move meetup": ("facilitator", "post", "/meetups/{occurrence}/move/", ["new_date", "new_time"]),
    "rsvp": ("member", "post", "/meetups/{occurrence}/rsvp/", ["answer"]),
    "check-in": ("member", "post", "/meetups/{occurrence}/check-in/", ["heard", "note"]),
    "calendar feed settings": ("member", "post", "/meetups/feed/", ["action"]),
    "meetup preferences": (
        "member",
        "post",
        "/meetups/preferences/",
        ["remind_24h", "remind_1h", "paused"],
    ),
    "notification preferences": (
        "member",
        "post",
        "/notifications/preferences/",
        ["email_kinds", "quiet_start", "quiet_end"],
    ),
    "chat send (no JS)": ("facilitator", "post", "/chat/{circle}/send/", ["body"]),
    "chat edit (no JS)": ("facilitator", "post", "/chat/{circle}/m/{own_message}/edit/", ["body"]),
    "chat report (no JS)": (
        "facilitator",
        "post",
        "/chat/{circle}/m/{message}/report/",
        ["reason", "note"],
    ),
    "chat history (GET)": ("member", "get", "/chat/{circle}/messages/", ["after", "before"]),
    "report": (
        "member",
        "post",
        "/safety/report/",
        ["target_type", "target_id", "type", "id", "reason", "note"],
    ),
    "report form (GET)": ("member", "get", "/safety/report/", ["type", "id"]),
    "block": ("member", "post", "/safety/blocks/add/", ["user_id", "message_id"]),
    "block, then leave": ("member", "post", "/safety/blocks/{blocked}/shared/", ["circle_id"]),
    "appeal": ("member", "post", "/safety/actions/{mute}/appeal/", ["text"]),
    "appeal by link": ("anonymous", "post", "/safety/appeal/{appeal_token}/", ["text"]),
    "moderation action (queue)": ("moderator", "post", "/safety/queue/message/{message}/", ACTION),
    "moderation action (circle)": ("facilitator", "post", "/safety/circles/{circle}/", ACTION),
    "crisis alert note": ("facilitator", "post", "/safety/alerts/{alert}/", ["note"]),
    "appeal decision": ("moderator", "post", "/safety/appeals/{appeal}/", ["decision", "reason"]),
    "audit search (GET)": ("moderator", "get", "/safety/audit/", ["q", "person", "kind", "page"]),
    "queue order (GET)": ("moderator", "get", "/safety/queue/", ["order"]),
    "community health filters (GET)": ("moderator", "get", "/insights/", ["weeks", "mode", "city"]),
    "delete account": ("member", "post", "/safety/delete-account/", ["password"]),
}


def _places(the_world):
    users, samples, route_samples, _, role_samples = the_world
    facilitator = users["facilitator"]
    own = Message.objects.create(
        circle_id=samples["circle_id"], author=facilitator, body="The facilitator's own words"
    )
    return {
        "circle": samples["circle_id"],
        "invitation": samples["invitation_id"],
        "series": route_samples["meetups/series/<int:pk>/edit/"]["pk"],
        "occurrence": samples["pk"],
        "message": samples["message_id"],
        "own_message": own.pk,
        "blocked": users["blocked"].pk,
        "mute": samples["action_id"],
        "appeal_token": role_samples["suspended_link"]["safety/appeal/<str:token>/"]["token"],
        "alert": samples["alert_id"],
        "appeal": samples["appeal_id"],
        "topic": Topic.objects.order_by("pk").first().pk,
    }


def fuzz_form(client, user, name, method, url, fields) -> None:
    """Send ``EXAMPLES`` generated inputs to one form; raise on the first 500."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # No shrinking: the first failing input is reported as it was sent.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(fields))
    def one_input(data):
        fuzzcount.record("form", name)
        cache.clear()  # rate limits: every input is judged on its own
        cookie = client.cookies.get("sessionid")
        if user is not None and (cookie is None or not cookie.value):
            client.force_login(user)  # again, after an input that logged out
        sid = transaction.savepoint()
        try:
            response = getattr(client, method)(url, data)
        finally:
            transaction.savepoint_rollback(sid)
        assert response.status_code < 500, (
            f"{method.upper()} {url} {data!r}: {response.status_code}"
        )

    one_input()


@pytest.mark.filterwarnings("ignore:The default scheme will be changed")
@pytest.mark.parametrize("name", list(FORMS))
def test_form_survives_hostile_input(world, name):  # noqa: F811  (the imported fixture)
    """One world per form (each input is rolled back); a test per form lets
    pytest-xdist spread the forms over its workers."""
    users = world[0]
    places = _places(world)
    role, method, url, fields = FORMS[name]
    client = Client(raise_request_exception=False)
    if users[role] is not None:
        client.force_login(users[role])
    fuzz_form(
        client,
        users[role],
        name,
        method,
        url.format(**places),
        [field.format(**places) for field in fields],
    )
