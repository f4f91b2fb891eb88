"""Reading the site as a Spanish speaker, in tests."""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from accounts.models import Profile


def prefers_spanish(user) -> None:
    """Save Spanish as ``user``'s language where profiles keep one."""
    if any(field.name == "language" for field in Profile._meta.get_fields()):
        Profile.objects.filter(user=user).update(language="es")
        user.refresh_from_db()


def spanish_client(client, user=None):
    """``client`` asking in Spanish: the browser's Accept-Language, the language
    cookie and (for ``user``, logged in) the saved choice all say "es"."""
    if user is not None:
        prefers_spanish(user)
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


@contextmanager
def in_spanish(*people):
    """Work done inside (notices, emails) for ``people`` who read Spanish."""
    for user in people:
        prefers_spanish(user)
    with translation.override("es"):
        yield
