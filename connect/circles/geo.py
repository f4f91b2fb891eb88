"""Distances for people, never coordinates: whole kilometres only."""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1, lon1, lat2, lon2) -> float | None:
    """Great-circle distance, or None when a point is unknown."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def rounded_km(lat1, lon1, lat2, lon2) -> int | None:
    d = distance_km(lat1, lon1, lat2, lon2)
    return None if d is None else int(round(d))


def distance_label(km: int | None) -> str:
    if km is None:
        return ""
    return "nearby (under 1 km)" if km < 1 else f"about {km} km away"
