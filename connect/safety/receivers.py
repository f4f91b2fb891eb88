"""Safety's answers to other apps' signals."""

from typing import Any

from django.dispatch import receiver

from accounts.signals import login_requested

from .selectors import active_suspension
from .texts import login_refused_text


@receiver(login_requested, dispatch_uid="safety.refuse_login_while_suspended")
def refuse_login_while_suspended(sender: Any, *, user: Any, **kwargs: Any) -> str | None:
    """A person with an active suspension can't log in, and is told why."""
    suspension = active_suspension(user.pk)
    if suspension is None:
        return None
    return login_refused_text(suspension.ends_at)
