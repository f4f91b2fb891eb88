"""The chat page without JavaScript, its forms, and the JSON history endpoint."""

import json
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse

from connect.chat import markup, realtime, services
from connect.chat.models import Message, ReadState
from connect.moderation.models import Report

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_non_members_get_404_and_anonymous_are_sent_to_log_in(client, circle_members, member_user):
    circle, _ = circle_members
    url = reverse("chat:room", args=[circle.pk])
    assert client.get(url).status_code == 302
    client.force_login(member_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("chat:history", args=[circle.pk])).status_code == 404
    assert client.post(reverse("chat:send", args=[circle.pk]), {"body": "hi"}).status_code == 404
    assert not Message.objects.exists()


def test_xss_payload_comes_back_escaped_in_the_page(client, circle_members):
    circle, people = circle_members
    services.message_post(people["Ana"], circle.pk, XSS)
    client.force_login(people["Ben"])
    html = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    assert XSS not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in html
    )
    # And raw (for textContent) in JSON.
    data = client.get(reverse("chat:history", args=[circle.pk])).json()
    assert data["messages"][0]["body"] == XSS


def test_page_lists_latest_messages_with_a_fixed_number_of_queries(
    client, circle_members, settings, django_assert_max_num_queries
):
    settings.CONNECT_CHAT_RATE = (1000, 10)
    circle, people = circle_members
    for i in range(60):
        services.message_post(people["Ana" if i % 2 else "Cy"], circle.pk, f"message {i}")
    client.force_login(people["Ben"])
    client.get(reverse("chat:room", args=[circle.pk]))  # warm the session
    with django_assert_max_num_queries(20):
        response = client.get(reverse("chat:room", args=[circle.pk]))
    html = response.content.decode()
    assert "message 59" in html and "message 10" in html and "message 9<" not in html
    assert 'aria-live="polite"' in html
    assert '<label for="id_body">Your message</label>' in html
    # Older ones by cursor, not offset.
    earliest = Message.objects.order_by("id")[10].pk
    assert f"?before={earliest}" in html
    older = client.get(reverse("chat:room", args=[circle.pk]), {"before": earliest})
    assert "message 9" in older.content.decode() and "message 10" not in older.content.decode()


def test_unread_marker_since_last_visit(client, circle_members):
    circle, people = circle_members
    client.force_login(people["Ben"])
    services.message_post(people["Ana"], circle.pk, "before")
    client.get(reverse("chat:room", args=[circle.pk]))
    services.message_post(people["Ana"], circle.pk, "after my visit")
    html = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    assert html.index("New since your last visit") < html.index("after my visit")
    assert html.index("before") < html.index("New since your last visit")
    assert ReadState.objects.get(user=people["Ben"]).last_read_id == Message.objects.last().pk
    # Seen now: no marker next time.
    html = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    assert "New since your last visit" not in html


def test_send_without_javascript(client, circle_members):
    circle, people = circle_members
    client.force_login(people["Ana"])
    response = client.post(reverse("chat:send", args=[circle.pk]), {"body": "plain form"})
    assert response.status_code == 302
    assert Message.objects.get().body == "plain form"
    bad = client.post(reverse("chat:send", args=[circle.pk]), {"body": "x" * 2001})
    assert bad.status_code == 400 and Message.objects.count() == 1
    assert b'class="error"' in bad.content


def shown(html: str) -> str:
    """The page without its <template> elements (inert markup the script copies from)."""
    return re.sub(r"<template\b.*?</template>", "", html, flags=re.S)


def test_crisis_card_on_the_no_js_page_for_the_writer_only(client, circle_members):
    circle, people = circle_members
    client.force_login(people["Ana"])
    response = client.post(
        reverse("chat:send", args=[circle.pk]), {"body": "I feel suicidal"}, follow=True
    )
    html = shown(response.content.decode())
    assert "You're not alone" in html and 'href="/help/"' in html
    assert Message.objects.get().body == "I feel suicidal"
    client.force_login(people["Ben"])
    assert "You're not alone" not in shown(
        client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    )


def test_edit_delete_and_report_without_javascript(client, circle_members):
    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "typo").message
    client.force_login(people["Ana"])
    edit_url = reverse("chat:edit", args=[circle.pk, message.pk])
    assert client.get(edit_url).status_code == 200
    client.post(edit_url, {"body": "fixed"})
    html = shown(client.get(reverse("chat:room", args=[circle.pk])).content.decode())
    assert "fixed" in html and "(edited)" in html
    client.post(reverse("chat:delete", args=[circle.pk, message.pk]))
    html = shown(client.get(reverse("chat:room", args=[circle.pk])).content.decode())
    assert "message deleted" in html and "fixed</p>" not in html

    other = services.message_post(people["Cy"], circle.pk, "something rude").message
    client.force_login(people["Ben"])
    assert client.get(reverse("chat:edit", args=[circle.pk, other.pk])).status_code == 404
    client.post(reverse("chat:delete", args=[circle.pk, other.pk]))
    assert Message.objects.get(pk=other.pk).deleted_at is None
    report_url = reverse("chat:report", args=[circle.pk, other.pk])
    assert client.get(report_url).status_code == 200
    client.post(report_url, {"reason": "harassment", "note": "not ok"})
    report = Report.objects.get()
    assert (report.target_type, report.target_id, report.reporter) == (
        "message",
        other.pk,
        people["Ben"],
    )


def test_state_changes_only_on_post(client, circle_members):
    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "stay").message
    client.force_login(people["Ana"])
    assert client.get(reverse("chat:send", args=[circle.pk])).status_code == 405
    assert client.get(reverse("chat:delete", args=[circle.pk, message.pk])).status_code == 405


