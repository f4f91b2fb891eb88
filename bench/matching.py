"""Benchmark of Connect's matching engine against baselines.

    python bench/matching.py                       # n = 1,000 / 10,000 / 100,000 + small exact
    python bench/matching.py --sizes 1000 --small 24,32 --cpsat-seconds 30
    python bench/matching.py --n 100000 --workers 2  # the round's buckets on Celery workers

Every (n, method) runs in a fresh process, so "peak MB" is that process's
peak resident memory (input included). Seconds are wall-clock for the method
only (the machine is shared, so they vary a little). All plans are checked
by bench/baselines.py's own rule checker; only rule-keeping circles count.
The last line printed is one JSON object with Connect's figures per n.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

METHODS = ("random", "greedy", "kmeans-constrained", "connect")
KMEANS_MAX_N = 10_000


def _workload(n, seed, small=False):
    from connect.matching.synthetic import generate

    if small:
        return generate(n, seed=seed, cities=1, isolated_share=0.0)
    return generate(n, seed=seed)


def _plan_from_result(result, seekers):
    index = {s.id: k for k, s in enumerate(seekers)}
    return [
        {
            "members": [index[i] for i in c.member_ids],
            "slot": c.start_slot,
            "mode": c.mode,
            "point": (c.lat, c.lon) if c.mode == "in_person" else None,
            "language": c.language,
        }
        for c in result.circles
    ]


def _child(method, n, seed, small, placeable, bound, conn):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import numpy as np

    from bench import baselines
    from connect.matching import MatchParams, form_circles

    params = MatchParams(seed=seed)
    seekers = _workload(n, seed, small)
    out = {"method": method, "n": n}
    try:
        t0 = time.perf_counter()
        if method == "connect":
            result = form_circles(seekers, params)
            out["seconds"] = time.perf_counter() - t0
            plan = _plan_from_result(result, seekers)
            index = {s.id: k for k, s in enumerate(seekers)}
            unplaced_placeable = [
                index[i] for i, why in result.unplaced.items() if "first in line" in why
            ]
            placed = np.zeros(n, dtype=bool)
            for c in plan:
                placed[c["members"]] = True
            mask = placed.copy()
            mask[unplaced_placeable] = True
            # the engine's placeable set: placed people are placeable by definition
            out["placeable"] = np.flatnonzero(mask).tolist()
            out["bound"] = result.stats["bound"]
            out["engine_stats"] = {k: v for k, v in result.stats.items()}
        elif method == "random":
            plan = baselines.random_grouping(seekers, params, seed=seed)
        elif method == "greedy":
            plan = baselines.plain_greedy(seekers, params)
        elif method == "kmeans-constrained":
            plan, raw = baselines.kmeans_constrained(seekers, params, seed=seed)
            out["raw_quality"] = baselines.raw_topic_quality(seekers, raw)
        else:
            raise ValueError(method)
        out.setdefault("seconds", time.perf_counter() - t0)
        if placeable is None:
            placeable = out.get("placeable", [])
            bound = out.get("bound", 0.0)
        pmask = np.zeros(n, dtype=bool)
        pmask[placeable] = True
        out.update(baselines.evaluate(seekers, plan, params, pmask, bound))
        out["placeable_share"] = float(pmask.mean()) if n else 0.0
    except Exception as exc:  # noqa: BLE001 -- reported in the table, never hidden
        out["error"] = f"{type(exc).__name__}: {exc}"
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send(out)
    conn.close()


def run_method(method, n, seed, small=False, placeable=None, bound=None, timeout=None):
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(method, n, seed, small, placeable, bound, child))
    proc.start()
    child.close()
    if parent.poll(timeout):
        out = parent.recv()
    else:
        out = {"method": method, "n": n, "error": f"did not finish within {timeout:.0f} s"}
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    return out


def _fmt_row(r):
    if "error" in r:
        return f"| {r['n']:>7} | {r['method']:<18} | {r['error']} |"
    note = ""
    if r.get("raw_quality") is not None:
        note = f"ignoring rules it would score {r['raw_quality']:.0f}"
    return (
        f"| {r['n']:>7} | {r['method']:<18} | {r['seconds']:>7.1f} | {r['peak_mb']:>7.0f} | "
        f"{100 * r['placed']:>6.1f} | {100 * r['placed_of_placeable']:>6.1f} | "
        f"{r['quality']:>9.1f} | {r['quality_ratio']:>6.3f} | {r['p10']:>5.2f} | "
        f"{r['broken']:>6} | {note} |"
    )


HEADER = (
    "|       n | method             | seconds | peak MB | placed % | of placeable % | "
    "quality | quality/bound | p10 member q | broken circles | note |\n"
    "|--------:|:-------------------|--------:|--------:|-------:|-------:|----------:|"
    "-------:|------:|-------:|:--|"
)


def small_instances(sizes, seed, cpsat_seconds):
    """Connect vs the exact CP-SAT optimum on small one-city instances."""
    from bench import baselines
    from connect.matching import MatchParams, form_circles

    rows = []
    for k, n in enumerate(sizes):
        s = seed * 100 + k
        seekers = _workload(n, s, small=True)
        params = MatchParams(seed=seed)
        t0 = time.perf_counter()
        result = form_circles(seekers, params)
        t_connect = time.perf_counter() - t0
        import numpy as np

        pm = np.zeros(n, dtype=bool)
        mine = baselines.evaluate(
            seekers, _plan_from_result(result, seekers), params, pm, result.stats["bound"]
        )
        opt = baselines.cpsat_optimum(
            seekers, params, time_limit=cpsat_seconds, hint=_plan_from_result(result, seekers)
        )
        best = baselines.evaluate(seekers, opt["plan"], params, pm, result.stats["bound"])
        same_placed = abs(best["placed"] - mine["placed"]) < 1e-9
        ratio = mine["quality"] / best["quality"] if best["quality"] > 0 else 1.0
        rows.append(
            {
                "n": n,
                "seed": s,
                "status": opt["status"],
                "cpsat_seconds": opt["wall"],
                "opt_placed": round(best["placed"] * n),
                "opt_quality": best["quality"],
                "connect_placed": round(mine["placed"] * n),
                "connect_quality": mine["quality"],
                "connect_seconds": t_connect,
                "connect_broken": mine["broken"],
                "vs_optimum": ratio if same_placed else None,
                "placed_vs_optimum": mine["placed"] / best["placed"] if best["placed"] else 1.0,
            }
        )
    return rows


def _start_workers(count, redis_url, log_dir):
    """``count`` real Celery workers (one process each) on ``redis_url``."""
    import subprocess

    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "CONNECT_VAR_DIR": str(log_dir),
        "CONNECT_LOG_LEVEL": "WARNING",
        "OPENBLAS_NUM_THREADS": "1",
    }
    env.pop("DATABASE_URL", None)  # bucket jobs never touch the database
    procs = []
    for i in range(count):
        cmd = [sys.executable, "-m", "celery", "-A", "connect.celery", "worker", "-P", "solo"]
        cmd += ["-n", f"bench{i}-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]
        # BENCH_WORKER_LOGLEVEL=INFO logs each bucket job's time in worker-<i>.log.
        cmd += ["--loglevel", os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING")]
        out = open(log_dir / f"worker-{i}.log", "w")  # noqa: SIM115 (lives with the process)
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out))
    return procs


def bench_workers(n, seed, workers, redis_url):
    """The same round solved in this process, then with its buckets on
    ``workers`` Celery workers; the circles must be the same."""
    import tempfile

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "connect.settings", "REDIS_URL": redis_url})
    os.environ.pop("DATABASE_URL", None)
    log_dir = Path(tempfile.mkdtemp(prefix="connect-matching-bench-"))
    os.environ["CONNECT_VAR_DIR"] = str(log_dir)
    import django

    django.setup()
    from connect.celery import app
    from connect.circles.rounds import workers_runner
    from connect.matching import MatchParams, form_circles

    app.control.purge()
    procs = _start_workers(workers, redis_url, log_dir)
    try:
        deadline = time.monotonic() + 120
        while len(app.control.ping(timeout=1.0) or []) < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"workers did not start; see {log_dir}")
        params = MatchParams(seed=seed)
        seekers = _workload(n, seed)
        load = [round(os.getloadavg()[0], 2)]
        t0 = time.perf_counter()
        here = form_circles(seekers, params)
        seconds_in_process = time.perf_counter() - t0
        load.append(round(os.getloadavg()[0], 2))
        t0 = time.perf_counter()
        there = form_circles(seekers, params, runner=workers_runner())
        seconds_workers = time.perf_counter() - t0
        load.append(round(os.getloadavg()[0], 2))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    same = here.circles == there.circles and here.top_ups == there.top_ups
    out = {
        "n": n,
        "workers": workers,
        "bucket_jobs": here.stats.get("bucket_jobs"),
        "seconds_in_process": round(seconds_in_process, 2),
        "seconds_workers": round(seconds_workers, 2),
        "speedup": round(seconds_in_process / seconds_workers, 2),
        # Until the circles are formed, before waiting for the quality bound
        # (which runs in a thread beside the matching, in this process both times).
        "matching_seconds_in_process": round(here.stats["seconds_matching"], 2),
        "matching_seconds_workers": round(there.stats["seconds_matching"], 2),
        "same_circles": same,
        "placed": round(here.stats["placed"] / n, 4),
        "quality_ratio": round(here.stats["quality_ratio"], 4),
        "load_1m": load,
    }
    print(
        f"n={n}: in process {out['seconds_in_process']} s, on {workers} workers "
        f"{out['seconds_workers']} s (speed-up {out['speedup']}), same circles: {same}; "
        f"load average {load}",
        flush=True,
    )
    print(json.dumps(out), flush=True)
    return 0 if same else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="seekers, with --workers")
    ap.add_argument(
        "--workers",
        type=int,
        default=0,
        help="solve one round in this process and again with its buckets on this many "
        "Celery workers (needs Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/7)",
    )
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--small", default="24,28,32,36,40")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cpsat-seconds", type=float, default=60.0)
    ap.add_argument("--kmeans-timeout", type=float, default=900.0)
    args = ap.parse_args(argv)
    if args.workers:
        redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
        sys.exit(bench_workers(args.n, args.seed, args.workers, redis_url))
    sizes = [int(x) for x in args.sizes.split(",") if x]
    small = [int(x) for x in args.small.split(",") if x]

    print(HEADER, flush=True)
    rows = []
    for n in sizes:
        conn = run_method("connect", n, args.seed)
        if "error" in conn:
            print(_fmt_row(conn), flush=True)
            continue
        placeable, bound = conn["placeable"], conn["bound"]
        got = {}
        for method in METHODS[:-1]:
            if method == "kmeans-constrained" and n > KMEANS_MAX_N:
                got[method] = {"method": method, "n": n, "error": "skipped (n > 10,000)"}
            else:
                timeout = args.kmeans_timeout if method == "kmeans-constrained" else None
                got[method] = run_method(method, n, args.seed, False, placeable, bound, timeout)
            print(_fmt_row(got[method]), flush=True)
        got["connect"] = conn
        print(_fmt_row(conn), flush=True)
        rows.append(got)

    small_rows = small_instances(small, args.seed, args.cpsat_seconds) if small else []
    if small_rows:
        print()
        print(
            "| n (one city) | CP-SAT status | CP-SAT s | optimum placed | optimum quality | "
            "Connect placed | Connect quality | Connect s | Connect % of optimum |"
        )
        print("|---:|:---|---:|---:|---:|---:|---:|---:|---:|")
        for r in small_rows:
            pct = "n/a" if r["vs_optimum"] is None else f"{100 * r['vs_optimum']:.1f}"
            print(
                f"| {r['n']} | {r['status']} | {r['cpsat_seconds']:.1f} | {r['opt_placed']} | "
                f"{r['opt_quality']:.3f} | {r['connect_placed']} | {r['connect_quality']:.3f} | "
                f"{r['connect_seconds']:.2f} | {pct} |"
            )
    print()
    results = []
    for got in rows:
        c = got["connect"]
        g = got.get("greedy", {})
        k = got.get("kmeans-constrained", {})
        results.append(
            {
                "n": c["n"],
                "seconds": round(c["seconds"], 2),
                "peak_mb": round(c["peak_mb"]),
                "placed": round(c["placed"], 4),
                "placed_of_placeable": round(c["placed_of_placeable"], 4),
                "quality_ratio": round(c["quality_ratio"], 4),
                "vs_greedy": round(c["quality"] / g["quality"], 3) if g.get("quality") else None,
                "vs_kmeans_constrained": (
                    round(c["quality"] / k["quality"], 3) if k.get("quality") else None
                ),
                "kmeans_constrained_quality": k.get("quality"),
                "vs_optimum": None,
            }
        )
    for r in small_rows:
        results.append(
            {
                "n": r["n"],
                "seconds": round(r["connect_seconds"], 3),
                "placed": round(r["connect_placed"] / r["n"], 4),
                "placed_of_optimum": round(r["placed_vs_optimum"], 4),
                "vs_optimum": None if r["vs_optimum"] is None else round(r["vs_optimum"], 4),
                "optimum_status": r["status"],
            }
        )
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
