"""Sign-up and onboarding in Spanish, in a real browser whose language is es-ES:
every page on the way is Spanish, with no English sentence of ours left.

A page fails when its visible text, title, labels or placeholders hold an
English message of the catalog (one it translates differently) or a common
English word. Names (cities, crisis services, Connect itself) may stay.
"""

import re

import polib
import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.helpers import PASSWORD, confirmation_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PO = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Words that are English and never Spanish: one of them on a page is English left behind.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "with", "for", "are", "this", "what", "when", "please",
    "save", "back", "step", "sign", "log", "here", "from", "have", "will", "our", "how",
    "about", "email", "password", "continue", "finish", "search", "city", "time", "zone",
}  # fmt: skip
SHOWN = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
    parts.push(el.getAttribute("aria-label") || "", el.getAttribute("placeholder") || "",
               el.getAttribute("title") || "");
  }
  return parts.join("\\n");
}"""


def english_messages() -> list[str]:
    """The catalog's English phrases (between placeholders and tags) of two words
    or more, from messages that Spanish words differently."""
    found = set()
    for entry in polib.pofile(str(PO)):
        if entry.msgid == entry.msgstr:
            continue
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in re.split(r"<[^>]+>|%\(\w+\)\w|%\w|\{\{[^}]*\}\}", english):
                piece = " ".join(piece.split())
                if len(piece.split()) >= 2:
                    found.add(piece)
    return sorted(found)


def assert_spanish(page, where: str, messages: list[str]) -> None:
    shown = page.evaluate(SHOWN)
    flat = " ".join(shown.split())
    left = [m for m in messages if " ".join(m.split()) in flat]
    words = {w for w in re.findall(r"[A-Za-z']+", shown.lower()) if w in ENGLISH_WORDS}
    assert not left and not words, f"{where}: English left: {left[:5]} {sorted(words)}"
    assert page.evaluate("document.documentElement.lang") == "es", where


def test_sign_up_and_onboarding_in_spanish(browser, live_server, csp_watch):
    messages = english_messages()
    context = browser.new_context(locale="es-ES", timezone_id="Europe/Madrid")
    csp_watch(context)
    page = context.new_page()
    base = live_server.url

    page.goto(base + "/")
    expect(page.get_by_role("link", name="Crear cuenta").first).to_be_visible()
    assert_spanish(page, "landing", messages)

    page.goto(base + "/accounts/signup/")
    assert_spanish(page, "sign-up", messages)
    page.get_by_label("Correo electrónico").fill("lucia@example.com")
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_label("Contraseña (otra vez)").fill(PASSWORD)
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.get_by_role("heading", name="Revisa tu correo")).to_be_visible()
    assert_spanish(page, "check your email", messages)

    assert "Confirma tu correo electrónico" in mail.outbox[0].subject
    page.goto(base + confirmation_link(mail.outbox[0]))
    assert_spanish(page, "confirm email", messages)
    page.get_by_role("button", name="Confirmar").click()

    expect(page.get_by_text("Paso 1 de 5")).to_be_visible()
    assert_spanish(page, "onboarding: about", messages)
    page.get_by_label("Nombre visible").fill("Lucía")
    page.get_by_role("button", name="Guardar y seguir").click()

    # Sent without the boxes ticked: the errors are Spanish too.
    expect(page.get_by_text("Paso 2 de 5")).to_be_visible()
    page.get_by_role("button", name="Guardar y seguir").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_spanish(page, "onboarding: agreements with errors", messages)
    page.get_by_label("Tengo 18 años o más.").check()
    page.get_by_label(re.compile("acepto las normas de la comunidad")).check()
    page.get_by_role("button", name="Guardar y seguir").click()

    expect(page.get_by_text("Paso 3 de 5")).to_be_visible()
    assert_spanish(page, "onboarding: topics", messages)
    page.get_by_label("Soledad", exact=True).check()
    page.get_by_role("button", name="Guardar y seguir").click()

    expect(page.get_by_text("Paso 4 de 5")).to_be_visible()
    page.get_by_label("Por video", exact=True).check()
    assert_spanish(page, "onboarding: where", messages)
    page.get_by_role("button", name="Guardar y seguir").click()

    expect(page.get_by_text("Paso 5 de 5")).to_be_visible()
    assert_spanish(page, "onboarding: when", messages)
    page.get_by_role("button", name="Tardes entre semana").click()
    page.get_by_label("Español", exact=True).check()
    page.get_by_role("button", name="Terminar").click()

    expect(page.get_by_role("heading", name="Hola, Lucía")).to_be_visible()
    assert_spanish(page, "dashboard", messages)

    from accounts.models import Profile

    profile = Profile.objects.get(user__email="lucia@example.com")
    assert profile.is_onboarded and profile.language == "es"
    assert profile.timezone == "Europe/Madrid" and profile.languages == ["es"]
    context.close()
