"""Baselines and an independent evaluator for bench/matching.py.

A "plan" is a list of circles, each a dict with keys: members (seeker
indices), slot, mode ("in_person" | "virtual"), point ((lat, lon) or None),
language. The evaluator checks rules 1-5 on its own (it does not call the
engine's feasibility code) and scores only circles that keep them.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from connect.matching.buckets import build_problem, make_buckets
from connect.matching.compat import topic_vocabulary, unit_vectors

WEEK = 336


# -- evaluation --------------------------------------------------------------
def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def circle_ok(seekers, c, params) -> bool:
    ms = [seekers[i] for i in c["members"]]
    if not params.min_size <= len(ms) <= params.max_size:
        return False
    for m in ms:
        if not all((c["slot"] + k) % WEEK in m.free_slots for k in range(params.meeting_slots)):
            return False
        if c["language"] not in m.languages:
            return False
        if c["mode"] == "virtual":
            if m.mode not in ("virtual", "either"):
                return False
        else:
            if m.mode not in ("in_person", "either") or m.lat is None or c["point"] is None:
                return False
            if _km(m.lat, m.lon, c["point"][0], c["point"][1]) > m.radius_km:
                return False
    for a in range(len(ms)):
        for b in range(a + 1, len(ms)):
            x, y = ms[a], ms[b]
            if (
                y.id in x.blocked
                or x.id in y.blocked
                or y.id in x.past_partners
                or x.id in y.past_partners
            ):
                return False
    return True


def evaluate(seekers, plan, params, placeable: np.ndarray, bound: float) -> dict:
    U = unit_vectors([s.topics for s in seekers], topic_vocabulary([s.topics for s in seekers]))
    seen: set[int] = set()
    member_q: list[float] = []
    broken = 0
    for c in plan:
        if any(i in seen for i in c["members"]) or not circle_ok(seekers, c, params):
            broken += 1
            continue
        seen.update(c["members"])
        V = U[c["members"]]
        C = V @ V.T
        k = len(c["members"])
        member_q.extend(((C.sum(axis=1) - np.diag(C)) / (k - 1)).tolist())
    placed = len(seen)
    n = len(seekers)
    placed_mask = np.zeros(n, dtype=bool)
    placed_mask[list(seen)] = True
    quality = float(sum(member_q))
    return {
        "circles": len(plan) - broken,
        "broken": broken,
        "placed": placed / n if n else 0.0,
        "placed_of_placeable": float((placed_mask & placeable).sum() / max(1, placeable.sum())),
        "quality": quality,
        "quality_ratio": quality / bound if bound else 0.0,
        "p10": float(np.percentile(member_q, 10)) if member_q else 0.0,
    }


def raw_topic_quality(seekers, groups) -> float:
    """Quality of groups ignoring every rule (for k-means-constrained's notes)."""
    U = unit_vectors([s.topics for s in seekers], topic_vocabulary([s.topics for s in seekers]))
    total = 0.0
    for g in groups:
        if len(g) < 2:
            continue
        V = U[g]
        C = V @ V.T
        total += float((C.sum() - np.trace(C)) / (len(g) - 1))
    return total


# -- shared helpers --------------------------------------------------------------
class _Ctx:
    def __init__(self, seekers, params):
        self.seekers = seekers
        self.p = params
        self.prob = build_problem(seekers, params)
        self.person_buckets, self.virtual = make_buckets(self.prob, params)

    def reach(self, i, point) -> bool:
        s = self.seekers[i]
        return s.lat is not None and _km(s.lat, s.lon, point[0], point[1]) <= s.radius_km


# -- random grouping within the same bucket and start slot ----------------------------
def random_grouping(seekers, params, seed=0) -> list[dict]:
    ctx = _Ctx(seekers, params)
    prob = ctx.prob
    rng = np.random.default_rng(seed)
    taken = np.zeros(len(seekers), dtype=bool)
    plan = []
    buckets = [(b.members, "in_person") for b in ctx.person_buckets]
    buckets.append((ctx.virtual.members, "virtual"))
    for members, mode in buckets:
        if len(members) < params.min_size:
            continue
        pools = {s: members[prob.starts[members, s]] for s in range(WEEK)}
        for i in rng.permutation(members):
            i = int(i)
            if taken[i]:
                continue
            slots = np.flatnonzero(prob.starts[i])
            if len(slots) == 0:
                continue
            s = int(slots[rng.integers(len(slots))])
            lang = sorted(seekers[i].languages)[rng.integers(len(seekers[i].languages))]
            point = (seekers[i].lat, seekers[i].lon) if mode == "in_person" else None
            cand = pools[s]
            cand = cand[~taken[cand]]
            group = [i]
            for j in rng.permutation(cand):
                j = int(j)
                if j == i or lang not in seekers[j].languages:
                    continue
                if point is not None and not ctx.reach(j, point):
                    continue
                if any(j in prob.conflicts[m] for m in group):
                    continue
                group.append(j)
                if len(group) >= params.target_size:
                    break
            if len(group) >= params.min_size:
                taken[group] = True
                plan.append(
                    {"members": group, "slot": s, "mode": mode, "point": point, "language": lang}
                )
    return plan


# -- plain greedy (first fit) ----------------------------------------------------------
def plain_greedy(seekers, params) -> list[dict]:
    """Seekers in input order join the first open circle they fit, else open one."""
    ctx = _Ctx(seekers, params)
    prob = ctx.prob
    region = {}
    for b in ctx.person_buckets:
        for i in b.members:
            region[int(i)] = b.key
    groups: list[dict] = []
    open_at: dict[tuple, list[int]] = defaultdict(list)
    for i, s in enumerate(seekers):
        slots = np.flatnonzero(prob.starts[i]).tolist()
        if not slots:
            continue
        joined = False
        modes = []
        if prob.can_person[i]:
            modes.append("in_person")
        if prob.can_virtual[i]:
            modes.append("virtual")
        for slot in slots:
            for mode in modes:
                for lang in sorted(s.languages):
                    key = (slot, mode, lang, region.get(i) if mode == "in_person" else None)
                    for gid in open_at.get(key, ()):
                        g = groups[gid]
                        if len(g["members"]) >= params.max_size:
                            continue
                        if mode == "in_person" and not ctx.reach(i, g["point"]):
                            continue
                        if any(i in prob.conflicts[m] for m in g["members"]):
                            continue
                        g["members"].append(i)
                        joined = True
                        break
                    if joined:
                        break
                if joined:
                    break
            if joined:
                break
        if joined:
            continue
        mode = modes[0]
        lang = min(s.languages)
        point = (s.lat, s.lon) if mode == "in_person" else None
        key = (slots[0], mode, lang, region.get(i) if mode == "in_person" else None)
        open_at[key].append(len(groups))
        groups.append(
            {"members": [i], "slot": slots[0], "mode": mode, "point": point, "language": lang}
        )
    return [g for g in groups if len(g["members"]) >= params.min_size]


# -- k-means-constrained on topic vectors ------------------------------------------------
def kmeans_constrained(seekers, params, seed=0):
    """Clusters of min..max size on topic vectors alone; then the best rule-keeping setting.

    Returns (plan, raw_groups). It cannot express time, place, language or
    blocks, so many of its circles break a rule; the evaluator counts them.
    """
    from k_means_constrained import KMeansConstrained

    n = len(seekers)
    U = unit_vectors([s.topics for s in seekers], topic_vocabulary([s.topics for s in seekers]))
    k = max(1, -(-n // params.target_size))
    km = KMeansConstrained(
        n_clusters=k,
        size_min=params.min_size,
        size_max=params.max_size,
        random_state=seed,
        n_init=1,
        max_iter=30,
    )
    labels = km.fit_predict(U)
    ctx = _Ctx(seekers, params)
    prob = ctx.prob
    plan = []
    raw = []
    for c in range(k):
        members = np.flatnonzero(labels == c).tolist()
        raw.append(members)
        common = prob.starts[members].all(axis=0)
        slot = int(np.flatnonzero(common)[0]) if common.any() else 0
        langs = set.intersection(*(set(seekers[i].languages) for i in members))
        lang = min(langs) if langs else min(seekers[members[0]].languages)
        if all(prob.can_virtual[i] for i in members):
            mode, point = "virtual", None
        else:
            mode, point = "in_person", None
            for i in members:
                if seekers[i].lat is None:
                    continue
                cand = (seekers[i].lat, seekers[i].lon)
                if all(ctx.reach(j, cand) for j in members):
                    point = cand
                    break
            if point is None:
                first = next((i for i in members if seekers[i].lat is not None), members[0])
                point = (seekers[first].lat or 0.0, seekers[first].lon or 0.0)
        plan.append(
            {"members": members, "slot": slot, "mode": mode, "point": point, "language": lang}
        )
    return plan, raw


# -- exact optimum with OR-Tools CP-SAT (small instances) -----------------------------------
def _pair_feasible(ctx, i, j) -> bool:
    prob = ctx.prob
    if j in prob.conflicts[i]:
        return False
    if not (prob.starts[i] & prob.starts[j]).any() or not (prob.L[i] & prob.L[j]).any():
        return False
    if prob.can_virtual[i] and prob.can_virtual[j]:
        return True
    if prob.can_person[i] and prob.can_person[j]:
        a, b = ctx.seekers[i], ctx.seekers[j]
        return _km(a.lat, a.lon, b.lat, b.lon) <= a.radius_km + b.radius_km
    return False


def cpsat_optimum(seekers, params, time_limit=60.0, workers=2, hint=None):
    """Lexicographic optimum: most people placed, then waiting rounds placed, then quality.

    Meeting points are chosen among the seekers' own places. Returns a dict
    with status, placed, quality (exact, recomputed from the chosen circles).
    """
    from ortools.sat.python import cp_model

    ctx = _Ctx(seekers, params)
    prob = ctx.prob
    n = len(seekers)
    p = params
    U = prob.U
    comp = U @ U.T
    slots = [s for s in range(WEEK) if prob.starts[:, s].sum() >= p.min_size]
    langs = prob.langs
    points = sorted({(s.lat, s.lon) for s in seekers if s.lat is not None})
    reach = {
        (i, q): prob.can_person[i] and ctx.reach(i, points[q])
        for i in range(n)
        for q in range(len(points))
    }
    K = n // p.min_size
    m = cp_model.CpModel()
    x = {(i, c): m.NewBoolVar(f"x{i}_{c}") for i in range(n) for c in range(K)}
    # symmetry: circles are numbered by their lowest member, so i sits in a circle c <= i
    for i in range(n):
        for c in range(K):
            if c > i:
                m.Add(x[i, c] == 0)
    feasible_pair = {(i, j): _pair_feasible(ctx, i, j) for i in range(n) for j in range(i + 1, n)}
    act = [m.NewBoolVar(f"a{c}") for c in range(K)]
    person = [m.NewBoolVar(f"p{c}") for c in range(K)]
    for c in range(K - 1):
        m.Add(act[c] >= act[c + 1])
    for i in range(n):
        m.Add(sum(x[i, c] for c in range(K)) <= 1)
    scale = 420  # lcm of (k - 1) for k in 4..8 (and for smaller k too)
    total_q = []
    for c in range(K):
        y = {s: m.NewBoolVar(f"y{c}_{s}") for s in slots}
        z = {li: m.NewBoolVar(f"z{c}_{li}") for li in range(len(langs))}
        w = {q: m.NewBoolVar(f"w{c}_{q}") for q in range(len(points))}
        m.Add(sum(y.values()) == act[c])
        m.Add(sum(z.values()) == act[c])
        m.Add(sum(w.values()) == person[c])
        m.Add(person[c] <= act[c])
        for i in range(n):
            my_slots = [y[s] for s in slots if prob.starts[i, s]]
            m.Add(x[i, c] <= sum(my_slots)) if my_slots else m.Add(x[i, c] == 0)
            m.Add(x[i, c] <= sum(z[li] for li in range(len(langs)) if prob.L[i, li]))
            if not prob.can_virtual[i]:
                m.Add(x[i, c] <= person[c])
            if not prob.can_person[i]:
                m.Add(x[i, c] + person[c] <= 1)
            else:
                ok = [w[q] for q in range(len(points)) if reach[i, q]]
                m.Add(x[i, c] + person[c] - 1 <= sum(ok))
        size = sum(x[i, c] for i in range(n))
        b = {k: m.NewBoolVar(f"b{c}_{k}") for k in range(p.min_size, p.max_size + 1)}
        m.Add(sum(b.values()) == act[c])
        m.Add(size == sum(k * b[k] for k in b))
        pair_terms = []
        for i in range(n):
            for j in range(i + 1, n):
                if not feasible_pair[i, j]:
                    m.Add(x[i, c] + x[j, c] <= 1)
                    continue
                wt = round(1000 * comp[i, j])
                if wt <= 0:
                    continue
                e = m.NewBoolVar("")
                m.Add(e <= x[i, c])
                m.Add(e <= x[j, c])
                pair_terms.append(wt * e)
        P = sum(pair_terms) if pair_terms else 0
        big = 2 * scale * 1000 * p.max_size * p.max_size
        q = m.NewIntVar(0, big, f"q{c}")
        m.Add(q <= big * act[c])
        for k, bk in b.items():
            m.Add(q <= (2 * scale // (k - 1)) * P + big * (1 - bk))
        total_q.append(q)
    # lexicographic: people placed, then their waiting rounds, then quality
    w_wait = 2 * scale * 1000 * n + 1
    waits = [int(w) for w in prob.waiting]
    w_placed = w_wait * (sum(waits) + 1)
    m.Maximize(
        w_placed * sum(x.values())
        + w_wait * sum(waits[i] * x[i, c] for i in range(n) for c in range(K))
        + sum(total_q)
    )
    if hint:
        # warm start (does not change the optimum): circles sorted by lowest member
        order = sorted((sorted(c["members"]) for c in hint), key=lambda g: g[0])
        where = {i: c for c, g in enumerate(order) for i in g}
        for (i, c), var in x.items():
            m.AddHint(var, 1 if where.get(i) == c else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = solver.Solve(m)
    name = solver.StatusName(status)
    plan = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for c in range(K):
            members = [i for i in range(n) if solver.Value(x[i, c])]
            if not members:
                continue
            common = prob.starts[members].all(axis=0)
            slot = int(np.flatnonzero(common)[0])
            langs_c = set.intersection(*(set(seekers[i].languages) for i in members))
            point = None
            mode = "virtual"
            if solver.Value(person[c]):
                mode = "in_person"
                point = next(pt for pt in points if all(ctx.reach(i, pt) for i in members))
            plan.append(
                {
                    "members": members,
                    "slot": slot,
                    "mode": mode,
                    "point": point,
                    "language": min(langs_c),
                }
            )
    return {"status": name, "plan": plan, "wall": solver.WallTime()}
