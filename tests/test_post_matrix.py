"""Every URL pattern × every role, POSTed: nothing changes for a refused role.

The GET matrix (``tests/test_authorization_matrix.py``) checks who may read
what; this one checks who may write. Every route is POSTed by every role with
plausible form data aimed at the sentinel circle and the member's objects
(their message, the in-person meetup, the other circle's join request, …),
inside a savepoint that is rolled back afterwards, so each POST meets the same
world. The database is compared before and after: every table's row count
and a hash of all its rows, leaving out noise no person acts on (sessions,
``last_login``, a feed's ``last_used_at``, celery-beat's change marker).

Outcomes, per role (``POSTS``; a route without a row FAILS
``test_every_url_pattern_has_a_post_row``):

- ``REFUSED``: nothing in the database changes (the role may not do this;
  GET-only pages are REFUSED for everyone);
- ``CHANGES``: something changes (the form data is real: an allowed role
  succeeds, so the REFUSED checks are not vacuous);
- ``EITHER``: not checked (a service may refuse for a reason that is not
  about the role, e.g. a duplicate report).

Every response, whatever the role, is below 500.

Admin routes (hundreds, one set per model) are POSTed by ``staff`` (every
"view" permission, not a superuser: admin must never write for them), the
``moderator`` and ``anonymous``; every other role meets the same "log in as
staff" redirect as those two.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from tests.test_authorization_matrix import (  # noqa: F401  (world is a fixture)
    ADMIN_PREFIX,
    ALLAUTH,
    ROLES,
    all_routes,
    login_as,
    url_for,
    world,
)

REFUSED, CHANGES, EITHER = "refused", "changes", "either"

# Left out of the comparison: not an action of anyone.
IGNORED_TABLES = {"django_session", "django_celery_beat_periodictasks"}
IGNORED_COLUMNS = {
    ("accounts_user", "last_login"),
    ("meetups_feedtoken", "last_used_at"),
}
LONDON = 2643743  # GeoNames id
PASSWORD = "a-good-long-passphrase"  # tests.factories.UserFactory's


def outcomes(default=REFUSED, **roles):
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return {role: roles.get(role, default) for role in ROLES}


NOBODY = outcomes()
# Someone's own settings: every logged-in role (not the suspended person, logged out
# on the spot; not a link without a session).
OWN = outcomes(
    CHANGES, anonymous=REFUSED, suspended=REFUSED, suspended_link=REFUSED, not_agreed=EITHER
)
OWN_EITHER = {role: EITHER if value == CHANGES else value for role, value in OWN.items()}
IN_CIRCLE = ("member", "facilitator", "blocked", "blocker")


def _members(value, **roles):
    return outcomes(**{**{role: value for role in IN_CIRCLE}, **roles})


def meetup_form(start):
    return {
        "title": "Matrix meetup",
        "mode": "virtual",
        "video_url": "https://video.example/matrix",
        "start_date": start.isoformat(),
        "start_time": "19:00",
        "timezone": "Europe/London",
        "duration_minutes": "90",
        "frequency": "once",
    }


def _soon(days):
    return (timezone.now() + timedelta(days=days)).date()


# route → (form data from the world ``w``, outcome per role[, URL keyword overrides])
POSTS = {
    # --- core: nothing here writes ------------------------------------------
    "": (None, NOBODY),
    "dashboard/": (None, NOBODY),
    "help/": (None, NOBODY),
    "guidelines/": (None, NOBODY),
    "healthz/": (None, NOBODY),
    "healthz/deep/": (None, NOBODY),
    # The language switch: a cookie for everyone, and a logged-in person's saved choice
    # (the suspended person is logged out first; a visitor's cookie is no row).
    "i18n/setlang/": (
        lambda w: {"language": "es", "next": "/"},
        outcomes(CHANGES, anonymous=REFUSED, suspended=REFUSED, suspended_link=REFUSED),
    ),
    # --- accounts -------------------------------------------------------------
    "me/profile/": (None, NOBODY),
    # Editing one's own "how and where": the not-agreed person must finish onboarding.
    "me/profile/edit/<slug:step>/": (
        lambda w: {"mode": "either", "city": LONDON, "radius_km": 35},
        {**OWN, "not_agreed": REFUSED},
    ),
    "me/onboarding/": (None, NOBODY),
    # Everyone onboarded is sent to the edit page; the not-agreed person to the
    # agreements (a later step can't be saved first).
    "me/onboarding/<slug:step>/": (
        lambda w: {"mode": "either", "city": LONDON, "radius_km": 35},
        NOBODY,
    ),
    "me/cities/": (lambda w: {"q": "Lon"}, NOBODY),
    "me/guidelines/": (lambda w: {"guidelines": "on"}, OWN_EITHER),
    # --- notifications ------------------------------------------------------------
    "notifications/": (None, NOBODY),
    "notifications/read/": (None, OWN_EITHER),
    "notifications/preferences/": (
        lambda w: {"email_kinds": [], "quiet_start": "22:00", "quiet_end": "07:00"},
        OWN,
    ),
    # --- circles --------------------------------------------------------------------
    "circles/": (None, NOBODY),
    "circles/mine/": (None, NOBODY),
    "circles/<int:circle_id>/": (None, NOBODY),
    "circles/<int:circle_id>/about/": (None, NOBODY),
    # Outsiders may ask; the seeker is blocked by the member (a block reaches join
    # requests); the other circle's member already asked; members and the
    # not-agreed person may not.
    "circles/<int:circle_id>/join/": (
        lambda w: {"note": "May I join?"},
        outcomes(moderator=EITHER, staff=EITHER, other_member=EITHER),
    ),
    "circles/<int:circle_id>/leave/": (
        None,
        _members(CHANGES, facilitator=EITHER, not_agreed=EITHER),
    ),
    "circles/<int:circle_id>/settings/": (
        lambda w: {"name": "Renamed by the matrix", "join_policy": "open"},
        outcomes(facilitator=CHANGES),
    ),
    "circles/<int:circle_id>/handover/": (
        lambda w: {"to_user": w.users["member"].pk},
        outcomes(facilitator=CHANGES),
    ),
    "circles/<int:circle_id>/vote/": (lambda w: {"choice": "stay"}, _members(EITHER)),
    "circles/requests/<int:request_id>/withdraw/": (None, outcomes(other_member=CHANGES)),
    "circles/requests/<int:request_id>/<str:decision>/": (None, outcomes(facilitator=CHANGES)),
    # The seeker's invitation (to a circle whose member blocked them).
    "circles/invitations/<int:invitation_id>/": (
        lambda w: {"action": "accept"},
        outcomes(seeker=EITHER),
    ),
    # Signed links: the seeker's; the suspended person's own, without a session.
    "circles/invitations/link/<str:token>/": (None, outcomes(seeker=EITHER)),
    # --- meetups ----------------------------------------------------------------------
    "meetups/circle/<int:circle_id>/": (
        lambda w: meetup_form(_soon(10)),
        _members(EITHER, facilitator=CHANGES),
    ),
    "meetups/circle/<int:circle_id>/step-back/": (None, NOBODY),
    "meetups/<int:pk>/": (None, NOBODY),
    "meetups/<int:pk>/meetup.ics": (None, NOBODY),
    "video/meetup/<int:pk>/": (None, NOBODY),  # GET only: a POST changes nothing
    # The world runs no Janus: the meetup has no video room, so no pass for anyone.
    "video/meetup/<int:pk>/pass/": (None, NOBODY),
    "meetups/<int:pk>/rsvp/": (lambda w: {"answer": "maybe"}, _members(CHANGES)),
    "meetups/<int:pk>/cancel/": (None, outcomes(facilitator=CHANGES)),
    "meetups/<int:pk>/move/": (
        lambda w: {"new_date": _soon(5).isoformat(), "new_time": "19:30"},
        outcomes(facilitator=CHANGES),
    ),
    # Check-in opens around the meetup's time (days away): may be refused for all.
    "meetups/<int:pk>/check-in/": (lambda w: {"heard": "", "note": "ok"}, _members(EITHER)),
    "meetups/series/<int:pk>/edit/": (
        lambda w: meetup_form(_soon(4)),
        outcomes(facilitator=CHANGES),
    ),
    "meetups/feed/": (lambda w: {"action": "issue"}, OWN),
    "meetups/feed/<str:token>.ics": (None, NOBODY),
    "meetups/preferences/": (lambda w: {"remind_24h": "on", "paused": "on"}, OWN),
    # --- chat -------------------------------------------------------------------------
    "chat/<int:circle_id>/": (lambda w: {"body": "hello"}, NOBODY),
    # The member is muted: may not post.
    "chat/<int:circle_id>/send/": (
        lambda w: {"body": "Hello from the matrix"},
        _members(CHANGES, member=REFUSED),
    ),
    "chat/<int:circle_id>/messages/": (None, NOBODY),
    # Only the author edits, and the author (the member) is muted.
    "chat/<int:circle_id>/m/<int:message_id>/edit/": (lambda w: {"body": "edited"}, NOBODY),
    "chat/<int:circle_id>/m/<int:message_id>/delete/": (None, outcomes(member=CHANGES)),
    # The blocked pair can't see the member's message: they can't report it here.
    "chat/<int:circle_id>/m/<int:message_id>/report/": (
        lambda w: {"reason": "spam", "note": "matrix"},
        outcomes(member=EITHER, facilitator=EITHER),
    ),
    # --- safety -------------------------------------------------------------------------
    "safety/": (None, NOBODY),
    # Reporting the member's message: only those who can see it.
    "safety/report/": (
        lambda w: {
            "target_type": "message",
            "target_id": w.samples["message_id"],
            "reason": "spam",
            "note": "matrix",
        },
        outcomes(member=EITHER, facilitator=EITHER, moderator=EITHER, not_agreed=EITHER),
    ),
    "safety/report/sent/": (None, NOBODY),
    "safety/blocks/": (None, NOBODY),
    # Blocking the member by id: only people who share a circle with them (and not
    # themselves); every other id answers like a missing one.
    "safety/blocks/add/": (
        lambda w: {"user_id": w.users["member"].pk},
        # (The seeker was blocked by the member and shares no circle: refused, so
        # nobody learns who blocked them.)
        outcomes(facilitator=CHANGES, blocked=CHANGES, blocker=EITHER, not_agreed=EITHER),
    ),
    # The member blocked the seeker: only the member may lift it.
    "safety/blocks/<int:user_id>/unblock/": (None, outcomes(member=CHANGES)),
    # The member blocked ``blocked``, in the same circle: the member may leave it.
    "safety/blocks/<int:user_id>/shared/": (
        lambda w: {"circle_id": w.samples["circle_id"]},
        outcomes(member=CHANGES),
        lambda w: {"user_id": w.users["blocked"].pk},
    ),
    "safety/queue/": (None, NOBODY),
    "safety/queue/<str:target_type>/<int:target_id>/": (
        lambda w: {"kind": "warn", "reason": "Please be kind."},
        outcomes(moderator=CHANGES),
    ),
    "safety/circles/<int:circle_id>/": (
        lambda w: {
            "kind": "remove",
            "person": w.users["blocker"].pk,
            "circle": w.samples["circle_id"],
            "reason": "Matrix removal",
        },
        outcomes(facilitator=CHANGES, moderator=CHANGES),
    ),
    "safety/alerts/<int:alert_id>/": (
        lambda w: {"note": "We talked; they are safe."},
        outcomes(facilitator=CHANGES, moderator=CHANGES),
    ),
    "safety/audit/": (None, NOBODY),
    # GET-only pages: a POST changes nothing for anyone.
    "insights/": (None, NOBODY),
    "insights/health.csv": (None, NOBODY),
    "safety/my-actions/": (None, NOBODY),
    # The member's mute (already appealed once).
    "safety/actions/<int:action_id>/appeal/": (
        lambda w: {"text": "Please look again."},
        outcomes(member=EITHER),
    ),
    # The suspension email's link is the suspended person's credential: whoever holds it
    # appeals for them (once).
    "safety/appeal/<str:token>/": (lambda w: {"text": "Please look again."}, outcomes(EITHER)),
    "safety/appeals/<int:appeal_id>/": (
        lambda w: {"decision": "uphold", "reason": "It stands."},
        outcomes(moderator=CHANGES),
    ),
    "safety/warnings/<int:warning_id>/": (None, outcomes(member=EITHER)),
    "safety/export/": (None, NOBODY),
    "safety/export/download/": (None, NOBODY),
    # Deleting one's own account always works, agreements or not.
    "safety/delete-account/": (
        lambda w: {"password": PASSWORD},
        {**OWN, "not_agreed": CHANGES},
    ),
}

# django-allauth: an empty form changes nothing for anyone (logout ends a session only).
ALLAUTH_POST = (None, NOBODY)
ADMIN_ROLES = ("anonymous", "moderator", "staff")
# Admin writes for nobody here: staff may only view.
ADMIN_POST = (
    lambda w: {
        "user": w.users["member"].pk,
        "reason": "admin write",
        "starts_at_0": timezone.now().date().isoformat(),
        "starts_at_1": "10:00",
        "body": "admin write",
        "name": "admin write",
    },
    outcomes(),
)


def post_row(route):
    if route in POSTS:
        return POSTS[route]
    if route in ALLAUTH:
        return ALLAUTH_POST
    if route.startswith(ADMIN_PREFIX):
        return ADMIN_POST
    return None


_QUERIES: dict[str, str] = {}


def _table_queries() -> dict[str, str]:
    """One SELECT per table (noise columns left out), worked out once."""
    if not _QUERIES:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in sorted(connection.introspection.table_names(cursor)):
                if table in IGNORED_TABLES:
                    continue
                columns = [
                    quote(c.name)
                    for c in connection.introspection.get_table_description(cursor, table)
                    if (table, c.name) not in IGNORED_COLUMNS
                ]
                _QUERIES[table] = f"SELECT {', '.join(columns)} FROM {quote(table)}"  # noqa: S608
    return _QUERIES


def snapshot() -> dict:
    """Every table's row count and a hash of its rows (noise left out)."""
    state = {}
    with connection.cursor() as cursor:
        for table, sql in _table_queries().items():
            cursor.execute(sql)
            rows = sorted(repr(r) for r in cursor.fetchall())
            state[table] = (len(rows), hash(tuple(rows)))
    return state


