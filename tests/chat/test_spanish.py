"""The chat page, the script's words and the socket's error frames in Spanish."""

import json
import re

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from tests.chat.conftest import connected, receive_until, session_cookie
from tests.spanish import prefers_spanish, spanish_client

pytestmark = pytest.mark.django_db


def test_chat_page_and_script_words_in_spanish(client, circle_members):
    circle, people = circle_members
    response = spanish_client(client, people["Ana"]).get(reverse("chat:room", args=[circle.pk]))
    body = response.content.decode()
    assert "Chat del círculo" in body and "Aún no hay mensajes. Saluda a tu círculo." in body
    assert "Circle chat" not in body and "No messages yet" not in body
    data = re.search(
        rf'<script id="chat-config-{circle.pk}" type="application/json">(.*?)</script>', body
    )
    config = json.loads(data.group(1))
    assert config["text"]["connecting"] == "Conectando…"
    assert config["close_codes"]["4423"].startswith("Por ahora estás silenciado/a en este círculo")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_socket_error_frames_in_spanish(circle_members):
    circle, people = circle_members
    await database_sync_to_async(prefers_spanish)(people["Ana"])
    cookie = await database_sync_to_async(session_cookie)(people["Ana"])
    ana, _ = await connected(circle.pk, f"{cookie}; django_language=es")
    await ana.send_json_to({"action": "send", "body": "   "})
    empty = await receive_until(ana, "error")
    assert empty["code"] == "empty" and empty["message"] == "Escribe algo primero."
    await ana.send_json_to({"action": "dance"})
    unknown = await receive_until(ana, "error")
    assert unknown["message"] == "Acción desconocida 'dance'."
    await ana.disconnect()
    # The same refusal reaches an English page's socket in English.
    ben, _ = await connected(circle.pk, await database_sync_to_async(session_cookie)(people["Ben"]))
    await ben.send_json_to({"action": "send", "body": ""})
    assert (await receive_until(ben, "error"))["message"] == "Write something first."
    await ben.disconnect()
