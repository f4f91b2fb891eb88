"""Great-circle distances (haversine, Earth radius 6371 km)."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_many(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Distances in km from many points to one point."""
    p1 = np.radians(lat)
    p2 = math.radians(lat0)
    dp = p2 - p1
    dl = math.radians(lon0) - np.radians(lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def haversine_matrix(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All pairwise distances in km between a set of points."""
    p = np.radians(lat)[:, None]
    lam = np.radians(lon)[:, None]
    dp = p.T - p
    dl = lam.T - lam
    a = np.sin(dp / 2) ** 2 + np.cos(p) * np.cos(p.T) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