def changed_tables(before, after) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def test_every_url_pattern_has_a_post_row():
    missing = [route for route in all_routes() if post_row(route) is None]
    assert not missing, (
        "These URL patterns have no row in tests/test_post_matrix.py's POSTS; add the form "
        "data and who may change what:\n" + "\n".join(missing)
    )


def admin_roles(route) -> tuple:
    """Staff on every admin route; the moderator and anonymous where admin writes."""
    if route.endswith(("add/", "change/", "delete/")):
        return ADMIN_ROLES
    return ("staff",)


@pytest.mark.filterwarnings("ignore:The default scheme will be changed")
# One test per role, so that pytest-xdist spreads the matrix over its workers.
@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(world, role):  # noqa: F811  (the imported fixture)
    users, samples, route_samples, query, role_samples = world
    w = SimpleNamespace(users=users, samples=samples)
    client = Client(raise_request_exception=False)
    baseline = snapshot()
    plan = []
    for route in all_routes():
        row = post_row(route)
        if row is None:
            continue  # reported by test_every_url_pattern_has_a_post_row
        overrides = row[2](w) if len(row) > 2 else {}
        if role in (admin_roles(route) if route.startswith(ADMIN_PREFIX) else ROLES):
            url = url_for(route, role, {**samples, **overrides}, route_samples, role_samples)
            plan.append((role, route, url, row[0](w) if row[0] else {}, row[1][role]))
    failures = []
    session_key, current = None, None
    for _role, _route, url, data, outcome in plan:
        cookie = client.cookies.get("sessionid")
        if role != current or (cookie.value if cookie is not None else "") != session_key:
            current = role
            # (Again) logged in outside the savepoint: a POST that logs out is rolled back,
            # but its new cookie stays with the client.
            login_as(client, users, role)
            cookie = client.cookies.get("sessionid")
            session_key = cookie.value if cookie is not None else ""
        sid = transaction.savepoint()
        try:
            cache.clear()  # rate limits never carry over from another POST
            response = client.post(url, data)
            after = snapshot()
        finally:
            transaction.savepoint_rollback(sid)
        changed = changed_tables(baseline, after)
        status = response.status_code
        if status >= 500:
            failures.append(f"{role:>14} POST {url}: {status}")
        if outcome == REFUSED and changed:
            failures.append(
                f"{role:>14} POST {url}: {status}, refused but changed {', '.join(changed)}"
            )
        elif outcome == CHANGES and not changed:
            where = response.get("Location", "")
            failures.append(f"{role:>14} POST {url}: {status} {where}, allowed but nothing changed")
    print(f"\npost matrix: {len(plan)} POSTs over {len({p[1] for p in plan})} routes")
    assert not failures, "\n".join(failures)
