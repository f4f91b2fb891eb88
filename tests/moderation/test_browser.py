"""In a real browser: help is one click away, and a member can report a
message and block someone with the keyboard."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from connect.moderation.models import Report
from connect.safety.models import Block

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_need_help_now_is_one_click_from_any_page(page, live_server):
    page.goto(f"{live_server.url}/guidelines/")
    page.get_by_role("link", name="Need help now").click()
    page.wait_for_url("**/help/")
    assert page.get_by_text("Connect is peer support, not an emergency service.").is_visible()
    assert page.get_by_text("988").first.is_visible()


def test_member_reports_a_message_with_the_keyboard(page, live_server, member, other_member, post):
    message = post(other_member, "an unkind message")
    log_in(page, live_server, member)
    page.goto(f"{live_server.url}/safety/report/?type=message&id={message.pk}")
    assert page.get_by_text("an unkind message").is_visible()
    page.get_by_label("Harassment").check()
    page.get_by_label("Anything else a moderator should know? (optional)").fill("twice now")
    page.get_by_role("button", name="Send report").press("Enter")
    page.wait_for_url("**/safety/report/sent/")
    report = Report.objects.get()
    assert (report.reporter_id, report.target_id, report.note) == (
        member.pk,
        message.pk,
        "twice now",
    )


def test_block_then_unblock(page, live_server, member, other_member):
    Block.objects.create(blocker=member, blocked=other_member)
    log_in(page, live_server, member)
    page.goto(f"{live_server.url}/safety/blocks/")
    page.get_by_role("button", name=f"Unblock {other_member.display_name}").click()
    page.wait_for_load_state()
    assert page.get_by_text("You haven't blocked anyone.").is_visible()
    assert not Block.objects.exists()
