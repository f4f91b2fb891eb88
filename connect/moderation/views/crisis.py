"""Crisis alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .. import queue
from ..forms import (
    NoteForm,
)
from ..models import CrisisAlert
from ..services import (
    ModerationError,
    actor_role,
    crisis_alert_handle,
)

# --- Crisis alerts ------------------------------------------------------------


@login_required
def alert(request, alert_id):
    item = get_object_or_404(CrisisAlert.objects.select_related("circle", "message"), pk=alert_id)
    if actor_role(request.user, item.circle_id) is None:
        raise Http404("No such alert.")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            crisis_alert_handle(request.user, item, form.cleaned_data["note"])
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Marked as handled. Thank you for looking out for them.")
            return redirect("moderation:alert", alert_id=item.pk)
    return render(
        request,
        "moderation/alert.html",
        {"alert": item, "context_messages": queue.message_context(item.message), "form": form},
        status=400 if form.errors else 200,
    )
