"""ASGI entry point: HTTP through Django, WebSockets through Channels.

WebSocket connections are authenticated by the Django session and refused
from origins outside ALLOWED_HOSTS.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
django_asgi_app = get_asgi_application()

from accounts import cities  # noqa: E402  (needs Django set up)

cities.warm_up()  # the first city search should not wait for the index

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from connect.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
