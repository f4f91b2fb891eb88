"""WebSocket routes (wrapped by connect.asgi in origin and session checks)."""

from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns: list = [
    path("ws/chat/<int:circle_id>/", ChatConsumer.as_asgi()),
]
