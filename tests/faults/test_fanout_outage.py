"""Redis stopped for 20 s in the middle of a matching round's invitation emails.

A real worker runs the round and sends its invitation emails through the
outbox to an SMTP sink that takes 50 ms per message (so the fan-out lasts long
enough for the outage to land in it); beat runs as the Procfile says, with the
outbox sweep every 2 s for owed emails 10 s old (the deployment's 300 s and
600 s, shortened). The private Redis keeps nothing on disk, so every queued
batch dies with it: after the restart the sweep alone queues what is owed.
Pages keep working meanwhile and the chat page says live updates are paused.
Every invitation is emailed exactly once (by Message-ID).
"""

import asyncio
import time
from collections import Counter

import pytest
from django.db import connection

from connect.circles.models import Invitation
from connect.circles.tasks import run_match_round
from connect.notifications.models import OutboxEmail
from connect.notifications.outbox import message_id
from tests.chat.servers import test_database_url as server_database_url
from tests.circles.helpers import active_circle, make_seekers
from tests.circles.worker_harness import SmtpSink, Worker, database_url, wait_for
from tests.faults.private import PrivateRedis
from tests.faults.stack import Process, get, queue_on, session_cookie, site_env, web

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 20
SEEKERS = 90
PAUSED = "Live updates are paused"
SWEEP = {"CONNECT_OUTBOX_SWEEP_INTERVAL": "2", "CONNECT_OUTBOX_STALE_SECONDS": "10"}


class SlowSink(SmtpSink):
    """An SMTP sink that answers each message after 50 ms, as a real relay might."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_redis_stopped_mid_fan_out_then_every_invitation_is_emailed_once(tmp_path):
    began = time.monotonic()
    redis_server = PrivateRedis().start()
    env = site_env(
        server_database_url(), redis_server.url(0), CONNECT_VAR_DIR=str(tmp_path), **SWEEP
    )
    worker = Worker(
        database_url(connection.settings_dict),
        redis_server.url(0),
        0,
        log_path=tmp_path / "worker.log",
    )
    worker.env.update(SWEEP, CONNECT_MATCH_WORKERS="1")  # the round in one go, on the worker
    beat = Process("beat", env, tmp_path / "beat.log")
    try:
        with SlowSink() as sink:
            worker.env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
            # The worker and beat start while the people are written and the web starts.
            with worker:
                beat.start()
                make_seekers(SEEKERS)
                circle = active_circle(members=3)
                member_cookie = session_cookie(circle.memberships.first().user)
                with web(env, tmp_path) as (base, process):
                    ready_seconds = time.monotonic() - began
                    queue_on(redis_server.url(0), run_match_round)
                    started = wait_for(lambda: sink.total >= 15, 180)
                    assert started, (tmp_path / "worker.log").read_text()[-3000:]
                    redis_server.stop()
                    at_stop = sink.total
                    invitee = Invitation.objects.select_related("user").first()
                    invitee_cookie = session_cookie(invitee.user)
                    pages = [
                        (invitee_cookie, "/dashboard/"),
                        (invitee_cookie, f"/circles/invitations/{invitee.pk}/"),
                        (member_cookie, f"/chat/{circle.pk}/"),
                    ]
                    during, paused_shown, rounds = Counter(), 0, 0
                    down_until = time.monotonic() + OUTAGE_SECONDS
                    while time.monotonic() < down_until:
                        for cookie, path in pages:
                            status, body = get(f"{base}{path}", headers={"Cookie": cookie})
                            during[status] += 1
                            paused_shown += PAUSED in body
                        rounds += 1
                        time.sleep(1)
                    during_outage = sink.total - at_stop
                    redis_server.start()
                    restarted = time.monotonic()
                    invitations = set(Invitation.objects.values_list("pk", flat=True))
                    expected = {message_id("invitation", pk) for pk in invitations}
                    done = wait_for(lambda: set(sink.snapshot()) >= expected, 180)
                    recovery_seconds = time.monotonic() - restarted
                    time.sleep(3)  # the sweep runs again; a second copy would arrive now
                    received = sink.snapshot()
                    assert process.alive() and beat.alive(), beat.log()
    finally:
        beat.stop()
        redis_server.close()

    missing = expected - set(received)
    duplicates = sum(n - 1 for n in received.values())
    print(
        f"stack up in {ready_seconds:.0f} s; {len(invitations)} invitations; {at_stop} emails "
        f"before the outage, {during_outage} while Redis was away (the end of the batch the "
        "worker held: one batch per circle), the rest after it; all sent "
        f"{recovery_seconds:.1f} s after Redis came back; {sum(during.values())} page "
        f"requests during the outage: {dict(during)}; duplicates {duplicates}, "
        f"missing {len(missing)}"
    )
    assert done, (sorted(missing)[:5], (tmp_path / "worker.log").read_text()[-3000:])
    assert at_stop < len(expected)  # the outage landed in the middle of the fan-out
    assert set(during) == {200}, during
    assert paused_shown == rounds  # the chat page said so every time
    assert not missing and duplicates == 0, received
    statuses = set(OutboxEmail.objects.filter(source="invitation").values_list("status", flat=True))
    assert statuses == {OutboxEmail.Status.SENT}
