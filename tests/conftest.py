"""Fixtures shared by every test package.

Markers decide which pass of ``scripts/test.sh`` runs a test: ``postgres`` and
``redis`` tests need the real services and fail loudly (never skip) if they
are not configured; ``browser`` tests drive Debian's chromium.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from tests.factories import MembershipFactory, OnboardedUserFactory, UserFactory
from tests.seed import restore_seed_rows

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config):
    """Under pytest-xdist (``-n``), each worker has its own test database
    (pytest-django adds ``_gw0``, ``_gw1``… to its name) and here its own var/
    folder: the file cache (rate-limit counters, cleared by every test) and
    the servers a test starts (which inherit CONNECT_VAR_DIR) are not shared."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings

    var = Path(settings.VAR_DIR) / f"xdist-{worker}"
    var.mkdir(parents=True, exist_ok=True)
    os.environ["CONNECT_VAR_DIR"] = str(var)
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache"):
        cache["LOCATION"] = str(var / "cache")


def pytest_collection_modifyitems(config, items):
    # Playwright's sync API leaves an event loop behind that breaks later
    # asyncio tests, so browser tests run last.
    items.sort(key=lambda item: "page" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Password hashing is not under test: MD5 keeps every factory user quick
    (PBKDF2 made the suite several times slower). Servers started as separate
    processes keep the real hashers; their tests log in by session, not password.
    CONNECT_TEST_REAL_HASHERS=1 keeps the real ones here too: how README's
    comparison of the test harness before and after was measured."""
    if os.environ.get("CONNECT_TEST_REAL_HASHERS") != "1":
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    """The outbox keeps one mail connection per process; tests swap backends."""
    from connect.notifications.outbox import connection_reset

    connection_reset()
    yield
    connection_reset()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request leaves its language active in the thread (a Spanish visitor, a
    person who saved Spanish); the next test starts in the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_mode(request, settings):
    """Tasks run inline unless a test asks for the real worker (``redis`` marker)."""
    from connect.celery import app

    real = request.node.get_closest_marker("redis") is not None
    app.conf.task_always_eager = not real
    app.conf.task_eager_propagates = not real
    yield
    app.conf.task_always_eager = False


def _db_fixture_for(request) -> str | None:
    """Which database fixture the test uses, if any."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") or names & {"transactional_db", "live_server"}:
        return "transactional_db"
    if marker or "db" in names:
        return "db"
    return None


@pytest.fixture(autouse=True)
def _seed_data(request):
    """Every database test starts with the data migrations' rows, even after a
    transactional test's flush emptied the tables (see tests/seed.py)."""
    fixture = _db_fixture_for(request)
    if fixture is None:
        return
    request.getfixturevalue(fixture)
    restore_seed_rows()


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (scripts/test.sh does).")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        pytest.fail("This test needs Redis: set REDIS_URL (scripts/test.sh does).")
    if request.node.get_closest_marker("janus") and not os.access("/usr/bin/janus", os.X_OK):
        pytest.fail("This test needs Debian's janus: apt-get install janus (scripts/test.sh does).")


@pytest.fixture
def user(db):
    """A signed-up person with a verified email who has not onboarded yet."""
    return UserFactory()


@pytest.fixture
def member_user(db):
    """An onboarded person (a seeker until they join a circle)."""
    return OnboardedUserFactory()


@pytest.fixture
def membership(db):
    return MembershipFactory()


# --- Content-Security-Policy: no page in the browser tests may break it ------------

CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__reportCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.documentURI + (e.sample ? " (" + e.sample + ")" : ""));
});
"""


def watch_csp(target, found: list) -> list:
    """Record CSP violations of every page of ``target`` (a Playwright page or
    browser context) in ``found``: the ``securitypolicyviolation`` events and
    the console's "Content Security Policy" messages."""

    def on_violation(text):
        found.append(text)

    target.expose_function("__reportCspViolation", on_violation)
    target.add_init_script(CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            found.append(f"console: {message.text}")

    target.on("console", on_console)
    return found


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    """A test using ``page`` fails if any page it visited broke the policy."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    watch_csp(page, request.node.__dict__.setdefault("_csp_violations", []))
    yield


@pytest.fixture
def csp_watch(request):
    """For tests that open their own browser contexts: ``csp_watch(context)``
    makes the test fail on any violation in that context's pages."""
    found = request.node.__dict__.setdefault("_csp_violations", [])
    return lambda target: watch_csp(target, found)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    found = getattr(item, "_csp_violations", None)
    if found:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(found), pytrace=False)
    return result


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright drives Debian's chromium; no browser is downloaded.

    Session-scoped like pytest-playwright's own ``browser`` fixture."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# --- Fuzz counts (tests/fuzzcount.py) -------------------------------------------


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands its fuzz counts to the main process."""
    from tests import fuzzcount

    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fuzz_counts"] = fuzzcount.COUNTS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests import fuzzcount

    fuzzcount.merge(getattr(node, "workeroutput", {}).get("fuzz_counts", {}))


def pytest_terminal_summary(terminalreporter):
    from tests import fuzzcount

    forms = fuzzcount.COUNTS.get("form", {})
    if forms:
        terminalreporter.section("form fuzzing")
        terminalreporter.write_line(
            f"form fuzz: {sum(forms.values())} inputs over {len(forms)} forms"
        )
