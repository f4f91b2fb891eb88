"""axe-core on every page of the site, at desktop (1280 px) and phone (390 px)
width: no serious or critical violation anywhere.

The pages come from the URL conf itself, walked the way the authorization
matrix walks it (``tests/test_authorization_matrix.py``), in the matrix's world
(a circle with a member, its facilitator, a moderator, a seeker with an
invitation, a report, an appeal…). A route is a page when the matrix says some
role gets it with a 200; each page is checked as ONE role that sees it: the
visitor when it is public (the logged-in header is on every other page), else
the role that sees the most of it (the facilitator before the member, who sees
a subset). ``SECOND_VIEWS`` adds a second role where that role's page differs
in substance; ``VISITS`` gives routes whose useful page needs another URL than
the matrix's sample. A new route is therefore checked without anyone listing
it; a route that is neither checked nor in ``EXCLUDED`` (with the reason) fails
``test_every_route_is_checked_or_excluded`` (no browser needed, so it runs in
the fast pass too).

One browser, one context per role, axe injected by an init script rather than
sent with every call, each page loaded once and checked at both widths, and
only axe's rules that can report a serious or critical violation: about 70
page loads and 140 axe runs in one test.
"""

from pathlib import Path

import axe_playwright_python
import pytest

from connect.chat.models import Message
from tests.test_authorization_matrix import (  # noqa: F401  (world is a fixture)
    ADMIN_PREFIX,
    ROLES,
    all_routes,
    build_url,
    expectation,
    role_query,
    url_for,
    world,
)

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WIDTHS = (1280, 390)  # desktop, then phone

# Routes that are not pages a person reads, each with its reason.
EXCLUDED = {
    "healthz/": "plain-text health probe for load balancers",
    "healthz/deep/": "plain-text health probe for load balancers",
    "chat/<int:circle_id>/messages/": "JSON for the chat's script (the chat page is checked)",
    "me/cities/": "an htmx fragment; checked inside onboarding's and the profile's where step",
    "me/onboarding/": "only redirects to the step the person is at",
    "meetups/<int:pk>/meetup.ics": "a calendar file",
    "meetups/feed/<str:token>.ics": "a calendar feed",
    "safety/export/download/": "the JSON download",
    "insights/health.csv": "a CSV download",
    "i18n/setlang/": "Django's language switch: only redirects",
    "accounts/password/set/": "only redirects: every account here has a password",
    "accounts/login/code/confirm/": "only redirects: login by code is not offered",
    "accounts/2fa/authenticate/": "only redirects without a login half-done; allauth's MFA form",
    "accounts/2fa/reauthenticate/": "only redirects without an authenticator",
    "accounts/2fa/totp/activate/": "asks to re-authenticate first (that page is checked)",
    "accounts/2fa/totp/deactivate/": "404 without an authenticator",
    "accounts/2fa/recovery-codes/": "404 without an authenticator",
    "accounts/2fa/recovery-codes/generate/": "asks to re-authenticate first",
    "accounts/2fa/recovery-codes/download/": "a text download",
}
EXCLUDED_PREFIXES = {ADMIN_PREFIX: "Django's own admin: an operator's tool, not our templates"}

# Who sees the most of a page, first: the facilitator sees everything a member does.
LOGGED_IN_ORDER = ("facilitator", "moderator", "member", "seeker", "not_agreed")
SECOND_VIEWS = {
    "chat/<int:circle_id>/": "member",  # muted: the notice instead of the form
    "meetups/<int:pk>/": "member",  # no "change this meetup" forms
    "safety/": "moderator",  # the moderators' tools
    "dashboard/": "seeker",  # an invitation waiting
}
# Routes whose page needs its own URL (key: route; values: (role, url) makers).
VISITS = {
    "me/profile/edit/<slug:step>/": [
        ("member", lambda s, step=step: f"/me/profile/edit/{step}/")
        for step in ("about", "agreements", "topics", "where", "when")
    ],
    "me/onboarding/<slug:step>/": [
        ("not_agreed", lambda s: "/me/onboarding/agreements/"),
        ("not_agreed", lambda s: "/me/onboarding/about/"),
    ],
    "safety/blocks/add/": [("facilitator", lambda s: f"/safety/blocks/add/?user_id={s['member']}")],
    "chat/<int:circle_id>/m/<int:message_id>/edit/": [
        ("facilitator", lambda s: f"/chat/{s['circle_id']}/m/{s['own_message']}/edit/")
    ],
}


