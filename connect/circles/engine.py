"""The one seam between Connect's database and the matching engine.

A round builds the engine's own types (``Seeker``, ``OpenCircle``) straight
from the rows it reads, and gets the engine's result object back.
``connect.matching`` is imported here and nowhere else in this app (besides
the shared constants in ``models`` and ``geo``).
"""

from connect.matching import MatchParams, MatchResult, OpenCircle, Seeker, form_circles

__all__ = ["OpenCircle", "Seeker", "propose"]


def propose(
    seekers: list[Seeker], open_circles: list[OpenCircle], *, meeting_slots: int = 2
) -> MatchResult:
    """Ask the engine for new circles and top-ups."""
    params = MatchParams(meeting_slots=meeting_slots)
    return form_circles(seekers, params, open_circles=open_circles)
