"""Connect's matching engine: group seekers into small peer-support circles.

Pure Python + numpy/scipy; no Django import anywhere in this package.
"""

from .engine import form_circles, solve_bucket
from .types import CircleProposal, MatchParams, MatchResult, OpenCircle, Seeker, TopUp

__all__ = [
    "CircleProposal",
    "MatchParams",
    "MatchResult",
    "OpenCircle",
    "Seeker",
    "TopUp",
    "form_circles",
    "solve_bucket",
]
