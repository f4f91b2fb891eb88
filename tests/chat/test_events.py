"""Writes publish their own real-time events, on commit: a message sent, edited
or deleted reaches open chat sockets whichever way it was written (the socket,
the page without JavaScript, a direct service call), and never when the write
rolled back."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async as dba
from channels.layers import get_channel_layer
from django.db import transaction
from django.test import Client
from django.urls import reverse

from connect.chat import services
from connect.chat.models import Message
from connect.chat.realtime import circle_group
from tests.chat.conftest import connected, receive_until


def _listen(circle_id):
    """A channel in the circle's group, like an open chat socket."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(circle_group(circle_id), channel)
    return layer, channel


def _receive(layer, channel, timeout=2.0):
    """The next event on the channel, or None after ``timeout`` seconds."""

    async def poll():
        try:
            return await asyncio.wait_for(layer.receive(channel), timeout)
        except TimeoutError:
            return None

    return async_to_sync(poll)()


def _nothing_on(layer, channel):
    return _receive(layer, channel, timeout=0.2) is None


@pytest.mark.django_db
def test_services_publish_on_commit(circle_members, django_capture_on_commit_callbacks):
    circle, people = circle_members
    layer, channel = _listen(circle.pk)
    with django_capture_on_commit_callbacks(execute=True):
        posted = services.message_post(people["Ana"], circle.pk, "from a service")
    event = _receive(layer, channel)
    assert event is not None
    assert event["type"] == "chat.message" and event["kind"] == "message"
    assert event["message"]["id"] == posted.message.pk
    assert event["message"]["body"] == "from a service"

    with django_capture_on_commit_callbacks(execute=True):
        services.message_edit(people["Ana"], circle.pk, posted.message.pk, "changed")
    event = _receive(layer, channel)
    assert event["kind"] == "message_updated" and event["message"]["edited"] is True
    assert event["message"]["body"] == "changed"

    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(people["Ana"], circle.pk, posted.message.pk)
    event = _receive(layer, channel)
    assert event["kind"] == "message_updated" and event["message"]["state"] == "deleted"
    assert event["message"]["body"] == ""


@pytest.mark.django_db
def test_nothing_is_published_when_the_write_rolls_back(
    circle_members, django_capture_on_commit_callbacks
):
    circle, people = circle_members
    layer, channel = _listen(circle.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.message_post(people["Ana"], circle.pk, "never saved")
            raise RuntimeError("roll back")
    assert callbacks == []
    assert not Message.objects.exists()
    assert _nothing_on(layer, channel)


@pytest.mark.django_db
def test_a_refused_write_publishes_nothing(circle_members, django_capture_on_commit_callbacks):
    circle, people = circle_members
    posted = services.message_post(people["Ana"], circle.pk, "Ana's words")
    layer, channel = _listen(circle.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.ChatError):
            services.message_edit(people["Ben"], circle.pk, posted.message.pk, "not mine")
        with pytest.raises(services.ChatError):
            services.message_delete(people["Ben"], circle.pk, posted.message.pk)
    assert callbacks == []
    assert _nothing_on(layer, channel)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_messages_written_without_javascript_reach_open_sockets(circle_members):
    """Sent, edited and deleted through the plain page: an open socket sees each."""
    from tests.chat.conftest import session_cookie

    circle, people = circle_members
    ana, _ = await connected(circle.pk, await dba(session_cookie)(people["Ana"]))
    ben = Client()
    await dba(ben.force_login)(people["Ben"])

    response = await sync_to_async(ben.post)(
        reverse("chat:send", args=[circle.pk]), {"body": "posted without a script"}
    )
    assert response.status_code == 302
    frame = await receive_until(ana, "message")
    assert frame["message"]["body"] == "posted without a script"
    assert frame["message"]["author_name"] == "Ben"
    message_id = frame["message"]["id"]

    response = await sync_to_async(ben.post)(
        reverse("chat:edit", args=[circle.pk, message_id]), {"body": "edited without a script"}
    )
    assert response.status_code == 302
    frame = await receive_until(ana, "message_updated")
    assert frame["message"]["body"] == "edited without a script"
    assert frame["message"]["edited"] is True

    response = await sync_to_async(ben.post)(reverse("chat:delete", args=[circle.pk, message_id]))
    assert response.status_code == 302
    frame = await receive_until(ana, "message_updated")
    assert frame["message"]["state"] == "deleted" and frame["message"]["body"] == ""
    # Each write went out once.
    while not await ana.receive_nothing(timeout=0.5):
        extra = json.loads(await ana.receive_from())
        assert extra["type"] not in ("message", "message_updated"), extra
    await ana.disconnect()
