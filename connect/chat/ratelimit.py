"""Rate limits in the shared cache (Redis with REDIS_URL, else a file cache).

The cache is shared by every server process, so a person cannot get around a
limit by having sockets on two processes. Each window opens at the person's
first counted event and lasts ``window`` seconds (not wall-clock buckets, so
"10 per 10 s" never lets 20 through across a bucket edge in a burst that
starts just before it). Written here instead of using a library because the
only candidate (django-ratelimit) is built for views, not for WebSocket frames.
"""

import time

import redis
from django.core.cache import cache, caches
from django_redis.cache import RedisCache


def hit(scope: str, ident, limit: int, window: int) -> bool:
    """Count one event for ``ident``; True if it is within ``limit`` per ``window`` seconds."""
    key = f"chat:rate:{scope}:{ident}"
    # ``cache`` is a proxy: ask the configured cache itself what it is.
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip: SET NX creates the counter with its expiry only if it
        # is missing, and INCR is atomic and keeps that expiry, so the count is
        # exact across processes and a window never outlives its ``window``.
        try:
            client = backend.client.get_client(write=True)
            pipe = client.pipeline(transaction=True)
            redis_key = backend.make_key(key)
            pipe.set(redis_key, 0, ex=window, nx=True)
            pipe.incr(redis_key)
            _created, count = pipe.execute()
        except (redis.RedisError, OSError):
            # Redis is away: nothing is counted until it is back, and the event
            # is let through (pages and chat keep working; see decision 0042).
            return True
        return int(count) <= limit
    # Other caches' incr() resets the expiry, so keep the window's start in the
    # value. Read-then-write: exact for one process, close enough across the
    # few processes that share a file cache on one host.
    now = time.time()
    start, count = cache.get(key) or (now, 0)
    if now - start >= window:
        start, count = now, 0
    count += 1
    cache.set(key, (start, count), timeout=max(1, int(window - (now - start)) + 1))
    return count <= limit


def once_per(scope: str, ident, seconds: int) -> bool:
    """True at most once per ``seconds`` for ``ident`` (used to throttle typing)."""
    return cache.add(f"chat:once:{scope}:{ident}", 1, timeout=seconds)
