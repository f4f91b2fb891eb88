"""The one seam between Connect's database and the matching engine.

A round builds the engine's own types (``Seeker``, ``OpenCircle``) straight
from the rows it reads, and gets the engine's result object back.
``connect.matching`` is imported here and nowhere else in this app (besides
the shared constants in ``models`` and ``geo``).
"""

from collections.abc import Sequence
from typing import Any

from connect.matching import MatchParams, MatchResult, OpenCircle, Seeker, form_circles
from connect.matching import fanout as _fanout
from connect.matching.engine import BucketJob, JobCircle, Runner, bucket_jobs, run_in_process

__all__ = [
    "BucketJob",
    "JobCircle",
    "OpenCircle",
    "Runner",
    "Seeker",
    "bucket_jobs_for",
    "json",
    "propose",
    "run_in_process",
]

json = _fanout  # the JSON forms of seekers, open circles, jobs and their answers


def _params(meeting_slots: int) -> MatchParams:
    return MatchParams(meeting_slots=meeting_slots)


def propose(
    seekers: list[Seeker],
    open_circles: list[OpenCircle],
    *,
    meeting_slots: int = 2,
    runner: Runner = run_in_process,
) -> MatchResult:
    """Ask the engine for new circles and top-ups (its buckets solved by ``runner``)."""
    return form_circles(seekers, _params(meeting_slots), open_circles=open_circles, runner=runner)


def bucket_jobs_for(
    seekers: list[Seeker], open_circles: list[OpenCircle], *, meeting_slots: int = 2
) -> list[BucketJob]:
    """The bucket jobs ``propose`` would solve for the same input."""
    return bucket_jobs(seekers, _params(meeting_slots), open_circles)


def answers_runner(answers: Sequence[list[dict[str, Any]]]) -> Runner:
    """A runner that returns answers already computed (by a chord's workers),
    in the order of the jobs ``bucket_jobs_for`` planned."""

    def run(jobs: Sequence[BucketJob]) -> list[list[JobCircle]]:
        if len(jobs) != len(answers):
            raise ValueError(f"{len(jobs)} bucket jobs but {len(answers)} answers")
        return [_fanout.circles_from_json(a) for a in answers]

    return run
