"""Rules of the video rooms that need no Janus: which server a room goes to,
and the TURN credentials coturn will accept."""

import base64
import hashlib
import hmac
from collections import Counter
from datetime import UTC, datetime

import pytest

from connect.video import janus
from connect.video.services import turn_credentials


def use_servers(settings, count):
    settings.JANUS_URL = ",".join(f"https://v{i}.example.org/janus" for i in range(count))
    settings.JANUS_ADMIN_URL = ",".join(f"http://10.0.0.{i}:7088/admin" for i in range(count))
    settings.JANUS_ADMIN_SECRET = "s"


def test_a_room_always_goes_to_the_same_server_and_rooms_spread(settings):
    use_servers(settings, 3)
    first = {room: janus.server_for(room).url for room in range(1, 3001)}
    assert first == {room: janus.server_for(room).url for room in range(1, 3001)}
    spread = Counter(first.values())
    assert len(spread) == 3 and min(spread.values()) > 850  # about a third each
    # Each server's admin URL travels with its public URL.
    for room in (1, 2, 3, 7, 11):
        server = janus.server_for(room)
        index = server.url.split(".")[0].removeprefix("https://v")
        assert server.admin_url == f"http://10.0.0.{index}:7088/admin"


def test_adding_a_server_moves_only_the_rooms_that_now_go_to_it(settings):
    use_servers(settings, 3)
    before = {room: janus.server_for(room).url for room in range(1, 3001)}
    use_servers(settings, 4)
    after = {room: janus.server_for(room).url for room in range(1, 3001)}
    moved = {room for room in before if before[room] != after[room]}
    assert all(after[room] == "https://v3.example.org/janus" for room in moved)
    assert 600 < len(moved) < 900  # about a quarter


def test_mismatched_server_lists_are_refused(settings):
    use_servers(settings, 2)
    settings.JANUS_ADMIN_URL = "http://10.0.0.1:7088/admin"
    with pytest.raises(ValueError):
        janus.server_for(1)


def test_turn_credentials_follow_coturns_shared_secret_scheme(settings):
    settings.TURN_HOST, settings.TURN_SECRET = "turn.example.org", "coturn-secret"
    expires = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    stun, turn = turn_credentials(42, expires)
    assert stun == {"urls": ["stun:turn.example.org:3478"]}
    assert turn["username"] == f"{int(expires.timestamp())}:connect-42"
    expected = hmac.new(b"coturn-secret", turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(expected).decode()
    settings.TURN_SECRET = ""
    assert turn_credentials(42, expires) == []
