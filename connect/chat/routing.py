"""WebSocket routes (wrapped by connect.asgi in origin and session checks).

Named like URL patterns so that ``realtime.socket_path`` can ``reverse()`` them
(``urlpatterns`` is what ``reverse(urlconf=...)`` reads)."""

from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns: list = [
    path("ws/chat/<int:circle_id>/", ChatConsumer.as_asgi(), name="chat_socket"),
]
urlpatterns = websocket_urlpatterns
