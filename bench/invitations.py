"""Benchmark: 10,000 invitation emails through real Celery workers and Redis.

    REDIS_URL=redis://127.0.0.1:6379/3 [DATABASE_URL=postgres://…/connect] \\
        python bench/invitations.py [--n 10000] [--workers 2]

It creates a fresh database (``<name>_bench_invitations`` next to
DATABASE_URL's, or a temporary SQLite file without DATABASE_URL), migrates it,
bulk-creates the invitations, starts a local SMTP sink (aiosmtpd) and
``--workers`` solo Celery workers, queues the emails through the outbox as the
site does (tasks of up to 50 emails, each worker keeping one SMTP connection)
and times until every email is marked sent. Duplicates and missing emails are
counted by Message-ID at the sink. The last line is JSON.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _fresh_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tempfile.mkdtemp(prefix='connect-bench-')}/bench.sqlite3"
    import psycopg

    base, name = url.rsplit("/", 1)
    bench_name = f"{name.split('?')[0]}_bench_invitations"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench_name}"')
    return f"{base}/{bench_name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--kill-every",
        type=float,
        default=0.0,
        help="SIGKILL a random worker every this many seconds and start a new one "
        "(measures duplicates and losses under crashes)",
    )
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        print("Set REDIS_URL to a Redis database this benchmark may use.", file=sys.stderr)
        return 2

    os.environ["DATABASE_URL"] = db_url = _fresh_database()
    # Workers run as in production: no per-query debug bookkeeping.
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from connect.celery import app
    from connect.notifications.models import OutboxEmail
    from connect.notifications.outbox import message_id
    from connect.notifications.tasks import outbox_dispatch
    from tests.circles.worker_harness import SmtpSink, Worker, make_invitations, wait_for

    print(f"database: {db_url.rsplit('/', 1)[-1]}; migrating…", flush=True)
    call_command("migrate", verbosity=0)
    app.control.purge()
    ids = make_invitations(args.n, email_domain="bench.invalid")
    print(f"{len(ids)} invitations created; {args.workers} workers", flush=True)

    def sent() -> int:
        return OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count()

    with SmtpSink() as sink:
        workers = [
            Worker(db_url, os.environ["REDIS_URL"], sink.port).start() for _ in range(args.workers)
        ]
        try:
            time.sleep(3)  # let the workers connect before the clock starts
            started = time.perf_counter()
            outbox_dispatch(ids)
            last = -1
            kills = 0
            next_kill = started + args.kill_every if args.kill_every else float("inf")
            rng = random.Random(0)
            last_progress, requeued = time.perf_counter(), 0
            while True:
                if time.perf_counter() >= next_kill:
                    victim = workers.pop(rng.randrange(len(workers)))
                    victim.kill()
                    kills += 1
                    workers.append(Worker(db_url, os.environ["REDIS_URL"], sink.port).start())
                    next_kill = time.perf_counter() + args.kill_every * rng.uniform(0.5, 1.5)
                done = sent()
                if done != last:
                    print(f"\r  sent {done}/{len(ids)}", end="", flush=True)
                    last, last_progress = done, time.perf_counter()
                elif time.perf_counter() - last_progress > 20:
                    # What the periodic outbox_requeue does for owed rows after
                    # 10 minutes: a task message lost by the broker is re-queued.
                    owed = list(
                        OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).values_list(
                            "pk", flat=True
                        )
                    )
                    outbox_dispatch(owed)
                    requeued += len(owed)
                    last_progress = time.perf_counter()
                if done >= len(ids) or time.perf_counter() - started > 1800:
                    break
                time.sleep(0.5)
            seconds = time.perf_counter() - started
            print()
            wait_for(lambda: sink.total >= len(ids), timeout=10)
            if args.kill_every:
                time.sleep(10)  # a killed worker's task is redelivered after 5 s
            time.sleep(1)
        finally:
            for w in workers:
                w.stop()
        received = sink.snapshot()
    sources = OutboxEmail.objects.filter(pk__in=ids).values_list("source_id", flat=True)
    expected = {message_id("invitation", pk) for pk in sources}
    duplicates = sum(c - 1 for c in received.values())
    missing = len(expected - set(received))
    per_second = len(ids) / seconds if seconds else 0.0
    print(f"seconds:               {seconds:.1f}")
    print(f"invitations per second: {per_second:.1f}")
    if args.kill_every:
        print(f"workers killed:        {kills}")
        print(f"re-queued by sweeper:  {requeued}")
    print(f"duplicates:            {duplicates}")
    print(f"missing:               {missing}")
    print(
        json.dumps(
            {
                "invitations": len(ids),
                "seconds": round(seconds, 2),
                "per_second": round(per_second, 1),
                "duplicates": duplicates,
                "missing": missing,
            }
        )
    )
    app.control.purge()
    return 0 if duplicates == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
