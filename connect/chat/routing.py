"""WebSocket routes (wrapped by connect.asgi in origin and session checks)."""

websocket_urlpatterns: list = []
