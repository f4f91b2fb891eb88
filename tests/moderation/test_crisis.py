"""Crisis language: detection (true and false positives), alerts to the
circle's facilitators and the moderators, top of the queue; the crisis page."""

import pytest
from django.urls import reverse

from connect.chat.signals import message_posted
from connect.core.crisis import resources_for
from connect.moderation.models import CrisisAlert, ModerationAction
from connect.notifications.models import Notification
from connect.safety.crisis_language import contains_crisis_language


@pytest.mark.parametrize(
    "text",
    [
        "I want to end my life",
        "i WANT TO END MY LIFE.",
        "Sometimes I think about suicide",
        "I keep wanting to hurt   myself",
        "everyone would be better off without me",
        "I don't want to live anymore",
        "thinking of killing myself tonight",
        # Spanish, with and without accents
        "A veces pienso en quitarme la vida",
        "ya no quiero vivir",
        "Me quiero morir.",
        "creo que estarían mejor sin mí",
        "creo que estarian mejor sin mi",
        "tengo ganas de hacerme daño",
        "tengo ganas de hacerme dano",
        "pienso en el SUICIDIO",
    ],
)
def test_crisis_phrases_are_detected(text):
    assert contains_crisis_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me",
        "that joke killed me",
        "I'm dying to see you all on Tuesday",
        "the suicidesquad movie was bad",  # word boundary: not the word itself
        "I ended my lifelong habit of doomscrolling",
        "me muero de risa con vosotros",
        "este examen va a matarme",
        "mañana voy a cortarme el pelo",
        "me muero de ganas de veros el martes",
        "",
    ],
)
def test_everyday_idioms_do_not_alert(text):
    assert not contains_crisis_language(text)


def send(message):
    """As the chat consumer does after saving a message."""
    message_posted.send(sender=type(message), message=message)


def test_crisis_message_alerts_facilitators_and_moderators(
    moderator, facilitator, member, other_member, post
):
    message = post(member, "I want to end my life")
    send(message)
    alert = CrisisAlert.objects.get()
    assert alert.message == message and alert.author_id == member.pk
    assert alert.phrases == ["end my life"]
    url = reverse("moderation:alert", args=[alert.pk])
    alerted = set(Notification.objects.filter(url=url).values_list("user_id", flat=True))
    assert alerted == {moderator.pk, facilitator.pk}  # not the writer, not other members
    message.refresh_from_db()
    assert message.hidden_at is None  # the message is never blocked


def test_everyday_message_raises_no_alert(moderator, facilitator, member, post):
    send(post(member, "this homework is killing me"))
    assert not CrisisAlert.objects.exists()
    assert not Notification.objects.exists()


def test_alert_page_for_facilitator_and_moderator_only(
    client, moderator, facilitator, member, other_member, post
):
    send(post(member, "I want to die"))
    alert = CrisisAlert.objects.get()
    url = reverse("moderation:alert", args=[alert.pk])
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    client.force_login(facilitator)
    assert "I want to die" in client.get(url).content.decode()
    response = client.post(url, {"note": "Called them; they are safe with family"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == CrisisAlert.Status.HANDLED and alert.handled_by_id == facilitator.pk
    entry = ModerationAction.objects.get()
    assert entry.kind == "crisis_handled" and entry.actor_role == "facilitator"


def test_alerts_are_listed_first_in_the_queue(client, moderator, member, other_member, post):
    from connect.moderation.models import Report

    Report.objects.create(
        reporter=other_member, target_type="member", target_id=member.pk, reason="spam"
    )
    send(post(member, "I am suicidal"))
    client.force_login(moderator)
    body = client.get(reverse("moderation:queue")).content.decode()
    alert_url = reverse("moderation:alert", args=[CrisisAlert.objects.get().pk])
    assert body.index(alert_url) < body.index(
        reverse("moderation:queue_item", args=["member", member.pk])
    )


@pytest.mark.parametrize(
    "country,expected",
    [("US", "988"), ("GB", "Samaritans"), ("gb", "116 123"), ("NZ", "1737"), ("ZZ", None)],
)
def test_crisis_resources_by_country(country, expected):
    resources = resources_for(country)
    names = " ".join(f"{line.name} {line.how}" for line in resources["lines"])
    if expected is None:
        assert resources["lines"] == []
    else:
        assert expected in names
    assert "findahelpline.com" in resources["international"].url


def test_crisis_page_uses_the_persons_country(client, member):
    member.profile.country_code = "US"
    member.profile.save()
    client.force_login(member)
    body = client.get(reverse("crisis")).content.decode()
    assert "988 Suicide &amp; Crisis Lifeline" in body
    assert "peer support, not an emergency service" in body
    assert 'href="/help/"' in body  # "Need help now" in the header


def test_crisis_page_fallback_for_other_countries(client):
    body = client.get(reverse("crisis"), {"country": "BR"}).content.decode()
    assert "findahelpline.com" in body and "not an emergency service" in body


def test_a_burst_of_crisis_messages_alerts_people_once(moderator, facilitator, member, post):
    for text in ["I want to die", "I really want to die", "I want to end my life"]:
        send(post(member, text))
    assert CrisisAlert.objects.count() == 3  # every message is recorded and listed
    assert Notification.objects.filter(user=facilitator).count() == 1
    assert Notification.objects.filter(user=moderator).count() == 1
