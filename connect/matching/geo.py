"""Great-circle distances (haversine on a sphere of radius EARTH_RADIUS_KM)."""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from .types import FloatArray

# The engine's one Earth radius (km); every distance in the engine uses it.
EARTH_RADIUS_KM: Final = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_many(lat: FloatArray, lon: FloatArray, lat0: float, lon0: float) -> FloatArray:
    """Distances in km from many points to one point."""
    p1 = np.radians(lat)
    p2 = math.radians(lat0)
    dp = p2 - p1
    dl = math.radians(lon0) - np.radians(lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    d: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return d


def haversine_matrix(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """All pairwise distances in km between a set of points."""
    p = np.radians(lat)[:, None]
    lam = np.radians(lon)[:, None]
    dp = p.T - p
    dl = lam.T - lam
    a = np.sin(dp / 2) ** 2 + np.cos(p) * np.cos(p.T) * np.sin(dl / 2) ** 2
    d: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return d
