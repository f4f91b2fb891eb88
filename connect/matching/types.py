"""Plain data types of the matching engine (inputs, proposals, result)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import numpy as np
from numpy.typing import NDArray

WEEK_SLOTS: Final = 336  # 30-minute cells in a week, 0 = Monday 00:00 UTC
MODES: Final = ("in_person", "virtual", "either")

# A circle has 4 to 8 members: the product's rule, defined once for the engine.
MIN_CIRCLE_SIZE: Final = 4
MAX_CIRCLE_SIZE: Final = 8

# Array types used across the engine.
FloatArray: TypeAlias = NDArray[np.float64]
Float32Array: TypeAlias = NDArray[np.float32]
IntArray: TypeAlias = NDArray[np.int64]
IndexArray: TypeAlias = NDArray[np.intp]  # positions, as np.flatnonzero returns them
BoolArray: TypeAlias = NDArray[np.bool_]


@dataclass(frozen=True)
class Seeker:
    """Someone waiting for a circle."""

    id: int
    topics: Mapping[str, float]
    free_slots: frozenset[int]
    mode: str
    lat: float | None
    lon: float | None
    radius_km: float
    languages: frozenset[str]
    blocked: frozenset[int] = frozenset()
    past_partners: frozenset[int] = frozenset()
    waiting_rounds: int = 0
    size_pref: tuple[int, int] | None = None


@dataclass(frozen=True)
class OpenCircle:
    """An existing circle with open seats (its members are not seekers)."""

    id: int
    member_ids: tuple[int, ...]
    start_slot: int
    mode: str
    lat: float | None
    lon: float | None
    languages: frozenset[str]
    topics: Mapping[str, float]
    seats: int


@dataclass(frozen=True)
class MatchParams:
    min_size: int = MIN_CIRCLE_SIZE
    max_size: int = MAX_CIRCLE_SIZE
    target_size: int = 6
    meeting_slots: int = 2
    seed: int = 0
    # Local-search effort, counted in improvement rounds (never in seconds,
    # so that results do not depend on the machine's speed).
    improve_rounds: int = 30


@dataclass(frozen=True)
class CircleProposal:
    """A proposed new circle."""

    member_ids: tuple[int, ...]
    start_slot: int
    mode: str  # "in_person" | "virtual"
    lat: float | None
    lon: float | None
    language: str
    shared_topics: tuple[str, ...]
    score: float  # sum over members of their mean compatibility with the others
    member_scores: tuple[float, ...] = ()
    max_distance_km: int | None = None  # furthest member from the meeting point, whole km
    why: str = ""


@dataclass(frozen=True)
class TopUp:
    """New members for an existing open circle."""

    circle_id: int
    member_ids: tuple[int, ...]
    language: str = ""
    shared_topics: tuple[str, ...] = ()
    score: float = 0.0
    member_scores: tuple[float, ...] = ()
    max_distance_km: int | None = None
    why: str = ""


@dataclass
class MatchResult:
    circles: list[CircleProposal] = field(default_factory=list)
    top_ups: list[TopUp] = field(default_factory=list)
    unplaced: dict[int, str] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)
