"""English and Spanish: which language a page speaks (decision 0052), the
switch, the saved choice, and emails and notifications in the recipient's
language (decision 0051)."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import User
from connect.notifications.models import Kind, Notification
from connect.notifications.services import notify
from connect.notifications.texts import local_datetime
from tests.accounts.helpers import PASSWORD, confirmation_link, valid_steps
from tests.factories import OnboardedUserFactory

pytestmark = pytest.mark.django_db

SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-ES,es;q=0.9"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def spanish_member(**profile_fields):
    user = OnboardedUserFactory()
    for name, value in {"language": "es", **profile_fields}.items():
        setattr(user.profile, name, value)
    user.profile.save()
    return user


def test_a_visitor_gets_their_browsers_language(client):
    page = client.get(reverse("landing"), **SPANISH_BROWSER)
    body = page.content.decode()
    assert '<html lang="es">' in body
    assert "Círculos pequeños de personas reales" in body
    assert "Small circles of real people" not in body
    english = client.get(reverse("landing"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="en">' in english and "Small circles of real people" in english


def test_a_logged_in_persons_saved_language_wins_over_the_browser(client):
    user = spanish_member()
    client.force_login(user)
    page = client.get(reverse("dashboard"), **ENGLISH_BROWSER)
    body = page.content.decode()
    assert '<html lang="es">' in body and "Tus círculos" in body
    # The cookie follows the saved choice, so pages after logging out stay Spanish.
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_the_switch_sets_a_visitors_cookie_and_goes_back(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/help/", **ENGLISH_BROWSER)
    assert "¿Necesitas ayuda ya?" in page.content.decode()
    # The footer's form sends no "next": the switch goes back to the page it was on.
    back = client.post(
        reverse("set_language"), {"language": "en"}, HTTP_REFERER="http://testserver/guidelines/"
    )
    assert back.status_code == 302 and back["Location"].endswith("/guidelines/")


def test_the_switch_saves_a_logged_in_persons_choice(client):
    user = OnboardedUserFactory()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/dashboard/"})
    assert response.status_code == 302
    # The middleware must not put the old language back in the cookie.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    user.profile.refresh_from_db()
    assert user.profile.language == "es"


def test_the_switch_refuses_an_unknown_language_and_changes_nothing(client):
    user = OnboardedUserFactory()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/dashboard/"})
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.language == "en"


def test_every_page_has_the_switch_with_each_language_in_its_own_words(client):
    body = client.get(reverse("landing")).content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert 'value="es" lang="es"' in body and ">Español</button>" in body
    assert 'value="en" lang="en"' in body and 'aria-current="true">English</button>' in body


def test_profile_edit_changes_the_saved_language(client):
    user = OnboardedUserFactory()
    client.force_login(user)
    data = {**valid_steps()["when"], "site_language": "es"}
    response = client.post(reverse("profile_edit", args=["when"]), data)
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.language == "es"
    # Left out of the form (an older page), the saved language stays.
    client.post(reverse("profile_edit", args=["when"]), valid_steps()["when"])
    user.profile.refresh_from_db()
    assert user.profile.language == "es"


def test_signing_up_in_spanish_saves_spanish_and_emails_in_spanish(client):
    client.post(
        reverse("account_signup"),
        {"email": "lucia@example.com", "password1": PASSWORD, "password2": PASSWORD},
        **SPANISH_BROWSER,
    )
    user = User.objects.get(email="lucia@example.com")
    assert user.profile.language == "es"
    message = mail.outbox[0]
    assert message.subject == "[Connect] Confirma tu correo electrónico"
    assert "Hola desde Connect" in message.body
    assert "Confirma mi correo electrónico" in message.alternatives[0][0]
    assert confirmation_link(message)


def test_a_password_reset_email_follows_the_accounts_language_not_the_page(client):
    user = spanish_member()
    client.post(reverse("account_reset_password"), {"email": user.email}, **ENGLISH_BROWSER)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Connect] Cambia tu contraseña"
    assert "Elige una contraseña nueva" in mail.outbox[0].alternatives[0][0]


def test_a_notification_reads_in_the_readers_language(client):
    reader = spanish_member()
    with translation.override("en"):  # whoever caused it reads English
        note = notify(
            reader,
            Kind.ACCOUNT,
            gettext_lazy("Your notification preferences are saved."),
            format_lazy("{} · {}", gettext_lazy("Email preferences"), "Connect"),
            email=False,
        )
    note.refresh_from_db()
    assert note.title == "Your notification preferences are saved."
    assert note.text("title", "es") == "Tus preferencias de notificaciones están guardadas."
    assert note.text("body", "es") == "Preferencias de correo · Connect"
    client.force_login(reader)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "Tus preferencias de notificaciones están guardadas." in body
    assert "Your notification preferences" not in body


def test_a_plain_text_notice_is_still_looked_up_in_the_catalog():
    reader = spanish_member()
    note = notify(reader, Kind.ACCOUNT, "Your notification preferences are saved.", email=False)
    assert Notification.objects.get(pk=note.pk).texts == {}
    assert note.text("title", "es") == "Tus preferencias de notificaciones están guardadas."
    unknown = notify(reader, Kind.ACCOUNT, "Words no catalog has", email=False)
    assert unknown.text("title", "es") == "Words no catalog has"


def test_a_notification_email_is_in_the_recipients_language_and_zone(
    django_capture_on_commit_callbacks,
):
    reader = spanish_member(timezone="America/Mexico_City")
    moment = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)  # 12:30 in Mexico City
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            reader,
            Kind.MEETUP,
            gettext_lazy("Your notification preferences are saved."),
            local_datetime(moment, reader.profile.timezone),
        )
    message = mail.outbox[-1]
    assert message.subject == "[Connect] Tus preferencias de notificaciones están guardadas."
    assert "lunes 7 de diciembre, 12:30" in message.body
    assert "Hola Member" in message.body and "Hello" not in message.body
    assert 'lang="es"' in message.alternatives[0][0]


def test_topics_modes_and_days_read_in_the_pages_language(client):
    user = spanish_member()
    client.force_login(user)
    body = client.get(reverse("profile")).content.decode()
    assert "Soledad" in body and "Loneliness" not in body
    assert "Presencial o por video" in body or "Cualquiera" in body
    when = client.get(reverse("profile_edit", args=["when"])).content.decode()
    assert "lunes 18:00–18:30" in when.lower()
    assert "Tardes entre semana" in when


def test_a_suspension_notice_is_in_the_persons_language(client):
    from connect.safety.texts import login_refused_text

    with translation.override("es"):
        text = login_refused_text(datetime(2026, 12, 7, 18, 30, tzinfo=UTC))
    assert text.startswith("Tu cuenta está suspendida hasta el 7 de diciembre de 2026, 18:30 UTC")


def test_a_person_with_an_unread_warning_can_still_switch_language(client):
    """The warning must be read before anything else is written, and it must be
    readable: switching the page's language is always allowed."""
    from connect.safety.models import ModerationWarning

    user = OnboardedUserFactory()
    ModerationWarning.objects.create(user=user, action_id=1, text="Be kind.")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/dashboard/"})
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.language == "es"
