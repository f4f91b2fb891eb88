"""form_circles: the engine's entry point, and solve_bucket for one bucket."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .bound import seeker_bounds
from .buckets import Bucket, Problem, build_problem, make_buckets
from .explain import shared_topics, why_text
from .geo import haversine_many
from .grow import BucketData, Group, Grower
from .improve import local_search, place_leftovers
from .small import BUCKET_COLUMNS, SmallSolver
from .topup import TopUpPlan, circle_candidates, fill_open_circles
from .types import (
    BoolArray,
    CircleProposal,
    FloatArray,
    IntArray,
    MatchParams,
    MatchResult,
    OpenCircle,
    Seeker,
    TopUp,
)
from .validate import validate_all

SMALL_BUCKET = 64  # buckets up to this size get the intensive small-problem search
SMALL_PROBLEM = 64  # whole rounds up to this size are solved as one mixed-mode problem


def _rank(n: int, seed: int, key: str, restart: int) -> IntArray:
    rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(key.encode()), restart])
    return rng.permutation(n)


def _quality_of(bd: BucketData, groups: list[Group]) -> float:
    total = 0.0
    for grp in groups:
        k = len(grp.members)
        if k < 2:
            continue
        S = bd.U[grp.members].sum(axis=0)
        total += (float(S @ S) - float(bd.un[grp.members].sum())) / (k - 1)
    return total


def _solve_once(bd: BucketData, params: MatchParams, restart: int) -> Grower:
    rank = _rank(bd.n, params.seed, bd.bucket.key, restart)
    gr = Grower(bd, params, rank)
    gr.run()
    place_leftovers(gr)
    gr.groups = [g for g in gr.groups if g.members]
    local_search(gr, params.improve_rounds)
    return gr


def solve_bucket(prob: Problem, bucket: Bucket, params: MatchParams) -> list[Group]:
    """Circles for one bucket; groups hold Problem indices (bucket.members order-free).

    Buckets are independent: this function only reads `prob` rows of the
    bucket's members, so buckets can be solved in any order or in parallel.
    """
    if len(bucket.members) < params.min_size:
        return []
    if len(bucket.members) <= SMALL_BUCKET:
        person = bucket.mode == "in_person"
        seed = params.seed ^ zlib.crc32(bucket.key.encode())
        solver = SmallSolver(
            prob,
            bucket.members,
            params,
            seed,
            allow_virtual=not person,
            allow_person=person,
            max_columns=BUCKET_COLUMNS,
        )
        return solver.solve()
    bd = BucketData(prob, bucket, params)
    gr = _solve_once(bd, params, 0)
    out = []
    for grp in gr.groups:
        if not grp.members:
            continue
        out.append(
            Group(
                members=sorted(int(bd.g[m]) for m in grp.members),
                slot=grp.slot,
                lang=grp.lang,
                point=grp.point,
            )
        )
    return out


@dataclass(frozen=True)
class BucketJob:
    """One bucket to solve, carrying its own seekers: it can be solved in this
    process or elsewhere (``connect.matching.fanout`` turns it into JSON)."""

    key: str
    mode: str  # "in_person" | "virtual"
    seekers: tuple[Seeker, ...]
    params: MatchParams


@dataclass(frozen=True)
class JobCircle:
    """A circle a job formed, by seeker id (independent of any Problem's indices)."""

    member_ids: tuple[int, ...]
    slot: int
    language: str
    point: tuple[float, float] | None


# Solves a list of jobs, returning each job's circles in the jobs' order.
Runner = Callable[[Sequence[BucketJob]], Sequence[Sequence[JobCircle]]]


def solve_job(job: BucketJob) -> list[JobCircle]:
    """Circles for one job, from its seekers alone."""
    prob = build_problem(list(job.seekers), job.params)
    bucket = Bucket(job.key, job.mode, np.arange(len(job.seekers), dtype=np.intp))
    with threadpool_limits(limits=1, user_api="blas"):
        groups = solve_bucket(prob, bucket, job.params)
    return [
        JobCircle(
            member_ids=tuple(int(prob.ids[i]) for i in sorted(grp.members)),
            slot=int(grp.slot),
            language=prob.langs[grp.lang],
            point=None if grp.point is None else (float(grp.point[0]), float(grp.point[1])),
        )
        for grp in groups
    ]


def run_in_process(jobs: Sequence[BucketJob]) -> list[list[JobCircle]]:
    """The default runner: one job after the other, here."""
    return [solve_job(job) for job in jobs]


def _job(prob: Problem, bucket: Bucket, params: MatchParams) -> BucketJob:
    return BucketJob(
        bucket.key, bucket.mode, tuple(prob.seekers[int(i)] for i in bucket.members), params
    )


def _group_of(
    prob: Problem, job: BucketJob, allowed: set[int], circle: JobCircle, taken: BoolArray
) -> Group:
    """A job's circle as a Group of Problem indices, checked against the job
    (a result from elsewhere is never trusted blindly); ``allowed`` is the
    job's seeker ids, read once per job (once per circle, it was most of a
    100,000-seeker round)."""
    ids = circle.member_ids
    if len(set(ids)) != len(ids) or not set(ids) <= allowed:
        raise ValueError(f"bucket {job.key}: a circle holds people outside the bucket")
    members = sorted(prob.index_of[i] for i in ids)
    if taken[members].any():
        raise ValueError(f"bucket {job.key}: a circle holds someone already placed")
    if not job.params.min_size <= len(members) <= job.params.max_size:
        raise ValueError(f"bucket {job.key}: a circle of {len(members)}")
    point = None if circle.point is None else (float(circle.point[0]), float(circle.point[1]))
    return Group(
        members=members, slot=circle.slot, lang=prob.langs.index(circle.language), point=point
    )


def _member_scores(U: FloatArray, idx: list[int]) -> FloatArray:
    V = U[idx]
    C = V @ V.T
    k = len(idx)
    scores: FloatArray = (C.sum(axis=1) - np.diag(C)) / (k - 1)
    return scores


def _proposal(prob: Problem, params: MatchParams, grp: Group, mode: str) -> CircleProposal:
    idx = sorted(grp.members, key=lambda i: int(prob.ids[i]))
    scores = _member_scores(prob.U, idx)
    lat: float | None = None
    lon: float | None = None
    max_km: int | None = None
    if mode == "in_person":
        assert grp.point is not None, "in-person circles have a meeting point"
        lat, lon = grp.point
        d = haversine_many(prob.lat[idx], prob.lon[idx], lat, lon)
        max_km = round(float(d.max()))
    topics = shared_topics([prob.seekers[i].topics for i in idx])
    language = prob.langs[grp.lang]
    return CircleProposal(
        member_ids=tuple(int(prob.ids[i]) for i in idx),
        start_slot=grp.slot,
        mode=mode,
        lat=lat,
        lon=lon,
        language=language,
        shared_topics=topics,
        score=float(scores.sum()),
        member_scores=tuple(float(x) for x in scores),
        max_distance_km=max_km,
        why=why_text(topics, grp.slot, params.meeting_slots, mode, max_km, language),
    )


def _topup(prob: Problem, params: MatchParams, plan: TopUpPlan) -> TopUp:
    c = plan.circle
    idx = sorted(plan.members, key=lambda i: int(prob.ids[i]))
    n_old = len(c.member_ids)
    V = prob.U[idx]
    C = V @ V.T
    k = n_old + len(idx)
    with_old = n_old * (V @ plan.topic_vec)
    scores = (C.sum(axis=1) - np.diag(C) + with_old) / max(1, k - 1)
    max_km = None
    if c.mode == "in_person":
        assert c.lat is not None and c.lon is not None, "validated: in-person circles have a place"
        d = haversine_many(prob.lat[idx], prob.lon[idx], float(c.lat), float(c.lon))
        max_km = round(float(d.max()))
    topics = shared_topics([c.topics] + [prob.seekers[i].topics for i in idx])
    return TopUp(
        circle_id=c.id,
        member_ids=tuple(int(prob.ids[i]) for i in idx),
        language=plan.lang,
        shared_topics=topics,
        score=float(scores.sum()),
        member_scores=tuple(float(x) for x in scores),
        max_distance_km=max_km,
        why=why_text(topics, c.start_slot, params.meeting_slots, c.mode, max_km, plan.lang),
    )


def _reason(prob: Problem, i: int, degree: int, placeable: bool, params: MatchParams) -> str:
    if not prob.starts[i].any():
        return f"not free for {30 * params.meeting_slots} minutes in a row this week"
    if placeable:
        return "circles at your times were full this round; you stay first in line"
    if degree == 0:
        return "no one free at the same time nearby"
    return f"fewer than {params.min_size - 1} others free at the same time nearby"


def form_circles(
    seekers: Sequence[Seeker] | Iterable[Seeker],
    params: MatchParams | None = None,
    open_circles: Sequence[OpenCircle] | Iterable[OpenCircle] = (),
    runner: Runner = run_in_process,
) -> MatchResult:
    """Propose new circles and top-ups for everyone waiting (see docs/matching.md).

    The independent buckets are handed to ``runner`` as jobs (in this process
    by default; Connect's Celery runner spreads them over workers). The result
    does not depend on where the jobs ran.
    """
    # The engine's matrix products are small; multi-threaded BLAS only adds
    # contention (10x slower on a busy 2-core machine), so run it single-threaded.
    with threadpool_limits(limits=1, user_api="blas"):
        return _form_circles(seekers, params, open_circles, runner)


class _JobsOnly(Exception):
    def __init__(self, jobs: list[BucketJob]):
        self.jobs = jobs


def bucket_jobs(
    seekers: Sequence[Seeker] | Iterable[Seeker],
    params: MatchParams | None = None,
    open_circles: Sequence[OpenCircle] | Iterable[OpenCircle] = (),
) -> list[BucketJob]:
    """The jobs ``form_circles`` would hand its runner, without solving them:
    for a runner that cannot wait (a Celery chord), which solves them and then
    calls ``form_circles`` with a runner that returns their answers."""
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            _form_circles(seekers, params, open_circles, run_in_process, jobs_only=True)
    except _JobsOnly as planned:
        return planned.jobs
    raise AssertionError("form_circles always plans its jobs")  # pragma: no cover


def _form_circles(
    seekers_in: Iterable[Seeker],
    params_in: MatchParams | None,
    open_circles_in: Iterable[OpenCircle],
    runner: Runner,
    jobs_only: bool = False,
) -> MatchResult:
    t0 = time.perf_counter()
    params = MatchParams() if params_in is None else params_in
    seekers = list(seekers_in)
    open_circles = list(open_circles_in)
    validate_all(seekers, params, open_circles)

    prob = build_problem(seekers, params)
    n = len(seekers)
    taken = np.zeros(n, dtype=bool)
    plans = fill_open_circles(prob, params, open_circles, taken)

    person_buckets, virtual = make_buckets(prob, params)
    groups: list[tuple[Group, str]] = []
    rest = np.flatnonzero(~taken & prob.starts.any(axis=1))
    if len(rest) <= SMALL_PROBLEM:
        # small round: one mixed-mode problem, every circle picks its own mode
        person_buckets_run: list[Bucket] = []
        virtual_run = Bucket("virtual", "virtual", np.zeros(0, dtype=np.intp))
        solver = SmallSolver(prob, rest, params, params.seed)
        for grp in solver.solve():
            taken[grp.members] = True
            groups.append((grp, "virtual" if grp.point is None else "in_person"))
    else:
        person_buckets_run, virtual_run = person_buckets, virtual
    # Phase 1, independent jobs: every in-person region, and the people who can
    # only meet by video (nobody is in two of them).
    in_person = np.zeros(n, dtype=bool)
    for b in person_buckets_run:
        in_person[b.members] = True
    phase1 = [Bucket(b.key, b.mode, b.members[~taken[b.members]]) for b in person_buckets_run]
    only_video = virtual_run.members
    only_video = only_video[~taken[only_video] & ~in_person[only_video]]
    phase1.append(Bucket(virtual.key, virtual.mode, only_video))
    jobs = [_job(prob, b, params) for b in phase1 if len(b.members) >= params.min_size]
    if jobs_only:
        raise _JobsOnly(jobs)
    # The bound only reads the input, so it runs beside the matching (its numpy
    # work releases the GIL while the matching is mostly Python).
    bound_job = ThreadPoolExecutor(max_workers=1)
    bound_future = bound_job.submit(
        seeker_bounds, prob, person_buckets, virtual, params.min_size, 1
    )
    results = runner(jobs)
    if len(results) != len(jobs):
        raise ValueError(f"{len(jobs)} bucket jobs, {len(results)} results")
    for job, circles in zip(jobs, results, strict=True):
        allowed = {s.id for s in job.seekers}
        for circle in circles:
            grp = _group_of(prob, job, allowed, circle, taken)
            taken[grp.members] = True
            groups.append((grp, job.mode))
    # Phase 2, here: everyone who can meet by video and is still waiting (people
    # no in-person circle took, video-only people phase 1 could not place).
    rest_video = virtual_run.members[~taken[virtual_run.members]]
    for grp in solve_bucket(prob, Bucket("virtual:rest", virtual.mode, rest_video), params):
        taken[grp.members] = True
        groups.append((grp, "virtual"))
    t_match = time.perf_counter() - t0

    result = MatchResult()
    groups.sort(key=lambda t: min(int(prob.ids[i]) for i in t[0].members))
    result.circles = [_proposal(prob, params, g, mode) for g, mode in groups]
    result.top_ups = [_topup(prob, params, plan) for plan in plans]

    bound, best1, degree, placeable = bound_future.result()
    bound_job.shutdown()
    for c in open_circles:
        room = min(c.seats, params.max_size - len(c.member_ids))
        if room <= 0:
            continue
        cand, _ = circle_candidates(prob, params, c, np.zeros(n, dtype=bool))
        if len(cand):
            vec = _unit(prob, c.topics)
            # a new member's quality is a mean of compatibilities with the circle
            # (its topic vector) and with other newcomers, each at most this
            placeable[cand] = True
            top = np.maximum(prob.U[cand] @ vec, best1[cand]) + 1e-6
            bound[cand] = np.maximum(bound[cand], top)
    for i in np.flatnonzero(~taken):
        result.unplaced[int(prob.ids[i])] = _reason(
            prob, int(i), int(degree[i]), bool(placeable[i]), params
        )

    member_q = [q for c in result.circles for q in c.member_scores]
    member_q += [q for t in result.top_ups for q in t.member_scores]
    quality = float(sum(member_q))
    total_bound = float(bound.sum()) + 1e-6 * n
    placed = int(taken.sum())
    n_placeable = int(placeable.sum())
    placed_placeable = int((taken & placeable).sum())
    result.stats = {
        "seekers": n,
        "placed": placed,
        "placed_new": sum(len(c.member_ids) for c in result.circles),
        "placed_top_up": sum(len(t.member_ids) for t in result.top_ups),
        "unplaced": n - placed,
        "placeable": n_placeable,
        "placed_of_placeable": placed_placeable / n_placeable if n_placeable else 1.0,
        "circles": len(result.circles),
        "top_ups": len(result.top_ups),
        "quality": quality,
        "bound": total_bound,
        "quality_ratio": quality / total_bound if total_bound > 0 else 1.0,
        "p10_member_quality": float(np.percentile(member_q, 10)) if member_q else 0.0,
        "buckets": len(person_buckets) + 1,
        "bucket_jobs": len(jobs),
        "seconds_matching": t_match,
        "seconds": time.perf_counter() - t0,
    }
    return result


def _unit(prob: Problem, topics: Mapping[str, float]) -> FloatArray:
    from .compat import unit_vectors

    vec: FloatArray = unit_vectors([topics], prob.vocab)[0]
    return vec
