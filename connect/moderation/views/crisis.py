"""Crisis alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from connect.access import answers_access_denied

from .. import queue
from ..forms import (
    NoteForm,
)
from ..permissions import access_alert
from ..services import (
    ModerationError,
    crisis_alert_handle,
)

# --- Crisis alerts ------------------------------------------------------------


@login_required
@answers_access_denied
def alert(request, alert_id):
    item = access_alert(request.user, alert_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            crisis_alert_handle(request.user, item, form.cleaned_data["note"])
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("Marked as handled. Thank you for looking out for them.")
            )
            return redirect("moderation:alert", alert_id=item.pk)
    return render(
        request,
        "moderation/alert.html",
        {"alert": item, "context_messages": queue.message_context(item.message), "form": form},
        status=400 if form.errors else 200,
    )
