"""Speaking to someone who is not the person making the request.

A notice written for another person (a mention, an invitation, a reminder) is
worded in that person's language, not in the language of whoever caused it:
their saved site language when they have one.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from connect.notifications.services import notify


def language_of(user) -> str:
    """The language the site speaks to ``user`` (a code of ``settings.LANGUAGES``):
    their saved one, else the language already active, else the default."""
    profile = getattr(user, "profile", None)
    code = getattr(profile, "language", "") or ""
    if code in dict(settings.LANGUAGES):
        return code
    return translation.get_language() or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user):
    """Translate what is written inside the block for ``user``."""
    with translation.override(language_of(user)):
        yield


def notify_in_language(user, kind: str, title, body="", url: str = "", **options):
    """``notify`` with lazy ``title`` and ``body`` (``gettext_lazy``, ``format_lazy``
    for ones with values): whatever they are worded in while the notice is
    made, the recipient's language is the one active."""
    with in_language_of(user):
        return notify(user, kind, title, body, url, **options)
