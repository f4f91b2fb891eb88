"""Who is online in a circle's chat, across every server process.

Each open socket keeps a cache key ``chat:online:<circle>:<user>`` alive with a
TTL; the consumer refreshes it on every heartbeat frame. A process that dies
leaves no stale rows behind: its keys simply expire. The cache is Redis when
REDIS_URL is set (shared by all processes) and a file cache otherwise (shared
by processes on one host). Circles have at most eight members, so listing who
is online is one ``get_many`` over the members' keys.
"""

from django.core.cache import cache

PRESENCE_TTL = 70  # seconds; the client sends a heartbeat every 25 s


def _key(circle_id: int, user_id: int) -> str:
    return f"chat:online:{circle_id}:{user_id}"


def mark_online(circle_id: int, user_id: int, channel_name: str) -> None:
    cache.set(_key(circle_id, user_id), channel_name, timeout=PRESENCE_TTL)


def mark_offline(circle_id: int, user_id: int, channel_name: str) -> None:
    """Forget the person unless a newer socket of theirs took the key over."""
    key = _key(circle_id, user_id)
    if cache.get(key) == channel_name:
        cache.delete(key)


def online_user_ids(circle_id: int, member_ids) -> set[int]:
    keys = {_key(circle_id, uid): uid for uid in member_ids}
    found = cache.get_many(list(keys))
    return {keys[k] for k in found}


def clear_user(user_id: int, circle_ids) -> None:
    cache.delete_many([_key(cid, user_id) for cid in circle_ids])
