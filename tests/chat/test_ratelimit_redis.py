"""The chat rate limit on Redis: one atomic counter shared by every process."""

import threading

import pytest
from django.core.cache import caches
from django_redis.cache import RedisCache

from connect.chat import ratelimit

pytestmark = pytest.mark.redis


def test_simultaneous_hits_let_exactly_the_limit_through():
    """20 sockets (threads here, processes in production) hit at the same
    moment: exactly 10 get through, never more (a read-then-write counter
    lets several through on the same count)."""
    assert isinstance(caches["default"], RedisCache)
    start = threading.Barrier(20)
    allowed = []

    def hit():
        start.wait()
        allowed.append(ratelimit.hit("msg", "race", 10, 10))

    for _ in range(5):  # five rounds make a lost race all but certain to show
        caches["default"].delete("chat:rate:msg:race")
        allowed.clear()
        threads = [threading.Thread(target=hit) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert allowed.count(True) == 10


def test_the_window_expires_in_redis():
    caches["default"].delete("chat:rate:msg:ttl")
    assert ratelimit.hit("msg", "ttl", 1, 10)
    assert not ratelimit.hit("msg", "ttl", 1, 10)
    client = caches["default"].client.get_client(write=True)
    ttl = client.ttl(caches["default"].make_key("chat:rate:msg:ttl"))
    assert 0 < ttl <= 10
