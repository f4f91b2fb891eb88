"""Circle chat load test: two server processes sharing Redis and PostgreSQL.

    python bench/chat.py [--clients 200] [--circles 40] [--messages 20000]
                         [--layers pubsub,core] [--server uvicorn|daphne] [--profile]

Sets up its own data in the PostgreSQL database ``connect_chat_bench`` (created
if missing, flushed each run), starts two server processes (Uvicorn as the
production worker runs it, or Daphne as ``runserver`` does) on free loopback
ports with ``REDIS_URL`` (channel layer + cache), connects the clients
alternately to the two processes (so every circle spans both), and has each
client send its share of the messages. It checks that every message reaches
every other member of its circle exactly once, and prints messages/s, delivery
latency percentiles (send → arrival at another member) and lost/duplicated
deliveries. The last line is JSON.

The real rate limit (10 messages per 10 s per person) stays on: each client
paces itself at one message every 1.05 s at most, and if a burst still meets
the limit (a delayed frame arriving with the next), it waits and resends — the
refused frame saved nothing, so that is not a loss. Resends are reported.

Each client also waits until its previous message reached every member of its
circle before sending the next (closed loop). Without that, 200 clients at the
rate limit offer ~950 deliveries/s, more than two processes on a small shared
machine deliver, and the channel layer's inboxes grow until messages expire:
the figures would measure the queue, not the chat. So ``per_second`` is the
sustained throughput and the latencies include queueing at that throughput.

Both Redis channel layers run one after the other on the same data and load
(``--layers``, the first is the headline and the settings' default): the
JSON's top-level figures are the first layer's, ``layers`` holds each one's,
with the 1-minute load average before and after (the machine may be shared).
``--profile`` runs the servers under pyinstrument and leaves a profile per
server beside its log (the threads that run database work are not sampled).

Environment: ``BENCH_DATABASE_URL`` (default
postgres://postgres:postgres@127.0.0.1:5432/connect_chat_bench), ``BENCH_REDIS_URL``
(default $CONNECT_TEST_REDIS_URL or redis://127.0.0.1:6379/5). Loopback only;
bounded by ``--timeout`` seconds.
"""

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import daphne_servers  # noqa: E402

DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/connect_chat_bench"
)
REDIS_URL = os.environ.get(
    "BENCH_REDIS_URL", os.environ.get("CONNECT_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
)
UNUSABLE = "!" + "bench"  # an unusable password hash: no hashing cost, no login
SEND_INTERVAL = 1.05  # seconds between one client's messages: under 10 per 10 s
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "connect.settings",
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "CONNECT_CHANNEL_PREFIX": "connect-chat-bench",
    "CONNECT_CACHE_PREFIX": "connect-chat-bench",
    "CONNECT_LOG_LEVEL": "WARNING",
    # As in production: DEBUG keeps every query's SQL in memory.
    "DJANGO_DEBUG": "false",
}


def log(*args):
    print(*args, flush=True)


def ensure_database():
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # noqa: S608  (our own fixed name)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=ENV, check=True)
    subprocess.run([*manage, "flush", "--no-input", "-v", "0"], cwd=ROOT, env=ENV, check=True)


def forget_redis_state() -> None:
    """Forget an earlier run's rate counters, presence and channels (this prefix only)."""
    import redis

    r = redis.Redis.from_url(REDIS_URL)
    for key in r.scan_iter(match="connect-chat-bench*", count=1000):
        r.delete(key)


def create_people(clients: int, circles: int) -> list[dict]:
    """Users, circles and memberships; a logged-in session per user."""
    os.environ.update(ENV)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from connect.circles.models import Circle, Membership

    forget_redis_state()
    now = timezone.now()
    per_circle = clients // circles
    circle_rows = Circle.objects.bulk_create(
        Circle(
            name=f"Bench circle {i}",
            mode=Circle.Mode.VIRTUAL,
            start_slot=84,
            capacity=max(per_circle, 4),
            member_count=per_circle,
            status=Circle.Status.ACTIVE,
        )
        for i in range(circles)
    )
    people = []
    memberships = []
    for i in range(clients):
        user = User.objects.create(email=f"bench{i}@example.invalid", password=UNUSABLE)
        user.profile.display_name = f"Bench {i}"
        # 18+ confirmed and the current guidelines accepted, or the chat refuses them.
        user.profile.adult_confirmed_at = now
        user.profile.guidelines_version = settings.CONNECT_GUIDELINES_VERSION
        user.profile.save(
            update_fields=["display_name", "adult_confirmed_at", "guidelines_version"]
        )
        circle = circle_rows[i // per_circle]
        memberships.append(Membership(circle=circle, user=user))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            {
                "index": i,
                "user_id": user.pk,
                "circle_id": circle.pk,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
            }
        )
    Membership.objects.bulk_create(memberships)
    from django.db import connections

    connections.close_all()
    return people


