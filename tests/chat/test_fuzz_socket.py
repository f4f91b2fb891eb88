"""Hostile input on the chat socket: hypothesis sends generated frames for every
action (random JSON for each field, wrong types, huge ints, long strings,
nested structures, broken JSON). Never a 1011 close; every frame is answered
or ignored, and the socket still answers a ping afterwards.

CONNECT_FUZZ_EXAMPLES sets how many frames per action (default 60;
bench/fuzz.py runs thousands); one connected socket is reused for all the frames of an action.
"""

import asyncio
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.chat.conftest import FUZZ_COUNTS, connected, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("CONNECT_FUZZ_EXAMPLES", "60"))
ACTIONS = ("send", "edit", "delete", "report", "history", "read", "typing", "ping")
FIELDS = ("id", "body", "note", "reason", "after", "before", "client_id")

EDGE_INTS = st.sampled_from(
    [0, 1, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30)]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | EDGE_INTS
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=50)
    | st.text(max_size=3000)
    | st.sampled_from(["spam", "harassment", "other", "", "\x00", "\ud800", "@Ana"])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)


def frame_for(action: str):
    """A frame for ``action`` (as JSON text), or broken text that names it."""
    fields = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), JSON_VALUES)
    as_json = fields.map(lambda extra: json.dumps({**extra, "action": action}))
    deep = st.integers(min_value=1, max_value=7000).map(
        lambda depth: json.dumps({"action": action, "id": 0}).replace(
            "0}", "[" * depth + "]" * depth + "}"
        )
    )
    broken = st.text(max_size=200).map(lambda junk: f'{{"action": "{action}", {junk}')
    return as_json | deep | broken


async def fence(comm) -> None:
    """Ping, then read until the pong: no close (1011 or any) may come first."""
    await comm.send_json_to({"action": "ping"})
    while True:
        output = await comm.receive_output(timeout=10)
        assert output["type"] != "websocket.close", output
        if json.loads(output["text"])["type"] == "pong":
            return


@pytest.mark.parametrize("action", ACTIONS)
def test_fuzzed_frames_never_crash_the_socket(circle_members, action, settings_override):
    circle, people = circle_members
    from connect.chat.models import Message

    for author in (people["Ana"], people["Ben"]):
        Message.objects.create(circle=circle, author=author, body="seed")
    cookie = session_cookie(people["Ana"])
    loop = asyncio.new_event_loop()
    comm, _ = loop.run_until_complete(connected(circle.pk, cookie))
    tried = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(raw=frame_for(action))
    def one_frame(raw):
        nonlocal tried
        tried += 1

        async def run():
            await comm.send_to(text_data=raw)
            await fence(comm)

        loop.run_until_complete(run())

    try:
        one_frame()
        loop.run_until_complete(fence(comm))
    finally:
        loop.run_until_complete(comm.disconnect())
        loop.close()
    FUZZ_COUNTS[action] = FUZZ_COUNTS.get(action, 0) + tried
    print(f"socket fuzz: {tried} frames for action {action}")
    assert tried >= min(EXAMPLES, 200)


@pytest.fixture
def settings_override(settings):
    # Let sends through often enough that generated bodies reach the database.
    settings.CONNECT_CHAT_RATE = (100000, 10)
