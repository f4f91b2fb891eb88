"""WSGI entry point (HTTP only; use ASGI to serve the chat's WebSockets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
application = get_wsgi_application()

from accounts import cities  # noqa: E402  (needs Django set up)

cities.warm_up()  # the first city search should not wait for the index
