"""Buckets solved as jobs elsewhere give the same circles as in this process."""

import json

import pytest

from connect.matching import MatchParams, form_circles
from connect.matching.engine import JobCircle, run_in_process
from connect.matching.fanout import (
    circles_from_json,
    job_from_json,
    job_to_json,
    seeker_from_json,
    seeker_to_json,
    solve_json,
)
from connect.matching.synthetic import generate


@pytest.fixture(scope="module")
def workload():
    return generate(300, seed=5), MatchParams(seed=5)


@pytest.fixture(scope="module")
def in_process(workload):
    """The round solved here, with the jobs it made."""
    seekers, params = workload
    jobs, answers = [], []

    def recording(batch):
        jobs.extend(batch)
        answers.extend(run_in_process(batch))
        return answers

    return form_circles(seekers, params, runner=recording), jobs, answers


def through_json(jobs):
    """What a Celery worker does: every job and answer crosses as JSON text."""
    sent = [json.loads(json.dumps(job_to_json(job))) for job in jobs]
    return [circles_from_json(json.loads(json.dumps(solve_json(job)))) for job in sent]


def test_seekers_and_jobs_survive_json(workload, in_process):
    seekers, _ = workload
    for s in seekers:
        assert seeker_from_json(json.loads(json.dumps(seeker_to_json(s)))) == s
    _, jobs, _ = in_process
    assert len(jobs) > 2  # several regions and the video-only people
    for job in jobs:
        assert job_from_json(json.loads(json.dumps(job_to_json(job)))) == job


def test_jobs_solved_through_json_give_the_same_circles(workload, in_process):
    seekers, params = workload
    here, _, _ = in_process
    there = form_circles(seekers, params, runner=through_json)
    assert here.circles == there.circles
    assert here.top_ups == there.top_ups
    assert here.unplaced == there.unplaced
    assert len(here.circles) > 10


def test_buckets_never_share_a_person(in_process):
    _, jobs, _ = in_process
    ids = [s.id for job in jobs for s in job.seekers]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lie", ["outsider", "twice", "too small"])
def test_an_answer_that_breaks_its_bucket_is_refused(workload, in_process, lie):
    """A worker's answer is checked, never trusted: nobody from another bucket,
    nobody placed twice, no circle below the minimum size."""
    seekers, params = workload
    _, jobs, answers = in_process
    k = next(k for k, circles in enumerate(answers) if circles)
    first = answers[k][0]
    stranger = next(s.id for j, job in enumerate(jobs) if j != k for s in job.seekers)
    members = {
        "outsider": (stranger, *first.member_ids[1:]),
        "twice": first.member_ids,
        "too small": first.member_ids[:3],
    }[lie]
    forged = [list(circles) for circles in answers]
    forged[k][0] = JobCircle(members, first.slot, first.language, first.point)
    if lie == "twice":
        forged[k].append(forged[k][0])
    match = {"outsider": "outside", "twice": "already placed", "too small": "circle of 3"}[lie]
    with pytest.raises(ValueError, match=match):
        form_circles(seekers, params, runner=lambda batch: forged)
