"""Fill open seats of existing circles (top-ups)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .buckets import DIST_EPS_KM, Problem
from .compat import unit_vectors
from .geo import haversine_many
from .types import BoolArray, FloatArray, IndexArray, MatchParams, OpenCircle


@dataclass
class TopUpPlan:
    circle: OpenCircle
    members: list[int]  # Problem indices of the new members
    lang: str
    topic_vec: FloatArray  # unit topic vector of the circle


def circle_candidates(
    prob: Problem, params: MatchParams, c: OpenCircle, taken: BoolArray
) -> tuple[IndexArray, BoolArray]:
    """Seekers who may join circle c (each on their own), and their language mask."""
    ok = ~taken & prob.starts[:, c.start_slot]
    if c.mode == "virtual":
        ok &= prob.can_virtual
    else:
        ok &= prob.can_person
        assert c.lat is not None and c.lon is not None, "validated: in-person circles have a place"
        d = haversine_many(
            np.nan_to_num(prob.lat), np.nan_to_num(prob.lon), float(c.lat), float(c.lon)
        )
        ok &= (d <= prob.radius - DIST_EPS_KM) | (d == 0.0)
    cols = [k for k, lang in enumerate(prob.langs) if lang in c.languages]
    lang_ok = prob.L[:, cols] if cols else np.zeros((len(ok), 0), dtype=bool)
    ok &= lang_ok.any(axis=1) if cols else False
    for mid in c.member_ids:
        own = prob.index_of.get(mid)
        if own is not None:
            ok[own] = False
        for i in prob.mentions.get(mid, ()):
            ok[i] = False
    return np.flatnonzero(ok), lang_ok


def fill_open_circles(
    prob: Problem, params: MatchParams, circles: Sequence[OpenCircle], taken: BoolArray
) -> list[TopUpPlan]:
    plans: list[TopUpPlan] = []
    if not circles:
        return plans
    vecs = unit_vectors([c.topics for c in circles], prob.vocab)
    info: list[tuple[float, int, int, int]] = []  # (candidates per seat, id, index, room)
    for k, c in enumerate(circles):
        room = min(c.seats, params.max_size - len(c.member_ids))
        if room <= 0:
            continue
        cand, _ = circle_candidates(prob, params, c, taken)
        info.append((len(cand) / room, c.id, k, room))
    # most constrained circles first
    info.sort()
    for _, _, k, room in info:
        c = circles[k]
        cand, _lang_ok = circle_candidates(prob, params, c, taken)
        if len(cand) == 0:
            continue
        cols = [col for col, lang in enumerate(prob.langs) if lang in c.languages]
        best: tuple[tuple[int, float], list[int], str] | None = None
        for col in cols:
            sub = cand[prob.L[cand, col]]
            if len(sub) == 0:
                continue
            comp = prob.U[sub] @ vecs[k]
            picked = _pick(prob, sub, comp, vecs[k], len(c.member_ids), room)
            score = (len(picked), sum(float(prob.U[i] @ vecs[k]) for i in picked))
            if best is None or score > best[0]:
                best = (score, picked, prob.langs[col])
        if best is None or not best[1]:
            continue
        picked = best[1]
        for i in picked:
            taken[i] = True
        plans.append(TopUpPlan(circle=c, members=picked, lang=best[2], topic_vec=vecs[k]))
    return plans


def _pick(
    prob: Problem, cand: IndexArray, comp: FloatArray, vec: FloatArray, n_old: int, room: int
) -> list[int]:
    order = np.lexsort((cand, -comp))
    picked: list[int] = []
    for k in order:
        i = int(cand[k])
        if any(i in prob.conflicts[j] for j in picked):
            continue
        picked.append(i)
        if len(picked) >= room:
            break
    return picked
