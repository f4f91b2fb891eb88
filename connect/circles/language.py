"""Speaking to someone who is not the person making the request.

A notice written for another person (a mention, an invitation, a reminder) is
worded in that person's language, not in the language of whoever caused it:
their saved site language when they have one, else the site's default.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from connect.notifications.services import notify


def language_of(user) -> str:
    """The language the site speaks to ``user`` (a code of ``settings.LANGUAGES``)."""
    profile = getattr(user, "profile", None)
    code = getattr(profile, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user):
    """Translate what is written inside the block for ``user``."""
    with translation.override(language_of(user)):
        yield


def notify_in_language(user, kind: str, title, body="", url: str = "", **options):
    """``notify`` with ``title`` and ``body`` worded for ``user``: pass them
    lazily (``gettext_lazy``, or ``format_lazy`` for ones with values) so that
    they are translated here, in the recipient's language."""
    with in_language_of(user):
        return notify(user, kind, str(title), str(body), url, **options)
