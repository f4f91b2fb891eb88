"""The web tier under load: logged-in people on the production stack.

    python bench/web.py [--server gunicorn-wsgi|gunicorn-uvicorn|daphne|all]
                        [--users 50] [--seconds 30] [--workers 2]

Sets up its own PostgreSQL database (``connect_web_bench``; created if missing
and seeded once: ``manage.py seed_scale`` when the project has it, else the
small generator in ``bench/webdata.py``; ``--reseed`` starts again), collects
static files, and starts the chosen stack on a free loopback port in
production mode (``CONNECT_PRODUCTION=true``, ``DJANGO_DEBUG=false``, Redis
cache, pooled PostgreSQL). Then locust (headless, closed loop) runs ``--users``
logged-in members for ``--seconds``: first on the pages people use most
(dashboard, circle page, meetups, chat history, browse with filters), then on a
trivial page (the community guidelines) through the same stack, session and
middleware: the ceiling. A short warm-up run comes first and is not counted.

Prints one line per stack and, last, a JSON line with ``users``, ``rps``,
``p50_ms``, ``p95_ms``, ``p99_ms``, ``errors``, ``ceiling_rps`` and ``ratio``
(rps / ceiling_rps), plus ``server``, ``workers`` and ``uptime`` (the load
average while it ran: the machine may be shared). With ``--server all`` the
JSON line is the last stack's, and every stack's line is printed above it.

Environment: ``BENCH_DATABASE_URL`` (default
postgres://postgres:postgres@127.0.0.1:5432/connect_web_bench), ``BENCH_REDIS_URL``
(default redis://127.0.0.1:6379/8). Loopback only; each run stops by itself.
"""

import argparse
import contextlib
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/connect_web_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
VAR_DIR = ROOT / "var" / "web-bench"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "connect.settings",
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "CONNECT_PRODUCTION": "true",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback, as behind a TLS proxy
    "CONNECT_VAR_DIR": str(VAR_DIR),
    "CONNECT_CACHE_PREFIX": "connect-web-bench",
    "CONNECT_CHANNEL_PREFIX": "connect-web-bench",
    "CONNECT_LOG_LEVEL": "WARNING",
}
SERVERS = ["gunicorn-wsgi", "gunicorn-uvicorn", "daphne"]


def log(*args):
    print(*args, flush=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def manage(*args, **env):
    run_env = {**ENV, **env}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=run_env, check=True)


