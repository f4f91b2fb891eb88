"""IANA time zones: the one place that turns a stored or submitted name into a
``ZoneInfo``. Only names zoneinfo lists are looked up, because an arbitrary
string can fail inside zoneinfo in several ways (KeyError, ValueError, and
OSError for a name longer than a file name may be)."""

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

UTC = ZoneInfo("UTC")
# "localtime" depends on the server's own settings and "Factory" is no real zone.
ZONE_NAMES = frozenset(available_timezones() - {"localtime", "Factory"})


def is_zone(name: object) -> bool:
    """Whether ``name`` is a known IANA time zone name."""
    return isinstance(name, str) and name in ZONE_NAMES


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_or_utc(name: object) -> ZoneInfo:
    """The zone called ``name``, or UTC when it is empty or not a known zone."""
    return _zone(name) if isinstance(name, str) and is_zone(name) else UTC