class Client:
    def __init__(self, person, host, count, stats, circle_size):
        self.person = person
        self.circle_size = circle_size
        self.host = host
        self.count = count
        self.stats = stats
        self.sent_at: dict[int, float] = {}  # seq -> perf_counter at send
        self.received: dict[int, int] = {}  # message id -> times received
        self.acked = asyncio.Queue()
        self.ws = None

    async def connect(self):
        from websockets.asyncio.client import connect

        self.ws = await connect(
            f"ws://{self.host}/ws/chat/{self.person['circle_id']}/",
            origin=f"http://{self.host}",
            additional_headers={"Cookie": self.person["cookie"]},
            open_timeout=60,
            max_queue=None,
            ping_interval=None,
        )
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        me = self.person["index"]
        async for raw in self.ws:
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "message":
                m = frame["message"]
                self.received[m["id"]] = self.received.get(m["id"], 0) + 1
                if self.received[m["id"]] == 1:
                    delivered = self.stats["delivered"]
                    delivered[m["id"]] = delivered.get(m["id"], 0) + 1
                    waiter = self.stats["waiters"].get(m["id"])
                    if waiter and not waiter.done() and delivered[m["id"]] >= self.circle_size:
                        waiter.set_result(None)
                _, sender, seq = m["body"].split()
                sender, seq = int(sender), int(seq)
                if sender != me:
                    sent = self.stats["sent_at"].get((sender, seq))
                    if sent is not None and self.received[m["id"]] == 1:
                        self.stats["latencies"].append(time.perf_counter() - sent)
            elif kind in ("ack", "error"):
                await self.acked.put(frame)

    async def run(self, start_at: float):
        me = self.person["index"]
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        last = 0.0
        for seq in range(self.count):
            while True:
                wait = last + SEND_INTERVAL - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                last = time.perf_counter()
                self.stats["sent_at"][(me, seq)] = last
                await self.ws.send(json.dumps({"action": "send", "body": f"bench {me} {seq}"}))
                reply = await asyncio.wait_for(self.acked.get(), 120)
                if reply["type"] == "ack":
                    mid = reply["id"]
                    self.stats["accepted"][mid] = self.person["circle_id"]
                    # Backpressure: the next message waits until this one reached
                    # the whole circle, so the offered load follows what the
                    # servers can deliver instead of piling up in their inboxes.
                    if self.stats["delivered"].get(mid, 0) < self.circle_size:
                        waiter = asyncio.get_running_loop().create_future()
                        self.stats["waiters"][mid] = waiter
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(waiter, 120)
                        del self.stats["waiters"][mid]
                    break
                if reply.get("code") == "rate_limited":
                    self.stats["resends"] += 1
                    last += 1.0
                    continue
                self.stats["refused"] += 1
                break