def _outcomes(expected) -> tuple:
    return expected if isinstance(expected, tuple) else (expected,)


def excluded(route: str) -> str | None:
    if route in EXCLUDED:
        return EXCLUDED[route]
    return next((why for p, why in EXCLUDED_PREFIXES.items() if route.startswith(p)), None)


def roles_for(route: str) -> list[str]:
    """The roles a route's page is checked as (empty: it is no page for anyone)."""
    expected = expectation(route) or {}
    seeing = [role for role in ROLES if 200 in _outcomes(expected.get(role))]
    chosen = ["anonymous"] if "anonymous" in seeing else []
    if not chosen:
        chosen += [role for role in LOGGED_IN_ORDER if role in seeing][:1]
    second = SECOND_VIEWS.get(route)
    if second and second in seeing and second not in chosen:
        chosen.append(second)
    return chosen


def checked_routes() -> dict[str, list[str]]:
    """Route -> roles, for every route the browser test visits."""
    plan = {}
    for route in all_routes():
        if excluded(route):
            continue
        roles = [role for role, _ in VISITS[route]] if route in VISITS else roles_for(route)
        if roles:
            plan[route] = roles
    return plan


def test_every_route_is_checked_or_excluded():
    """A route that no role may GET (POST-only: 405 for everyone logged in)
    needs no check; any other is visited by the axe test or excluded with a reason."""
    plan = checked_routes()
    missing = []
    for route in all_routes():
        if route in plan or excluded(route):
            continue
        outcomes = {o for value in (expectation(route) or {}).values() for o in _outcomes(value)}
        if 405 in outcomes and 200 not in outcomes:
            continue  # POST-only
        missing.append(route)
    assert not missing, (
        "These routes are neither checked with axe nor excluded: give them a role in "
        "VISITS or a reason in EXCLUDED (tests/browser/test_axe_pages.py):\n" + "\n".join(missing)
    )
    assert set(EXCLUDED) <= set(all_routes()), "EXCLUDED names routes that no longer exist"
    assert set(VISITS) <= set(all_routes()), "VISITS names routes that no longer exist"


def _visits(world_data) -> list[tuple[str, str, str]]:
    """(route, role, url with query) for every page to check."""
    users, samples, route_samples, query, role_samples = world_data
    values = {**samples, "member": users["member"].pk}
    visits = []
    for route, roles in checked_routes().items():
        if route in VISITS:
            visits += [(route, role, make(values)) for role, make in VISITS[route]]
            continue
        for role in roles:
            url = url_for(route, role, samples, route_samples, role_samples)
            params = role_query(route, role, query, samples["message_id"])
            if params:
                url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
            visits.append((route, role, url))
    return visits


# Only the rules that can report a serious or critical violation (axe gives each
# rule its highest impact): the rest, such as the slow "region", can only ever
# report moderate or minor ones, which this check does not fail on.
AXE_RUN = """() => axe.run(document, {
  resultTypes: ["violations"],
  runOnly: {type: "rule", values: axe._audit.rules
    .filter((rule) => rule.enabled && ["serious", "critical"].includes(rule.impact))
    .map((rule) => rule.id)},
})"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_serious_axe_violation_on_any_page(request, asgi_live_server, site_context):
    """Each page is loaded once and checked at both widths (the viewport is
    resized between the two runs, so the phone layout is what axe sees)."""
    world_data = request.getfixturevalue("world")
    users, samples, *_ = world_data
    facilitator = users["facilitator"]
    own = Message.objects.create(circle_id=samples["circle_id"], author=facilitator, body="Hello")
    samples["own_message"] = own.pk
    base = asgi_live_server.url
    visits = _visits(world_data)
    pages = {}
    for role in {role for _, role, _ in visits}:
        context = site_context(base, users[role], viewport={"width": WIDTHS[0], "height": 900})
        context.add_init_script(path=AXE_JS)
        pages[role] = context.new_page()

    failures, checked = [], 0
    for _route, role, url in visits:
        page = pages[role]
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(base + url)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            failures.append(f"{role} {url}: {response.status} (exclude it or visit it otherwise)")
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for violation in page.evaluate(AXE_RUN)["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                failures.append(
                    f"{width}px {role} {url}: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} {targets}"
                )
        checked += 1
    assert not failures, f"{len(failures)} problems on {checked} pages:\n" + "\n".join(failures)
    assert checked >= 60  # the walk really visited the site
