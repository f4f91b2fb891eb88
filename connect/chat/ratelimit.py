"""Fixed-window counters in the shared cache (Redis with REDIS_URL, else a file cache).

The cache is shared by every server process, so a person cannot get around a
limit by having sockets on two processes. Written here instead of using a
library because the only candidate (django-ratelimit) is built for views,
not for frames on an open WebSocket.
"""

import time

from django.core.cache import cache


def hit(scope: str, ident, limit: int, window: int) -> bool:
    """Count one event for ``ident``; True if it is within ``limit`` per ``window`` seconds."""
    bucket = int(time.time() // window)
    key = f"chat:rate:{scope}:{ident}:{bucket}"
    # add() is a no-op if the key exists; incr() is atomic on Redis.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count <= limit


def once_per(scope: str, ident, seconds: int) -> bool:
    """True at most once per ``seconds`` for ``ident`` (used to throttle typing)."""
    return cache.add(f"chat:once:{scope}:{ident}", 1, timeout=seconds)
