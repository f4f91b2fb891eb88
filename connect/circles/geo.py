"""Distances for people, never coordinates: whole kilometres only.

The formula and the Earth's radius are the matching engine's
(``connect.matching.geo``), so a distance shown matches the one matched on.
"""

from django.utils.translation import gettext

from connect.matching.geo import haversine_km


def distance_km(
    lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None
) -> float | None:
    """Great-circle distance, or None when a point is unknown."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return haversine_km(lat1, lon1, lat2, lon2)


def rounded_km(
    lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None
) -> int | None:
    d = distance_km(lat1, lon1, lat2, lon2)
    return None if d is None else int(round(d))


def distance_label(km: int | None) -> str:
    if km is None:
        return ""
    if km < 1:
        return gettext("nearby (under 1 km)")
    return gettext("about %(km)s km away") % {"km": km}
