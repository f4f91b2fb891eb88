"""The Gunicorn worker class of the web process (``gunicorn.conf.py``).

Uvicorn's worker with its fast parts named rather than left to "auto" (so a
missing package fails at start instead of silently serving slower), and
WebSocket compression off: chat frames are a few hundred bytes, deflating each
one cost about a tenth of a server's event loop in ``bench/chat.py``, and every
compressed connection keeps its own zlib state in memory.
"""

from uvicorn_worker import UvicornWorker  # type: ignore[import-untyped]


class ConnectUvicornWorker(UvicornWorker):
    CONFIG_KWARGS = {  # noqa: RUF012  (the base class's own attribute)
        "loop": "uvloop",
        "http": "httptools",
        "ws": "websockets",
        "ws_per_message_deflate": False,
    }
