"""Safety rules on the chat's plain pages and services: agreements, unread
warnings, reports that see only what the chat shows, block and report links on
each message, mentions across a block, and out-of-range ids."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from connect.chat import markup, permissions, selectors, services
from connect.chat.models import Message
from connect.moderation.models import Report
from connect.notifications.models import Notification
from connect.safety.models import Block, ModerationWarning

pytestmark = pytest.mark.django_db

AGREEMENTS_NOTICE = "Please confirm you are 18 or over and accept the community guidelines first."


def notices(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _unagree(user):
    user.profile.adult_confirmed_at = None
    user.profile.save()


# --- Hole 3 -----------------------------------------------------------------


def test_hole_3_chat_access_knows_agreements_in_one_query(
    circle_members, django_assert_num_queries
):
    circle, people = circle_members
    _unagree(people["Cy"])
    people["Ben"].profile.guidelines_version = "2000-01"
    people["Ben"].profile.save()
    with django_assert_num_queries(1):
        assert selectors.chat_access(people["Cy"], circle.pk) == selectors.NOT_AGREED
    with django_assert_num_queries(1):
        assert selectors.chat_access(people["Ben"], circle.pk) == selectors.NOT_AGREED
    with django_assert_num_queries(1):
        assert selectors.chat_access(people["Ana"], circle.pk) == selectors.OK


def test_hole_3_chat_pages_send_a_member_without_agreements_to_that_step(client, circle_members):
    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "hello").message
    _unagree(people["Ana"])
    client.force_login(people["Ana"])
    agreements = reverse("onboarding_step", args=["agreements"])
    for method, url in (
        ("get", reverse("chat:room", args=[circle.pk])),
        ("post", reverse("chat:send", args=[circle.pk])),
        ("post", reverse("chat:edit", args=[circle.pk, message.pk])),
        ("post", reverse("chat:delete", args=[circle.pk, message.pk])),
        ("get", reverse("chat:report", args=[circle.pk, message.pk])),
    ):
        response = getattr(client, method)(url, {"body": "more"} if method == "post" else None)
        assert response.status_code == 302 and response["Location"] == agreements, url
        assert AGREEMENTS_NOTICE in notices(response)
    # The history feed is under /chat/ too: the same redirect, before the view runs.
    history = client.get(reverse("chat:history", args=[circle.pk]))
    assert history.status_code == 302 and history["Location"] == agreements
    message.refresh_from_db()
    assert (message.body, message.deleted_at) == ("hello", None)
    assert Message.objects.count() == 1


# --- Hole 8 -----------------------------------------------------------------


def test_hole_8_no_javascript_writes_wait_for_the_warning_to_be_read(client, circle_members):
    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "hello").message
    warning = ModerationWarning.objects.create(user=people["Ana"], action_id=1, text="Be kind.")
    url = reverse("moderation:warning", args=[warning.pk])
    client.force_login(people["Ana"])
    for path in (
        reverse("chat:send", args=[circle.pk]),
        reverse("chat:edit", args=[circle.pk, message.pk]),
        reverse("chat:delete", args=[circle.pk, message.pk]),
    ):
        # The site-wide warning gate answers before the chat view: a page that
        # links to the warning, and nothing written.
        response = client.post(path, {"body": "changed"})
        assert response.status_code == 403, path
        assert url in response.content.decode()
    message.refresh_from_db()
    assert (message.body, message.deleted_at, message.edited_at) == ("hello", None, None)
    assert Message.objects.count() == 1
    # The services refuse the same way, with the link.
    with pytest.raises(services.ChatError) as refused:
        services.message_post(people["Ana"], circle.pk, "hi")
    assert refused.value.code == "warning_pending" and refused.value.extra["url"] == url
    # Reporting stays open.
    other = services.message_post(people["Ben"], circle.pk, "Ben's").message
    services.message_report(people["Ana"], circle.pk, other.pk, "spam")
    assert Report.objects.count() == 1


def test_hole_8_the_send_check_stays_one_query(circle_members, django_assert_num_queries):
    circle, people = circle_members
    with django_assert_num_queries(1):
        permissions.access_circle_chat(people["Ana"], circle.pk, to_post=True)


# --- Hole 1 (chat part) -----------------------------------------------------


CSRF_VALUE = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+"')


def without_csrf_tokens(content: bytes) -> bytes:
    """A page with its CSRF tokens blanked: each render masks the token afresh,
    which tells nothing about what was asked for."""
    return CSRF_VALUE.sub(rb'\1"', content)


def test_hole_1_chat_report_page_answers_like_missing_and_never_echoes(client, circle_members):
    circle, people = circle_members
    ben = people["Ben"]
    blocked = Message.objects.create(circle=circle, author=people["Ana"], body="secret blocked")
    deleted = Message.objects.create(
        circle=circle, author=ben, body="secret deleted", deleted_at=timezone.now()
    )
    hidden = Message.objects.create(
        circle=circle, author=ben, body="secret hidden", hidden_at=timezone.now()
    )
    fine = Message.objects.create(circle=circle, author=ben, body="plain words")
    Block.objects.create(blocker=people["Cy"], blocked=people["Ana"])
    client.force_login(people["Cy"])
    missing = client.get(reverse("chat:report", args=[circle.pk, fine.pk + 1000]))
    assert missing.status_code == 404
    for message in (blocked, deleted, hidden):
        url = reverse("chat:report", args=[circle.pk, message.pk])
        for response in (client.get(url), client.post(url, {"reason": "spam"})):
            assert response.status_code == 404
            assert b"secret" not in response.content
            assert without_csrf_tokens(response.content) == without_csrf_tokens(missing.content)
    assert not Report.objects.exists()
    for message in (blocked, deleted, hidden):
        with pytest.raises(services.ChatError) as refused:
            services.message_report(people["Cy"], circle.pk, message.pk, "spam")
        assert refused.value.code == "not_found"
    response = client.get(reverse("chat:report", args=[circle.pk, fine.pk]))
    assert response.status_code == 200 and b"plain words" in response.content


# --- Block and report on each message ---------------------------------------


def test_each_message_by_someone_else_has_report_and_block_links(client, circle_members):
    circle, people = circle_members
    ana, ben = people["Ana"], people["Ben"]
    mine = services.message_post(ana, circle.pk, "my words").message
    theirs = services.message_post(ben, circle.pk, "their words").message
    former = Message.objects.create(circle=circle, author=None, body="from the past")
    client.force_login(ana)
    page = client.get(reverse("chat:room", args=[circle.pk])).content.decode()
    html = page[page.index("data-chat-list") :]  # the messages drawn (not the script's template)
    report = reverse("moderation:report")
    block = reverse("moderation:block")
    assert f"{report}?type=message&amp;id={theirs.pk}" in html
    assert f"{block}?user_id={ben.pk}" in html
    assert f'type=message&amp;id={mine.pk}"' not in html
    assert f'?user_id={ana.pk}"' not in html
    assert f'type=message&amp;id={former.pk}"' not in html
    # The script draws live messages from the page's template of the same
    # markup, with placeholders for the ids; it holds no copy of the URLs.
    template = page[page.index("<template data-chat-message-template>") :]
    template = template[: template.index("</template>")]
    assert f'{report}?type=message&amp;id={markup.TOKENS["id"]}"' in template
    assert f'{block}?user_id={markup.TOKENS["author_id"]}"' in template
    script = (Path(settings.BASE_DIR) / "static/js/chat.js").read_text()
    assert "/safety/" not in script and '"/chat/' not in script


# --- Mentions across a block ------------------------------------------------


@pytest.mark.parametrize("writer_blocked", [True, False])
def test_a_mention_across_a_block_notifies_nobody(circle_members, writer_blocked):
    circle, people = circle_members
    ana, ben = people["Ana"], people["Ben"]
    if writer_blocked:
        Block.objects.create(blocker=ben, blocked=ana)
    else:
        Block.objects.create(blocker=ana, blocked=ben)
    services.message_post(ana, circle.pk, "@Ben and @Cy hello")
    assert set(Notification.objects.filter(kind="mention").values_list("user_id", flat=True)) == {
        people["Cy"].pk
    }


# --- Out-of-range ids in chat URLs (never a 500) ----------------------------


def test_huge_ids_in_chat_urls_answer_404(client, circle_members):
    circle, people = circle_members
    client.force_login(people["Ana"])
    huge = 10**20
    for url in (
        reverse("chat:report", args=[circle.pk, huge]),
        reverse("chat:edit", args=[circle.pk, huge]),
        reverse("chat:room", args=[huge]),
        reverse("chat:room", args=[circle.pk]) + f"?before={huge}",
        reverse("chat:room", args=[circle.pk]) + "?before=%C2%B2",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("chat:delete", args=[circle.pk, huge])).status_code in (302, 404)
    assert (
        client.get(reverse("chat:history", args=[circle.pk]) + f"?after={huge}").status_code == 400
    )
