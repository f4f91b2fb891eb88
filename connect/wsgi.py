"""WSGI entry point (HTTP only; use ASGI to serve the chat's WebSockets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
application = get_wsgi_application()