async def bench(people, hosts, total, timeout):
    stats = {
        "sent_at": {},
        "latencies": [],
        "accepted": {},
        "delivered": {},
        "waiters": {},
        "resends": 0,
        "refused": 0,
    }
    per_client = total // len(people)
    sizes: dict[int, int] = {}
    for p in people:
        sizes[p["circle_id"]] = sizes.get(p["circle_id"], 0) + 1
    clients = [
        Client(p, hosts[p["index"] % len(hosts)], per_client, stats, sizes[p["circle_id"]])
        for p in people
    ]
    sem = asyncio.Semaphore(20)

    async def connect(c):
        async with sem:
            await c.connect()

    t0 = time.perf_counter()
    await asyncio.gather(*(connect(c) for c in clients))
    log(f"{len(clients)} clients connected in {time.perf_counter() - t0:.1f} s")
    # Stagger the first sends over one interval so the load is even.
    start = time.perf_counter() + 1.0
    begin = start
    sends = [c.run(start + SEND_INTERVAL * i / len(clients)) for i, c in enumerate(clients)]
    timed_out = False
    try:
        await asyncio.wait_for(asyncio.gather(*sends), timeout)
    except TimeoutError:
        # Too slow to finish in time: report what was sent, say so, fail the run.
        timed_out = True
    sent_done = time.perf_counter()
    # Wait for the tail of the deliveries (bounded).
    members = {}
    for c in clients:
        members.setdefault(c.person["circle_id"], []).append(c)
    expected = {mid: members[cid] for mid, cid in stats["accepted"].items()}
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        missing = sum(1 for mid, cs in expected.items() for c in cs if mid not in c.received)
        if not missing:
            break
        await asyncio.sleep(0.5)
    end = time.perf_counter()
    for c in clients:
        await c.ws.close()
        c.reader.cancel()
    lost = sum(1 for mid, cs in expected.items() for c in cs if mid not in c.received)
    lost += stats["refused"]
    duplicated = sum(n - 1 for c in clients for n in c.received.values() if n > 1)
    lat = sorted(stats["latencies"])

    def pct(p):
        return round(lat[min(len(lat) - 1, int(len(lat) * p / 100))] * 1000, 1) if lat else None

    accepted = len(stats["accepted"])
    return {
        "clients": len(clients),
        "circles": len(members),
        "messages": accepted,
        "deliveries": sum(len(cs) for cs in expected.values()),
        "seconds": round(sent_done - begin, 1),
        "per_second": round(accepted / (sent_done - begin), 1),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "lost": lost,
        "duplicated": duplicated,
        "rate_limited_resends": stats["resends"],
        "drain_seconds": round(end - sent_done, 1),
        "timed_out": timed_out,
    }


LAYERS = ("pubsub", "core")
SUMMARY_KEYS = (
    "messages",
    "per_second",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "lost",
    "duplicated",
    "timed_out",
    "load_1m",
)


def run_layer(layer, people, args, log_dir):
    """One full run on ``layer`` ("pubsub" or "core"): fresh Redis state, two servers."""
    forget_redis_state()
    env = {**ENV, "CONNECT_CHANNEL_LAYER": layer}
    layer_dir = log_dir / layer
    layer_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with daphne_servers(2, layer_dir, env, profile=args.profile, server=args.server) as hosts:
        log(f"[{layer}] servers: {', '.join(hosts)} (logs in {layer_dir})")
        result = asyncio.run(bench(people, hosts, args.messages, args.timeout))
    result["load_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    log(
        f"[{layer}] {result['messages']} messages from {result['clients']} clients in "
        f"{result['circles']} circles over {result['seconds']} s: "
        f"{result['per_second']} messages/s"
    )
    log(
        f"[{layer}] delivery latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms ({result['deliveries']} deliveries)"
    )
    log(
        f"[{layer}] lost {result['lost']}, duplicated {result['duplicated']}, "
        f"resent after the rate limit {result['rate_limited_resends']}, "
        f"load average {result['load_1m'][0]} -> {result['load_1m'][1]}"
    )
    if args.profile:
        log(f"[{layer}] profiles: {layer_dir}/daphne-*.profile.txt")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--circles", type=int, default=40)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--timeout", type=int, default=900, help="seconds for the sending phase")
    parser.add_argument(
        "--layers",
        default=",".join(LAYERS),
        help="channel layers to run one after the other, same load (the first is the headline)",
    )
    parser.add_argument("--profile", action="store_true", help="run the servers under pyinstrument")
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
    args = parser.parse_args()
    layers = [name.strip() for name in args.layers.split(",") if name.strip()]
    if not layers or set(layers) - set(LAYERS):
        parser.error(f"--layers takes names from {', '.join(LAYERS)}")
    log(f"database {DB_URL.rsplit('@', 1)[-1]}, redis {REDIS_URL}")
    ensure_database()
    people = create_people(args.clients, args.circles)
    log(f"{len(people)} members in {args.circles} circles ready")
    log_dir = (
        Path(os.environ.get("BENCH_LOG_DIR", tempfile.gettempdir()))
        / f"connect-chat-bench-{os.getpid()}"
    )
    log_dir.mkdir(parents=True, exist_ok=True)
    results = {layer: run_layer(layer, people, args, log_dir) for layer in layers}
    headline = results[layers[0]]
    out = {
        **headline,
        "channel_layer": layers[0],
        "server": args.server,
        "layers": {name: {k: r[k] for k in SUMMARY_KEYS} for name, r in results.items()},
    }
    print(json.dumps(out), flush=True)
    clean = all(
        r["lost"] == 0 and r["duplicated"] == 0 and not r["timed_out"] for r in results.values()
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