def test_history_endpoint_after_and_before(client, circle_members):
    circle, people = circle_members
    ids = [services.message_post(people["Ana"], circle.pk, str(i)).message.pk for i in range(5)]
    client.force_login(people["Ben"])
    url = reverse("chat:history", args=[circle.pk])
    assert [m["id"] for m in client.get(url, {"after": ids[2]}).json()["messages"]] == ids[3:]
    assert [m["id"] for m in client.get(url, {"before": ids[2]}).json()["messages"]] == ids[:2]
    assert client.get(url, {"after": "x"}).status_code == 400


def test_muted_member_sees_the_page_with_the_form_hidden(client, circle_members):
    """The composer is there but hidden (the script shows it if the mute is
    lifted while the page is open); posting is refused either way."""
    from datetime import timedelta

    from django.utils import timezone

    from connect.safety.models import Mute

    circle, people = circle_members
    Mute.objects.create(
        circle=circle, user=people["Cy"], ends_at=timezone.now() + timedelta(hours=1), reason="x"
    )
    client.force_login(people["Cy"])
    html = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    assert '<p class="chat-muted" data-chat-muted>You are muted' in html
    form = re.search(r"<form [^>]*data-chat-form[^>]*>", html)
    assert form and form.group(0).endswith(" hidden>")
    client.post(reverse("chat:send", args=[circle.pk]), {"body": "hi"})
    assert not Message.objects.exists()


def test_panel_tag_renders_for_members_only(circle_members, member_user):
    from django.contrib.sessions.middleware import SessionMiddleware

    circle, people = circle_members
    template = Template("{% load chat_tags %}{% chat_panel circle %}")

    def render(user):
        request = RequestFactory().get("/circles/")
        SessionMiddleware(lambda r: None).process_request(request)
        request.user = user
        return template.render(Context({"request": request, "circle": circle}))

    assert "data-chat" in render(people["Ana"])
    assert "data-chat" not in render(member_user)


def test_dashboard_tags_give_unread_counts(circle_members):
    circle, people = circle_members
    services.message_post(people["Ana"], circle.pk, "hello")
    request = RequestFactory().get("/dashboard/")
    request.user = people["Ben"]
    template = Template(
        "{% load chat_tags %}{% chat_unread_counts as unread %}"
        "{{ unread|chat_unread_for:circle.pk }}/{{ unread|chat_unread_for:0 }}"
    )
    assert template.render(Context({"request": request, "circle": circle})) == "1/0"


def test_message_times_show_in_the_readers_own_zone(client, circle_members):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    circle, people = circle_members
    message = Message.objects.create(circle=circle, author=people["Ana"], body="hello")
    # 12:00 UTC on a summer day: 17:30 in Kolkata, 13:00 in London (BST).
    Message.objects.filter(pk=message.pk).update(
        created_at=datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    )
    reader = people["Ben"]
    reader.profile.timezone = "Asia/Kolkata"
    reader.profile.save()
    client.force_login(reader)
    body = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    assert "1 Jul 17:30" in body
    reader.profile.timezone = "Europe/London"
    reader.profile.save()
    body = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    assert "1 Jul 13:00" in body


def _chat_config(html: str, circle_id: int) -> dict:
    found = re.search(
        rf'<script id="chat-config-{circle_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "the panel carries its JSON data block"
    return json.loads(found.group(1))


def test_the_page_gives_the_script_every_close_code_and_its_urls(client, circle_members):
    circle, people = circle_members
    client.force_login(people["Ana"])
    html = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    config = _chat_config(html, circle.pk)
    defined = {
        value
        for name, value in vars(realtime).items()
        if name.startswith("CLOSE_") and isinstance(value, int)
    }
    assert defined and {int(code) for code in config["close_codes"]} == defined
    assert all(config["close_codes"].values())
    # The socket path is the route's own, reversed; the history URL too.
    match = resolve(config["socket_path"], urlconf="connect.chat.routing")
    assert match.url_name == "chat_socket" and match.kwargs == {"circle_id": circle.pk}
    assert config["history_url"] == reverse("chat:history", args=[circle.pk])
    assert config["user_id"] == people["Ana"].pk
    # The script holds no copy of them, and the page runs no inline script.
    script = (Path(settings.BASE_DIR) / "static/js/chat.js").read_text()
    for code in defined:
        assert str(code) not in script
    assert "/ws/" not in script and "/messages/" not in script
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline), inline


def test_messages_and_the_script_template_share_one_markup(client, circle_members):
    """Every part the script may show is in the template, marked with its flag,
    and every value it fills has a placeholder there."""
    circle, people = circle_members
    people["Ana"].profile.timezone = "Asia/Kolkata"
    people["Ana"].profile.save(update_fields=["timezone"])
    message = services.message_post(people["Ben"], circle.pk, "namaste").message
    client.force_login(people["Ana"])
    html = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    template = html[html.index("<template data-chat-message-template>") :]
    template = template[: template.index("</template>")]
    for flag in markup.FLAGS:
        assert f'data-when="{flag}"' in template, flag
    for token in markup.TOKENS.values():
        assert token in template, token
    # The page writes the time in the reader's zone, in the format the script gets.
    config = _chat_config(html, circle.pk)
    assert config["time"]["zone"] == "Asia/Kolkata"
    assert config["time"]["format"] == markup.TIME_FORMAT
    local = message.created_at.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata"))
    expected = f"{local.day} {local:%b} {local:%H:%M}"
    assert f'<time datetime="{message.created_at.isoformat()}">{expected}</time>' in html