def prepare(reseed: bool, people: int | None) -> None:
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # noqa: S608  (our own name)
        if not exists or reseed:
            conn.execute(f'CREATE DATABASE "{name}"')  # noqa: S608
    manage("migrate", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import get_commands

    from connect.circles.models import Membership

    if Membership.objects.exists():
        log("Data already there (use --reseed to start again).")
        return
    started = time.monotonic()
    if "seed_scale" in get_commands():
        log("Seeding with manage.py seed_scale …")
        # It refuses production settings (rightly): the data is written as in development.
        args = ["--people", str(people)] if people else []
        manage("seed_scale", *args, CONNECT_PRODUCTION="false", DJANGO_DEBUG="false")
    else:
        from bench import webdata

        log("Seeding with bench/webdata.py (no seed_scale command here) …")
        webdata.seed(people=people or 2000, messages=(people or 2000) * 20)
    log(f"Seeded in {time.monotonic() - started:.0f} s.")


def sessions(count: int) -> list[dict]:
    """Logged-in sessions of ``count`` active members of active circles."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from connect.circles.models import Circle, Membership

    rows = (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            circle__status=Circle.Status.ACTIVE,
            user__is_active=True,
            user__profile__onboarded_at__isnull=False,
        )
        .select_related("user", "circle")
        .order_by("id")[: count * 20 : 20]
    )
    people = []
    for m in rows:
        session = SessionStore()
        session[SESSION_KEY] = str(m.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = m.user.get_session_auth_hash()
        session.create()
        topic = m.circle.topics.values_list("slug", flat=True).first() or ""
        people.append(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "circle_id": m.circle_id,
                "topic": topic,
            }
        )
    connections.close_all()
    if not people:
        raise SystemExit("No active members in the benchmark database.")
    return people


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(server: str, port: int, workers: int, threads: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    py = sys.executable
    if server == "gunicorn-wsgi":
        return [py, "-m", "gunicorn", "connect.wsgi:application", "-b", bind, "-w", str(workers),
                "-k", "gthread", "--threads", str(threads)]  # fmt: skip
    if server == "gunicorn-uvicorn":
        return [py, "-m", "gunicorn", "connect.asgi:application", "-b", bind, "-w", str(workers),
                "-k", "connect.core.asgi_worker.ConnectUvicornWorker"]  # fmt: skip
    return [py, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "connect.asgi:application"]


@contextlib.contextmanager
def stack(server: str, workers: int, threads: int, log_dir: Path):
    port = free_port()
    out = (log_dir / f"{server}.log").open("w")
    proc = subprocess.Popen(
        command(server, port, workers, threads),
        cwd=ROOT,
        env=ENV,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{server} exited; see {log_dir}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)  # noqa: S310
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server} did not start; see {log_dir}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def locust(host: str, mode: str, users: int, seconds: int, people_file: Path, out: Path) -> dict:
    prefix = out / f"{mode}-{time.monotonic_ns()}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "web_locust.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "5",
        ],  # fmt: skip
        cwd=ROOT,
        env={**ENV, "BENCH_WEB_PEOPLE": str(people_file), "BENCH_WEB_MODE": mode},
        check=False,  # locust exits 1 when any request failed; the figures say so
        stdout=subprocess.DEVNULL,
        stderr=(out / "locust.log").open("a"),
    )
    rows = {row["Name"]: row for row in csv.DictReader(open(f"{prefix}_stats.csv"))}  # noqa: SIM115, PTH123
    total = rows["Aggregated"]
    return {
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "errors": int(total["Failure Count"]),
        "requests": int(total["Request Count"]),
        "pages": {
            name: {"p50_ms": float(r["50%"]), "p95_ms": float(r["95%"])}
            for name, r in rows.items()
            if name != "Aggregated"
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=[*SERVERS, "all"], default="gunicorn-wsgi")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="server processes (not daphne)")
    parser.add_argument("--threads", type=int, default=4, help="threads per WSGI worker")
    parser.add_argument("--people", type=int, help="seed size (default: the seeder's own)")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    prepare(args.reseed, args.people)
    people = sessions(args.users * 4)
    result = {}
    with tempfile.TemporaryDirectory(prefix="connect-web-bench-") as tmp:
        tmp_path = Path(tmp)
        people_file = tmp_path / "people.json"
        people_file.write_text(json.dumps(people))
        for server in SERVERS if args.server == "all" else [args.server]:
            with stack(server, args.workers, args.threads, tmp_path) as host:
                if args.warmup:
                    locust(host, "pages", args.users, args.warmup, people_file, tmp_path)
                load_before = uptime()
                pages = locust(host, "pages", args.users, args.seconds, people_file, tmp_path)
                ceiling = locust(host, "ceiling", args.users, args.seconds, people_file, tmp_path)
                load_after = uptime()
            result = {
                "server": server,
                "workers": 1 if server == "daphne" else args.workers,
                "users": args.users,
                "rps": pages["rps"],
                "p50_ms": pages["p50_ms"],
                "p95_ms": pages["p95_ms"],
                "p99_ms": pages["p99_ms"],
                "errors": pages["errors"] + ceiling["errors"],
                "ceiling_rps": ceiling["rps"],
                "ratio": round(pages["rps"] / ceiling["rps"], 2) if ceiling["rps"] else 0.0,
                "ceiling_p95_ms": ceiling["p95_ms"],
                "per_page": pages["pages"],
                "uptime": [load_before, load_after],
            }
            log(
                f"{server:<17} rps {pages['rps']:>6}  p50 {pages['p50_ms']:>5} ms  "
                f"p95 {pages['p95_ms']:>5} ms  p99 {pages['p99_ms']:>5} ms  "
                f"errors {result['errors']}  ceiling {ceiling['rps']} rps  "
                f"ratio {result['ratio']}  ({load_after})"
            )
            for name, figures in pages["pages"].items():
                log(f"    {name:<22} p50 {figures['p50_ms']:>5} ms  p95 {figures['p95_ms']:>5} ms")
            if result["errors"]:
                log(f"    errors: see {tmp_path / 'locust.log'} (kept until exit)")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
