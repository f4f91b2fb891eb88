"""Browser-test fixtures: an in-process ASGI live server and logged-in contexts.

pytest-django's ``live_server`` speaks WSGI only, so a page's chat cannot
connect its WebSocket there. ``asgi_live_server`` serves the site's own ASGI
application (HTTP through Django, WebSockets through Channels) with uvicorn in
a thread of the test process: the test, the server and the browser's sockets
share one database, the locmem mail outbox (``mail.outbox`` holds every email
the pages sent), inline Celery tasks and the in-memory channel layer, so a
test can read an emailed link or run a matching round and see it in the pages.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

LOCALE = "en-US"


@dataclass
class LiveServer:
    url: str


def _asgi_app():
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from connect.asgi import application, django_asgi_app

    # Static files from the finders (no collectstatic in tests), as live_server does.
    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(django_asgi_app),
            "websocket": application.application_mapping["websocket"],
        }
    )


@pytest.fixture(scope="session")
def asgi_live_server() -> Iterator[LiveServer]:
    """One uvicorn server for the whole run, on a free loopback port.

    The database belongs to whichever test is running (each browser test asks
    for ``transactional_db``); the server only answers the pages it is asked for."""
    import uvicorn

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API and the ORM
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        _asgi_app(),
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def session_cookie(live_url: str, user) -> dict:
    """A real session for ``user`` (as after logging in), as a Playwright cookie."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}


@pytest.fixture
def site_context(browser, csp_watch):
    """``site_context(user=None, **options)``: a browser context (logged in as
    ``user`` when given) whose pages fail the test on any CSP violation; all
    are closed at the end of the test."""
    contexts = []

    def make(live_url: str, user=None, **options):
        context = browser.new_context(locale=LOCALE, **options)
        csp_watch(context)
        if user is not None:
            context.add_cookies([session_cookie(live_url, user)])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
