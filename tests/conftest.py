"""Fixtures shared by every test package.

Markers decide which pass of ``scripts/test.sh`` runs a test: ``postgres`` and
``redis`` tests need the real services and fail loudly (never skip) if they
are not configured; ``browser`` tests drive Debian's chromium.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connection

from tests.factories import MembershipFactory, OnboardedUserFactory, UserFactory

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


def pytest_collection_modifyitems(config, items):
    # Playwright's sync API leaves an event loop behind that breaks later
    # asyncio tests, so browser tests run last.
    items.sort(key=lambda item: "page" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_mode(request, settings):
    """Tasks run inline unless a test asks for the real worker (``redis`` marker)."""
    from connect.celery import app

    real = request.node.get_closest_marker("redis") is not None
    app.conf.task_always_eager = not real
    app.conf.task_eager_propagates = not real
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (scripts/test.sh does).")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        pytest.fail("This test needs Redis: set REDIS_URL (scripts/test.sh does).")


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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright drives Debian's chromium; no browser is downloaded."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
